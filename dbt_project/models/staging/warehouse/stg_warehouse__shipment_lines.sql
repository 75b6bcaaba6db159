{#- One row per shipped line, carrying its shipment's order reference (dlt loads the lines
    as a child table of shipments). Each side is renamed and cast before the join, which
    leaves the join bare so the warehouse can order it against a model's own filters, such
    as the few open orders fct_inventory_positions asks about, instead of unnesting every
    shipment ever made first. -#}

with

shipments as (

    select
        _dlt_id,
        id as shipment_id,
        order_ref__channel as order_channel,
        order_ref__store_id as order_store_id,
        order_ref__order_id as order_id,
        location as location_code,
        {{ utc('shipped_at') }} as shipped_at
    from {{ source('warehouse', 'shipments') }}

),

lines as (

    select
        _dlt_parent_id,
        sku,
        cast(quantity as integer) as quantity
    from {{ source('warehouse', 'shipments__lines') }}

),

unnested as (

    select
        shipments.shipment_id,
        shipments.order_channel,
        shipments.order_store_id,
        shipments.order_id,
        shipments.location_code,
        lines.sku,
        lines.quantity,
        shipments.shipped_at
    from lines
    inner join shipments
        on lines._dlt_parent_id = shipments._dlt_id

)

select * from unnested
