{%- set present = relation_columns(source('amazon', 'order_items')) -%}

with

source as (

    select * from {{ source('amazon', 'order_items') }}

),

renamed as (

    select
        'amazon' as channel,
        store_id,
        amazon_order_id as order_id,
        order_item_id as order_line_id,
        seller_sku,
        asin,
        quantity_ordered as quantity,
        quantity_shipped,
        item_price__currency_code as currency,
        -- ItemPrice is the line total (unit price x quantity), not the unit price.
        {{ money('item_price__amount') }} as line_price_amount,
        {{ optional_column(present, 'item_tax__amount', 'decimal(18, 2)', 'tax_amount') }},
        {{ optional_column(
            present, 'promotion_discount__amount', 'decimal(18, 2)', 'discount_amount'
        ) }},
        {{ optional_column(
            present, 'shipping_price__amount', 'decimal(18, 2)', 'shipping_amount'
        ) }},
        {{ optional_column(
            present, 'shipping_discount__amount', 'decimal(18, 2)', 'shipping_discount_amount'
        ) }},
        {{ load_stamp() }} as loaded_at_epoch

    from source

)

select * from renamed
