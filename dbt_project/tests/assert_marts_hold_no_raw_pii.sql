-- No mart holds a raw email, phone number or street address. Every text column of every mart
-- (for an incremental mart, of the rows its latest build wrote) is checked against every
-- contact value the raw tables hold, and for anything shaped like an email address. A mart
-- added later is caught too: it must be listed below, or the test fails naming it.
-- depends_on: {{ ref('dim_products') }}
-- depends_on: {{ ref('dim_channel_listings') }}
-- depends_on: {{ ref('dim_customers') }}
-- depends_on: {{ ref('fct_orders') }}
-- depends_on: {{ ref('fct_order_lines') }}
-- depends_on: {{ ref('fct_inventory_positions') }}
-- depends_on: {{ ref('inventory_push_targets') }}
-- depends_on: {{ ref('fct_daily_channel_sales') }}
-- depends_on: {{ ref('dim_sku_components') }}
-- depends_on: {{ ref('fct_stock_levels') }}
-- depends_on: {{ ref('fct_stock_commitments') }}
-- depends_on: {{ ref('dim_sku_map') }}
-- Dagster shows this test as a check of dim_customers (it reads several models).
{{ config(meta={"dagster": {"ref": {"name": "dim_customers"}}}) }}

{%- set checked = [
    'dim_products', 'dim_channel_listings', 'dim_customers', 'fct_orders', 'fct_order_lines',
    'fct_inventory_positions', 'inventory_push_targets', 'fct_daily_channel_sales',
    'dim_sku_components', 'fct_stock_levels', 'fct_stock_commitments', 'dim_sku_map',
] -%}
{%- set contact_columns = {
    ('shopify', 'orders'): [
        'email', 'shipping_address__address1', 'shipping_address__address2',
        'shipping_address__phone',
    ],
    ('shopify', 'customers'): [
        'email', 'phone', 'default_address__address1', 'default_address__address2',
        'default_address__phone',
    ],
    ('amazon', 'orders'): ['buyer_info__buyer_email'],
    ('tiktok_shop', 'orders'): [
        'buyer_email', 'recipient_address__phone_number', 'recipient_address__address_detail',
        'recipient_address__address_line1', 'recipient_address__full_address',
    ],
} %}

{# The marts' text values under test are collected first: usually far fewer than the raw
   contact values, so they are the side the warehouse hashes, and the raw columns are only
   scanned, never deduplicated. #}

with

contact_values as (

    select cast(null as varchar) as contact_value
    where false
    {%- for (channel, table), columns in contact_columns.items() if channel_enabled(channel) %}
    {%- set relation = source(channel, table) %}
    {%- set present = relation_columns(relation) %}
    {%- for column in columns if column in present %}
    union all
    select cast({{ column }} as varchar) from {{ relation }}
    where {{ column }} is not null
    {%- endfor %}
    {%- endfor %}

),

mart_values as (

    select
        cast(null as varchar) as mart,
        cast(null as varchar) as column_name,
        cast(null as varchar) as text_value
    where false
    {%- if execute %}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and 'marts' in node.fqn
        and node.name not in checked %}
    union all
    select
        '{{ node.name }}',
        '<not checked>',
        'add this mart to assert_marts_hold_no_raw_pii'
    {%- endfor %}
    {%- for mart in checked %}
    {%- for column in adapter.get_columns_in_relation(ref(mart)) if column.is_string() %}
    union all
    select distinct
        '{{ mart }}',
        '{{ column.name }}',
        cast({{ column.name }} as varchar)
    from {{ rows_under_test(ref(mart)) }}
    where {{ column.name }} is not null
    {%- endfor %}
    {%- endfor %}
    {%- endif %}

),

findings as (

    select
        mart_values.mart,
        mart_values.column_name,
        mart_values.text_value as offending_value
    from mart_values
    where
        mart_values.column_name = '<not checked>'
        or regexp_matches(mart_values.text_value, '^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$')
        or exists (
            select 1 from contact_values
            where contact_values.contact_value = mart_values.text_value
        )

)

select * from findings
