with

source as (

    select * from {{ source('tiktok_shop', 'inventory') }}

),

renamed as (

    select
        'tiktok_shop' as channel,
        store_id,
        product_id,
        sku_id,
        seller_sku,
        warehouse_id,
        cast(quantity as integer) as available_quantity,
        {{ load_stamp() }} as loaded_at_epoch

    from source

)

select * from renamed
