{%- set present = relation_columns(source('amazon', 'orders')) -%}

with

source as (

    select * from {{ source('amazon', 'orders') }}

),

renamed as (

    select
        'amazon' as channel,
        store_id,
        amazon_order_id as order_id,
        order_status,
        fulfillment_channel,
        {{ email('buyer_info__buyer_email') }} as buyer_email,
        {{ optional_column(
            present, 'shipping_address__postal_code', 'varchar', 'ship_to_postcode'
        ) }},
        {{ optional_column(
            present, 'shipping_address__country_code', 'varchar', 'ship_to_country_code'
        ) }},
        {{ optional_column(present, 'order_total__currency_code', 'varchar', 'currency') }},
        {{ money('order_total__amount') }} as total_amount,
        {{ utc('purchase_date') }} as ordered_at,
        {{ utc('last_update_date') }} as updated_at,
        {{ load_stamp() }} as loaded_at_epoch

    from source

)

select * from renamed
