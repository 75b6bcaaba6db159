{%- set present = relation_columns(source('shopify', 'orders')) -%}

with

source as (

    select * from {{ source('shopify', 'orders') }}

),

renamed as (

    select
        'shopify' as channel,
        store_id,
        cast(legacy_resource_id as varchar) as order_id,
        name as order_number,
        regexp_extract(customer__id, '[0-9]+$') as customer_id,
        {{ email('email') }} as email,
        {{ optional_column(present, 'shipping_address__name', 'varchar', 'ship_to_name') }},
        {{ optional_column(present, 'shipping_address__zip', 'varchar', 'ship_to_postcode') }},
        {{ optional_column(present, 'shipping_address__phone', 'varchar', 'ship_to_phone') }},
        {{ optional_column(
            present, 'shipping_address__country_code_v2', 'varchar', 'ship_to_country_code'
        ) }},
        currency_code as currency,
        display_financial_status as financial_status,
        display_fulfillment_status as fulfillment_status,
        {{ optional_column(present, 'cancel_reason', 'varchar') }},
        {{ money('subtotal_price_set__shop_money__amount') }} as subtotal_amount,
        {{ money('total_discounts_set__shop_money__amount') }} as discount_amount,
        {{ money('total_tax_set__shop_money__amount') }} as tax_amount,
        {{ money('total_shipping_price_set__shop_money__amount') }} as shipping_amount,
        {{ money('total_price_set__shop_money__amount') }} as total_amount,
        {{ money('total_refunded_set__shop_money__amount') }} as refunded_amount,
        taxes_included as is_tax_included,
        {{ utc('created_at') }} as ordered_at,
        {{ utc('updated_at') }} as updated_at,
        {{ utc('cancelled_at') }} as cancelled_at,
        {{ load_stamp() }} as loaded_at_epoch

    from source

)

select * from renamed
