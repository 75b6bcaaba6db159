{#- What one unit of each canonical SKU takes out of the warehouse: a physical SKU itself,
    a bundle its components. Everything that turns sales into stock goes through here. -#}

with

products as (

    select * from {{ ref('int_products_unioned') }}

),

bundle_components as (

    select * from {{ ref('int_bundle_components_resolved') }}

),

physical as (

    select
        sku,
        sku as component_sku,
        1 as units_per_sku
    from products
    where not is_bundle

),

bundles as (

    select
        products.sku,
        bundle_components.component_sku,
        bundle_components.units_per_bundle as units_per_sku
    from products
    inner join bundle_components
        on products.sku = bundle_components.bundle_sku
    where products.is_bundle

)

select * from physical
union all
select * from bundles
