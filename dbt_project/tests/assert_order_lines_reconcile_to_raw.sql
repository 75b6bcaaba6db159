-- Every raw order line is in fct_order_lines exactly once, per channel and store.
-- Dagster shows this test as a check of fct_order_lines (it reads several models).
{{ config(meta={"dagster": {"ref": {"name": "fct_order_lines"}}}) }}

with

{% if channel_enabled('shopify') %}
shopify as (

    select
        'shopify' as channel,
        store_id,
        count(*) as line_count
    from {{ source('shopify', 'order_line_items') }}
    group by store_id

),

{% endif %}
{% if channel_enabled('amazon') %}
amazon as (

    select
        'amazon' as channel,
        store_id,
        count(*) as line_count
    from {{ source('amazon', 'order_items') }}
    group by store_id

),

{% endif %}
{% if channel_enabled('tiktok_shop') %}
tiktok_shop as (

    select
        'tiktok_shop' as channel,
        orders.store_id,
        count(*) as line_count
    from {{ source('tiktok_shop', 'orders__line_items') }} as line_items
    inner join {{ source('tiktok_shop', 'orders') }} as orders
        on line_items._dlt_parent_id = orders._dlt_id
    group by orders.store_id

),

{% endif %}
raw_counts as (
    {{ union_channels(['shopify', 'amazon', 'tiktok_shop']) }}
),

mart_counts as (

    select
        channel,
        store_id,
        count(*) as line_count
    from {{ ref('fct_order_lines') }}
    group by channel, store_id

)

select
    coalesce(raw_counts.channel, mart_counts.channel) as channel,
    coalesce(raw_counts.store_id, mart_counts.store_id) as store_id,
    raw_counts.line_count as raw_line_count,
    mart_counts.line_count as mart_line_count
from raw_counts
full outer join mart_counts
    on raw_counts.channel = mart_counts.channel and raw_counts.store_id = mart_counts.store_id
where raw_counts.line_count is distinct from mart_counts.line_count
