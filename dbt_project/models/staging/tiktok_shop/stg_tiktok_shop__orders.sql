{%- set present = relation_columns(source('tiktok_shop', 'orders')) -%}

with

source as (

    select * from {{ source('tiktok_shop', 'orders') }}

),

renamed as (

    select
        'tiktok_shop' as channel,
        store_id,
        id as order_id,
        status as order_status,
        fulfillment_type,
        user_id as buyer_user_id,
        {{ email('buyer_email') }} as buyer_email,
        {{ optional_column(present, 'recipient_address__name', 'varchar', 'ship_to_name') }},
        {{ optional_column(
            present, 'recipient_address__phone_number', 'varchar', 'ship_to_phone'
        ) }},
        {{ optional_column(
            present, 'recipient_address__postal_code', 'varchar', 'ship_to_postcode'
        ) }},
        {{ optional_column(
            present, 'recipient_address__region_code', 'varchar', 'ship_to_country_code'
        ) }},
        payment__currency as currency,
        {{ money('payment__original_total_product_price') }} as product_gross_amount,
        {{ money('payment__seller_discount') }} + {{ money('payment__platform_discount') }}
            as discount_amount,
        {{ money('payment__tax') }} as tax_amount,
        {{ money('payment__shipping_fee') }} as shipping_amount,
        {{ money('payment__total_amount') }} as total_amount,
        {{ epoch_utc('create_time') }} as ordered_at,
        {{ epoch_utc('update_time') }} as updated_at,
        {{ epoch_utc('cancel_time') }} as cancelled_at,
        {{ load_stamp() }} as loaded_at_epoch

    from source

)

select * from renamed
