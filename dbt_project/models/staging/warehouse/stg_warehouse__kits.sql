with

source as (

    select * from {{ source('warehouse', 'kits') }}

),

renamed as (

    select
        sku as kit_sku,
        barcode,
        description

    from source

)

select * from renamed
