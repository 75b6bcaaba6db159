{#- What one unit of each canonical SKU takes out of the warehouse: a physical SKU itself, a
    bundle its components. Published so that the fast path expands a sale exactly as the
    marts do. -#}

with

components as (

    select * from {{ ref('int_sku_components_expanded') }}

)

select
    sku,
    component_sku,
    cast(units_per_sku as integer) as units_per_sku
from components
