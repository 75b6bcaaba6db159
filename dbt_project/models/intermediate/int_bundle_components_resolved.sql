{#- One row per (bundle, component). The brand's seed wins for a bundle it names; the
    warehouse's kit master gives the rest. A physical SKU is not listed: it is its own
    component with one unit. -#}

with

warehouse_kits as (

    select * from {{ ref('stg_warehouse__kit_components') }}

),

seeded as (

    select * from {{ ref('bundle_components') }}

),

from_seed as (

    select
        bundle_sku,
        component_sku,
        units_per_bundle,
        'seed' as defined_by
    from seeded

),

from_warehouse as (

    select
        warehouse_kits.kit_sku as bundle_sku,
        warehouse_kits.component_sku,
        warehouse_kits.units_per_kit as units_per_bundle,
        'warehouse' as defined_by
    from warehouse_kits
    where
        warehouse_kits.kit_sku not in (select seeded.bundle_sku from seeded)

)

select * from from_seed
union all
select * from from_warehouse
