with

source as (

    select * from {{ source('shopify', 'order_line_items') }}

),

renamed as (

    select
        'shopify' as channel,
        store_id,
        regexp_extract(order_id, '[0-9]+$') as order_id,
        regexp_extract(id, '[0-9]+$') as order_line_id,
        sku as seller_sku,
        regexp_extract(variant__id, '[0-9]+$') as variant_id,
        regexp_extract(product__id, '[0-9]+$') as product_id,
        quantity,
        current_quantity,
        unfulfilled_quantity,
        original_unit_price_set__shop_money__currency_code as currency,
        {{ money('original_unit_price_set__shop_money__amount') }} as unit_price,
        {{ money('total_discount_set__shop_money__amount') }} as discount_amount,
        {{ load_stamp() }} as loaded_at_epoch

    from source

)

select * from renamed
