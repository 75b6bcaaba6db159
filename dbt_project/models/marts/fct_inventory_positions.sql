{#- Stock per canonical SKU, the figure every channel is synced from.
    Physical SKU: on_hand from the warehouse snapshot (all locations); committed = units on
    open, merchant-fulfilled order lines of every channel (bundles as their components) not
    yet shipped by the warehouse; available_to_sell = greatest(on_hand - committed -
    safety_stock, 0). Shipments come from the same warehouse as on_hand, so a line counts
    as committed exactly until the shipment that took it off on_hand.
    Bundle: on_hand = kits its on-hand components make; available_to_sell = kits its
    components' on_hand - committed - safety_stock make (never below 0). -#}

with

products as (

    select * from {{ ref('dim_products') }}

),

components as (

    select * from {{ ref('int_sku_components_expanded') }}

),

inventory as (

    select * from {{ ref('stg_warehouse__inventory') }}

),

shipment_lines as (

    select * from {{ ref('stg_warehouse__shipment_lines') }}

),

order_lines as (

    select * from {{ ref('fct_order_lines') }}

),

stock_on_hand as (

    select
        sku,
        sum(on_hand) as on_hand,
        min(snapshot_at) as snapshot_at
    from inventory
    group by sku

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
        open_component_units.component_sku as sku,
        sum(
            greatest(
                open_component_units.ordered_units
                - coalesce(shipped_component_units.shipped_units, 0),
                0
            )
        ) as committed
    from open_component_units
    left join shipped_component_units
        on
            open_component_units.channel = shipped_component_units.channel
            and open_component_units.store_id = shipped_component_units.store_id
            and open_component_units.order_id = shipped_component_units.order_id
            and open_component_units.component_sku = shipped_component_units.component_sku
    group by open_component_units.component_sku

),

physical as (

    select
        products.sku,
        products.is_bundle,
        coalesce(stock_on_hand.on_hand, 0) as on_hand,
        coalesce(committed.committed, 0) as committed,
        products.safety_stock,
        greatest(
            coalesce(stock_on_hand.on_hand, 0)
            - coalesce(committed.committed, 0)
            - products.safety_stock,
            0
        ) as available_to_sell,
        stock_on_hand.snapshot_at
    from products
    left join stock_on_hand
        on products.sku = stock_on_hand.sku
    left join committed
        on products.sku = committed.sku
    where not products.is_bundle

),

bundles as (

    select
        products.sku,
        products.is_bundle,
        -- A component the warehouse does not stock makes no kit at all.
        case
            when count(physical.sku) = count(*)
                then min(floor(physical.on_hand * 1.0 / components.units_per_sku))
            else 0
        end as on_hand,
        cast(null as integer) as committed,
        products.safety_stock,
        case
            when count(physical.sku) = count(*)
                then greatest(
                    min(
                        floor(
                            (physical.on_hand - physical.committed - physical.safety_stock)
                            * 1.0 / components.units_per_sku
                        )
                    ),
                    0
                )
            else 0
        end as available_to_sell,
        min(physical.snapshot_at) as snapshot_at
    from products
    inner join components
        on products.sku = components.sku
    left join physical
        on components.component_sku = physical.sku
    where products.is_bundle
    group by products.sku, products.is_bundle, products.safety_stock

),

unioned as (

    select * from physical
    union all
    select * from bundles

)

select
    sku,
    is_bundle,
    cast(on_hand as integer) as on_hand,
    cast(committed as integer) as committed,
    cast(safety_stock as integer) as safety_stock,
    cast(available_to_sell as integer) as available_to_sell,
    snapshot_at
from unioned
