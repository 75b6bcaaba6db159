{#- fct_orders post-hook. A buyer whose identifying key changed (a Shopify customer edits
    their email, say) resolves to a new customer_id, and int_customers_resolved names the
    one they left in previous_customer_id. Their orders loaded before this build still
    carry the old id; this moves them, so an incremental build gives what a full refresh
    gives. Only buyers restated since this build's increment began are considered (so a
    missed build is caught up by the next), and nothing runs when nobody moved. -#}

{% macro rekey_orders_of_moved_buyers() -%}
    {%- set buyers = ref('int_customers_resolved') -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set moved_since_increment_start -%}
        moved.previous_customer_id is not null
        and {{ loaded_in_latest_build(
            this.identifier, 'moved.loaded_at_epoch', 'moved.channel'
        ) }}
    {%- endset -%}
    {%- set moved = run_query(
        'select count(*) from ' ~ buyers ~ ' as moved where ' ~ moved_since_increment_start
    ).columns[0].values()[0] -%}
    {%- if moved == 0 -%}
        {{ return('') }}
    {%- endif -%}
    update {{ this }} as orders
    set customer_id = moved.customer_id
    from {{ ref('int_orders_unioned') }} as source_orders
    inner join {{ buyers }} as moved
        on
            source_orders.channel = moved.channel
            and source_orders.store_id = moved.store_id
            and source_orders.customer_ref = moved.customer_ref
    where
        {{ moved_since_increment_start }}
        and orders.customer_id = moved.previous_customer_id
        and orders.order_key
        = source_orders.channel || ':' || source_orders.store_id || ':' || source_orders.order_id
{%- endmacro %}

{#- dim_customers post-hook: a customer whose only buyer record re-keyed away has no record
    left and no order (fct_orders moved them), so its row goes. Only customers a re-keyed
    buyer left since the last build are looked at. -#}
{% macro delete_customers_left_without_records() -%}
    {%- set since = consumed_loads() -%}
    {%- if since is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set buyers = ref('int_customers_resolved') -%}
    {%- set left_customers -%}
        select previous_customer_id from {{ buyers }}
        {{ loaded_after(since) }}
    {%- endset -%}
    {%- set moved = run_query(
        'select count(previous_customer_id) from (' ~ left_customers ~ ') as moved'
    ).columns[0].values()[0] -%}
    {%- if moved == 0 -%}
        {{ return('') }}
    {%- endif -%}
    delete from {{ this }}
    where
        customer_id in ({{ left_customers }})
        and customer_id not in (select customer_id from {{ buyers }})
{%- endmacro %}
