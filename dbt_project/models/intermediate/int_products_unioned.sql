{#- Every canonical SKU: the warehouse's physical items, and bundles from the warehouse's kit
    master or the brand's bundle_components seed. -#}

with

items as (

    select * from {{ ref('stg_warehouse__items') }}

),

kits as (

    select * from {{ ref('stg_warehouse__kits') }}

),

seeded_bundles as (

    select distinct bundle_sku from {{ ref('bundle_components') }}

),

physical as (

    select
        sku,
        barcode,
        description,
        false as is_bundle
    from items

),

bundles as (

    select
        kits.kit_sku as sku,
        kits.barcode,
        kits.description,
        true as is_bundle
    from kits

    union all

    select
        seeded_bundles.bundle_sku as sku,
        cast(null as varchar) as barcode,
        cast(null as varchar) as description,
        true as is_bundle
    from seeded_bundles
    left join kits
        on seeded_bundles.bundle_sku = kits.kit_sku
    where kits.kit_sku is null

),

unioned as (

    select * from physical
    union all
    select * from bundles

)

select
    sku,
    barcode,
    {{ gtin('barcode') }} as gtin,
    description,
    is_bundle
from unioned
