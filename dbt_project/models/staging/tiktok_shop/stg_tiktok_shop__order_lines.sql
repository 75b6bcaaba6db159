{#- TikTok line items are nested under their order by dlt; the order id comes from the parent
    row. One line item per unit sold, so every line has quantity 1. -#}

with

orders as (

    select * from {{ source('tiktok_shop', 'orders') }}

),

line_items as (

    select * from {{ source('tiktok_shop', 'orders__line_items') }}

),

unnested as (

    select
        'tiktok_shop' as channel,
        orders.store_id,
        orders.id as order_id,
        line_items.id as order_line_id,
        line_items.sku_id,
        line_items.product_id,
        line_items.seller_sku,
        1 as quantity,
        line_items.currency,
        {{ money('line_items.original_price') }} as unit_price,
        {{ money('line_items.sale_price') }} as sale_price,
        line_items.display_status as line_status,
        line_items.package_status,
        {{ load_stamp('orders._dlt_load_id') }} as loaded_at_epoch

    from line_items
    inner join orders
        on line_items._dlt_parent_id = orders._dlt_id

)

select * from unnested
