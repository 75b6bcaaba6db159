with

source as (

    select * from {{ source('shopify', 'inventory_levels') }}

),

renamed as (

    select
        'shopify' as channel,
        store_id,
        cast(inventory_item_id as varchar) as inventory_item_id,
        cast(location_id as varchar) as location_id,
        cast(available as integer) as available_quantity,
        {{ utc('updated_at') }} as updated_at,
        {{ load_stamp() }} as loaded_at_epoch

    from source

)

select * from renamed
