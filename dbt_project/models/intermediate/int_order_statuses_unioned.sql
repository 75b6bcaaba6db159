{#- Each order's status fields as (field, value) rows, so one seed maps every channel. -#}

with

shopify_orders as (

    select * from {{ ref('stg_shopify__orders') }}

),

amazon_orders as (

    select * from {{ ref('stg_amazon__orders') }}

),

tiktok_orders as (

    select * from {{ ref('stg_tiktok_shop__orders') }}

),

shopify as (

    select
        channel,
        store_id,
        order_id,
        'cancelled' as status_field,
        case when cancelled_at is not null then 'true' else 'false' end as source_status
    from shopify_orders
    union all
    select
        channel,
        store_id,
        order_id,
        'financial_status' as status_field,
        financial_status as source_status
    from shopify_orders
    union all
    select
        channel,
        store_id,
        order_id,
        'fulfillment_status' as status_field,
        fulfillment_status as source_status
    from shopify_orders

),

amazon as (

    select
        channel,
        store_id,
        order_id,
        'order_status' as status_field,
        order_status as source_status
    from amazon_orders

),

tiktok_shop as (

    select
        channel,
        store_id,
        order_id,
        'order_status' as status_field,
        order_status as source_status
    from tiktok_orders

)

select * from shopify
union all
select * from amazon
union all
select * from tiktok_shop
