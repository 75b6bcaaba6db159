{#- How stock becomes the figure a channel may sell: one definition, used by the dbt marts
    (fct_inventory_positions, inventory_push_targets) and rendered by the fast path's reactor
    over its own in-memory state (realtime/rules.py), so both compute the same numbers.
    Plain SQL and plain Jinja only: the reactor renders these without dbt. -#}

{#- Per canonical SKU: on_hand, committed, safety_stock, available_to_sell, snapshot_at.
    Physical SKU: available_to_sell = greatest(on_hand - committed - safety_stock, 0).
    Bundle: on_hand = kits its on-hand components make; available_to_sell = kits its
    components' on_hand - committed - safety_stock make (never below 0); a component the
    warehouse does not stock makes no kit.
    Inputs (relation or CTE names): products(sku, is_bundle, safety_stock),
    components(sku, component_sku, units_per_sku), stock_on_hand(sku, on_hand, snapshot_at),
    committed(sku, committed). -#}
{% macro inventory_positions(products, components, stock_on_hand, committed) %}
with

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
    from {{ products }} as products
    left join {{ stock_on_hand }} as stock_on_hand
        on products.sku = stock_on_hand.sku
    left join {{ committed }} as committed
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
    from {{ products }} as products
    inner join {{ components }} as components
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
{% endmacro %}

{#- The quantity one listing should show: floor(available_to_sell x allocation_percent / 100)
    - buffer_units, raised to minimum_units, capped by maximum_units and by
    available_to_sell, never below 0. -#}
{% macro stock_target(available, allocation_percent, buffer_units, minimum_units, maximum_units) %}
greatest(
    least(
        greatest(
            floor({{ available }} * {{ allocation_percent }} / 100) - {{ buffer_units }},
            {{ minimum_units }}
        ),
        coalesce({{ maximum_units }}, {{ available }}),
        {{ available }}
    ),
    0
)
{% endmacro %}
