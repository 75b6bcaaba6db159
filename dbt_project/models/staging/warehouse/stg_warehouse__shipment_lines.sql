with

shipments as (

    select * from {{ source('warehouse', 'shipments') }}

),

lines as (

    select * from {{ source('warehouse', 'shipments__lines') }}

),

unnested as (

    select
        shipments.id as shipment_id,
        shipments.order_ref__channel as order_channel,
        shipments.order_ref__store_id as order_store_id,
        shipments.order_ref__order_id as order_id,
        shipments.location as location_code,
        lines.sku,
        cast(lines.quantity as integer) as quantity,
        {{ utc('shipments.shipped_at') }} as shipped_at

    from lines
    inner join shipments
        on lines._dlt_parent_id = shipments._dlt_id

)

select * from unnested
