{#- Each order's status fields as (field, value) rows, so one seed maps every channel. -#}

with

{% if channel_enabled('shopify') %}
shopify_orders as (

    select * from {{ ref('stg_shopify__orders') }}

),

{% endif %}
{% if channel_enabled('amazon') %}
amazon_orders as (

    select * from {{ ref('stg_amazon__orders') }}

),

{% endif %}
{% if channel_enabled('tiktok_shop') %}
tiktok_orders as (

    select * from {{ ref('stg_tiktok_shop__orders') }}

),

{% endif %}
{% if channel_enabled('shopify') %}
shopify as (

    select
        channel,
        store_id,
        order_id,
        'cancelled' as status_field,
        case when cancelled_at is not null then 'true' else 'false' end as source_status,
        loaded_at_epoch
    from shopify_orders
    union all
    select
        channel,
        store_id,
        order_id,
        'financial_status' as status_field,
        financial_status as source_status,
        loaded_at_epoch
    from shopify_orders
    union all
    select
        channel,
        store_id,
        order_id,
        'fulfillment_status' as status_field,
        fulfillment_status as source_status,
        loaded_at_epoch
    from shopify_orders

),

{% endif %}
{% if channel_enabled('amazon') %}
amazon as (

    select
        channel,
        store_id,
        order_id,
        'order_status' as status_field,
        order_status as source_status,
        loaded_at_epoch
    from amazon_orders

),

{% endif %}
{% if channel_enabled('tiktok_shop') %}
tiktok_shop as (

    select
        channel,
        store_id,
        order_id,
        'order_status' as status_field,
        order_status as source_status,
        loaded_at_epoch
    from tiktok_orders

),

{% endif %}
unioned as (
    {{ union_channels(['shopify', 'amazon', 'tiktok_shop']) }}
)

select * from unioned
