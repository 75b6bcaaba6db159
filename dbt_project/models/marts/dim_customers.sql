{{
    config(
        materialized='incremental',
        unique_key='customer_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "{{ delete_customers_left_without_records() }}",
            "{{ record_consumed_loads([ref('int_customers_resolved'), ref('fct_orders')]) }}",
        ],
    )
}}

{#- One row per resolved customer. Contact data appears only as salted SHA-256 digests.

    Incremental: a build recomputes, in full, each customer that a buyer record or an order
    loaded since its last build touches (including the customer a re-keyed buyer left);
    every other row is unchanged by construction. -#}

{%- set since = consumed_loads() %}

with

customers as (

    select
        customer_id,
        previous_customer_id,
        channel,
        resolution_method,
        is_masked,
        email_sha256,
        phone_sha256,
        country_code,
        loaded_at_epoch
    from {{ ref('int_customers_resolved') }}

),

orders as (

    select
        customer_id,
        channel,
        status,
        ordered_at,
        gross_amount_reporting,
        loaded_at_epoch
    from {{ ref('fct_orders') }}
    where customer_id is not null

),

{% if since is not none %}
touched as (

    select customer_id from customers
    {{ loaded_after(since) }}
    union
    select previous_customer_id from customers
    {{ loaded_after(since) }}
    union
    select customer_id from orders
    {{ loaded_after(since) }}

),

{% endif %}
order_totals as (

    select
        customer_id,
        count(*) as order_count,
        min(ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at,
        sum(case when status <> 'cancelled' then gross_amount_reporting else 0 end)
            as gross_amount_reporting,
        max(loaded_at_epoch) as loaded_at_epoch
    from orders
    {% if since is not none %}
    where customer_id in (select customer_id from touched)
    {% endif %}
    group by customer_id

),

identities as (

    select
        customer_id,
        min(resolution_method) as resolution_method,
        bool_or(is_masked) as is_masked,
        max(email_sha256) as email_sha256,
        max(phone_sha256) as phone_sha256,
        max(country_code) as country_code,
        count(distinct channel) as channel_count,
        count(*) as source_record_count,
        max(loaded_at_epoch) as loaded_at_epoch
    from customers
    {% if since is not none %}
    where customer_id in (select customer_id from touched)
    {% endif %}
    group by customer_id

),

final as (

    select
        identities.customer_id,
        identities.resolution_method,
        identities.is_masked,
        identities.email_sha256,
        identities.phone_sha256,
        identities.country_code,
        cast(identities.channel_count as integer) as channel_count,
        cast(identities.source_record_count as integer) as source_record_count,
        cast(coalesce(order_totals.order_count, 0) as integer) as order_count,
        order_totals.first_ordered_at,
        order_totals.last_ordered_at,
        cast(coalesce(order_totals.gross_amount_reporting, 0) as decimal(18, 2))
            as gross_amount_reporting,
        '{{ var("reporting_currency") }}' as reporting_currency,
        greatest(identities.loaded_at_epoch, order_totals.loaded_at_epoch) as loaded_at_epoch,
        {{ built_at() }} as built_at
    from identities
    left join order_totals
        on identities.customer_id = order_totals.customer_id

)

select * from final
