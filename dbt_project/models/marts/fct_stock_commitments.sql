{#- The units each open order still holds, per component SKU: ordered on open,
    merchant-fulfilled lines (bundles as their components) minus what the warehouse has
    shipped for that order. Shipments come from the same warehouse as on_hand, so a line
    counts as committed exactly until the shipment that took it off on_hand.
    One row per (channel, store_id, order_id, component_sku). The fast path starts from these
    rows: an order its events close releases its row, a new open order adds one. -#}

with

order_lines as (

    select * from {{ ref('fct_order_lines') }}

),

components as (

    select * from {{ ref('dim_sku_components') }}

),

shipment_lines as (

    select * from {{ ref('stg_warehouse__shipment_lines') }}

),

open_component_units as (

    select
        order_lines.channel,
        order_lines.store_id,
        order_lines.order_id,
        components.component_sku,
        sum(order_lines.quantity * components.units_per_sku) as ordered_units
    from order_lines
    inner join components
        on order_lines.sku = components.sku
    where
        order_lines.fulfilled_by = 'merchant'
        and order_lines.status in ('pending', 'open', 'partially_fulfilled')
    group by
        order_lines.channel,
        order_lines.store_id,
        order_lines.order_id,
        components.component_sku

),

open_orders as (

    select distinct
        channel,
        store_id,
        order_id
    from open_component_units

),

shipped_component_units as (

    -- Only the shipments of orders that still commit stock: a few thousand orders, not the
    -- whole shipment history. Joined on the order alone, so the warehouse narrows the
    -- shipments before it unnests their lines.
    select
        shipment_lines.order_channel as channel,
        shipment_lines.order_store_id as store_id,
        shipment_lines.order_id,
        shipment_lines.sku as component_sku,
        sum(shipment_lines.quantity) as shipped_units
    from shipment_lines
    inner join open_orders
        on
            shipment_lines.order_channel = open_orders.channel
            and shipment_lines.order_store_id = open_orders.store_id
            and shipment_lines.order_id = open_orders.order_id
    group by
        shipment_lines.order_channel,
        shipment_lines.order_store_id,
        shipment_lines.order_id,
        shipment_lines.sku

),

committed as (

    select
        open_component_units.channel,
        open_component_units.store_id,
        open_component_units.order_id,
        open_component_units.component_sku,
        open_component_units.ordered_units,
        coalesce(shipped_component_units.shipped_units, 0) as shipped_units
    from open_component_units
    left join shipped_component_units
        on
            open_component_units.channel = shipped_component_units.channel
            and open_component_units.store_id = shipped_component_units.store_id
            and open_component_units.order_id = shipped_component_units.order_id
            and open_component_units.component_sku = shipped_component_units.component_sku

)

select
    channel,
    store_id,
    order_id,
    component_sku,
    cast(ordered_units as integer) as ordered_units,
    cast(shipped_units as integer) as shipped_units,
    cast(greatest(ordered_units - shipped_units, 0) as integer) as committed_units
from committed
