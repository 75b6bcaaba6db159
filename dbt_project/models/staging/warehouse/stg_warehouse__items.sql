with

source as (

    select * from {{ source('warehouse', 'items') }}

),

renamed as (

    select
        sku,
        barcode,
        description

    from source

)

select * from renamed
