with

source as (

    select * from {{ source('warehouse', 'inventory') }}

),

renamed as (

    select
        sku,
        location as location_code,
        cast(on_hand as integer) as on_hand,
        {{ utc('updated_at') }} as updated_at,
        {{ utc('as_of') }} as snapshot_at

    from source

)

select * from renamed
