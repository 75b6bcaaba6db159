{#- Every channel's orders in one shape, amounts as the channel states them in the order's
    currency. Amazon omits OrderTotal on pending orders; its currency then comes from the
    items. `customer_ref` is the channel's handle on the buyer (see int_customer_records). -#}

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

amazon_items as (

    select * from {{ ref('stg_amazon__order_items') }}

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
        order_number,
        coalesce(customer_id, 'guest:' || order_id) as customer_ref,
        'merchant' as fulfilled_by,
        currency,
        discount_amount,
        tax_amount,
        shipping_amount,
        total_amount,
        refunded_amount,
        ship_to_country_code,
        ordered_at,
        updated_at,
        cancelled_at,
        loaded_at_epoch
    from shopify_orders

),

{% endif %}
{% if channel_enabled('amazon') %}
amazon as (

    -- Amounts summed from the items after joining them to their orders (rather than for
    -- every order, then joined), so an incremental build sums only the orders it reads.
    select
        amazon_orders.channel,
        amazon_orders.store_id,
        amazon_orders.order_id,
        amazon_orders.order_id as order_number,
        amazon_orders.buyer_email as customer_ref,
        case
            when amazon_orders.fulfillment_channel = 'AFN' then 'marketplace' else 'merchant'
        end as fulfilled_by,
        coalesce(amazon_orders.currency, max(amazon_items.currency)) as currency,
        sum(
            coalesce(amazon_items.discount_amount, 0)
        ) filter (where amazon_items.order_id is not null) as discount_amount,
        sum(
            coalesce(amazon_items.tax_amount, 0)
        ) filter (where amazon_items.order_id is not null) as tax_amount,
        sum(
            coalesce(amazon_items.shipping_amount, 0)
            - coalesce(amazon_items.shipping_discount_amount, 0)
        ) filter (where amazon_items.order_id is not null) as shipping_amount,
        amazon_orders.total_amount,
        cast(null as decimal(18, 2)) as refunded_amount,
        amazon_orders.ship_to_country_code,
        amazon_orders.ordered_at,
        amazon_orders.updated_at,
        cast(null as timestamp) as cancelled_at,
        amazon_orders.loaded_at_epoch
    from amazon_orders
    left join amazon_items
        on
            amazon_orders.store_id = amazon_items.store_id
            and amazon_orders.order_id = amazon_items.order_id
    group by
        amazon_orders.channel,
        amazon_orders.store_id,
        amazon_orders.order_id,
        amazon_orders.buyer_email,
        amazon_orders.fulfillment_channel,
        amazon_orders.currency,
        amazon_orders.total_amount,
        amazon_orders.ship_to_country_code,
        amazon_orders.ordered_at,
        amazon_orders.updated_at,
        amazon_orders.loaded_at_epoch

),

{% endif %}
{% if channel_enabled('tiktok_shop') %}
tiktok_shop as (

    select
        channel,
        store_id,
        order_id,
        order_id as order_number,
        buyer_user_id as customer_ref,
        case
            when fulfillment_type = 'FULFILLMENT_BY_TIKTOK' then 'marketplace' else 'merchant'
        end as fulfilled_by,
        currency,
        discount_amount,
        tax_amount,
        shipping_amount,
        total_amount,
        cast(null as decimal(18, 2)) as refunded_amount,
        ship_to_country_code,
        ordered_at,
        updated_at,
        cancelled_at,
        loaded_at_epoch
    from tiktok_orders

),

{% endif %}
unioned as (
    {{ union_channels(['shopify', 'amazon', 'tiktok_shop']) }}
)

select * from unioned
