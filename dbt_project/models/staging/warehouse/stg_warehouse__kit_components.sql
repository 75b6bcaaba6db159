with

kits as (

    select * from {{ source('warehouse', 'kits') }}

),

components as (

    select * from {{ source('warehouse', 'kits__components') }}

),

unnested as (

    select
        kits.sku as kit_sku,
        components.sku as component_sku,
        cast(components.quantity as integer) as units_per_kit

    from components
    inner join kits
        on components._dlt_parent_id = kits._dlt_id

)

select * from unnested
