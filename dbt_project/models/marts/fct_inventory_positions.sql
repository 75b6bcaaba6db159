{#- Stock per canonical SKU, the figure every channel is synced from.
    on_hand: the warehouse's units in every location (fct_stock_levels); committed: the units
    open order lines still hold (fct_stock_commitments); the arithmetic from there, bundles
    included, is the inventory_positions macro (macros/stock_rules.sql), which the fast path's
    reactor renders over its own state, so both compute the same figure. -#}

with

products as (

    select * from {{ ref('dim_products') }}

),

components as (

    select * from {{ ref('dim_sku_components') }}

),

stock_levels as (

    select * from {{ ref('fct_stock_levels') }}

),

commitments as (

    select * from {{ ref('fct_stock_commitments') }}

),

stock_on_hand as (

    select
        sku,
        sum(on_hand) as on_hand,
        min(snapshot_at) as snapshot_at
    from stock_levels
    group by sku

),

committed as (

    select
        component_sku as sku,
        sum(committed_units) as committed
    from commitments
    group by component_sku

),

positions as (

    {{ inventory_positions('products', 'components', 'stock_on_hand', 'committed') }}

)

select * from positions
