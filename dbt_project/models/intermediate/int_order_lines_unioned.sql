{#- Every channel's order lines in one shape, amounts in the order's currency. gross_amount
    is list price x units before discounts, tax and shipping (Amazon states ItemPrice as the
    line total already; TikTok has one line per unit). -#}

with

{% if channel_enabled('shopify') %}
shopify_lines as (

    select * from {{ ref('stg_shopify__order_lines') }}

),

{% endif %}
{% if channel_enabled('amazon') %}
amazon_items as (

    select * from {{ ref('stg_amazon__order_items') }}

),

{% endif %}
{% if channel_enabled('tiktok_shop') %}
tiktok_lines as (

    select * from {{ ref('stg_tiktok_shop__order_lines') }}

),

{% endif %}
{% if channel_enabled('shopify') %}
shopify as (

    select
        channel,
        store_id,
        order_id,
        order_line_id,
        seller_sku,
        quantity,
        quantity - unfulfilled_quantity as channel_shipped_quantity,
        currency,
        unit_price * quantity as gross_amount,
        coalesce(discount_amount, 0) as discount_amount,
        loaded_at_epoch
    from shopify_lines

),

{% endif %}
{% if channel_enabled('amazon') %}
amazon as (

    select
        channel,
        store_id,
        order_id,
        order_line_id,
        seller_sku,
        quantity,
        quantity_shipped as channel_shipped_quantity,
        currency,
        line_price_amount as gross_amount,
        coalesce(discount_amount, 0) as discount_amount,
        loaded_at_epoch
    from amazon_items

),

{% endif %}
{% if channel_enabled('tiktok_shop') %}
tiktok_shop as (

    select
        channel,
        store_id,
        order_id,
        order_line_id,
        seller_sku,
        quantity,
        case when package_status = 'SHIPPED' then 1 else 0 end as channel_shipped_quantity,
        currency,
        unit_price as gross_amount,
        unit_price - coalesce(sale_price, unit_price) as discount_amount,
        loaded_at_epoch
    from tiktok_lines

),

{% endif %}
unioned as (
    {{ union_channels(['shopify', 'amazon', 'tiktok_shop']) }}
)

select * from unioned
