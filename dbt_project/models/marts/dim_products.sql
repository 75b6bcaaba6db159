with

products as (

    select * from {{ ref('int_products_unioned') }}

),

components as (

    select * from {{ ref('int_sku_components_expanded') }}

),

safety_stock as (

    select * from {{ ref('safety_stock') }}

),

component_counts as (

    select
        sku,
        count(*) as component_count
    from components
    group by sku

),

final as (

    select
        products.sku,
        products.barcode,
        products.gtin,
        products.description,
        products.is_bundle,
        cast(coalesce(component_counts.component_count, 0) as integer) as component_count,
        cast(
            case
                when products.is_bundle then 0
                else coalesce(safety_stock.safety_stock, {{ var('default_safety_stock') }})
            end as integer
        ) as safety_stock
    from products
    left join component_counts
        on products.sku = component_counts.sku
    left join safety_stock
        on products.sku = safety_stock.sku

)

select * from final
