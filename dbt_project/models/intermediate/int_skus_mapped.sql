{{ config(materialized='table') }}

{#- The SKU crosswalk, one row per (channel, store, seller SKU) seen on a listing or an order
    line. Rules in order: a reviewed override, the seller SKU itself, the barcode (GTIN-8/12/
    13/14 compared as GTIN-14, only where exactly one canonical SKU carries it); else
    unmapped, kept and surfaced rather than dropped.

    A table: order lines, listings, their tests and the stock push all look SKUs up here,
    and as a view it re-read every order line's seller SKU for each of them. -#}

with

listings as (

    select * from {{ ref('int_listings_unioned') }}

),

order_lines as (

    select * from {{ ref('int_order_lines_unioned') }}

),

products as (

    select * from {{ ref('int_products_unioned') }}

),

overrides as (

    select * from {{ ref('sku_overrides') }}

),

seller_skus as (

    select
        channel,
        store_id,
        seller_sku,
        max({{ gtin('barcode') }}) as gtin
    from (
        select
            channel,
            store_id,
            seller_sku,
            barcode
        from listings
        union all
        select distinct
            channel,
            store_id,
            seller_sku,
            cast(null as varchar) as barcode
        from order_lines
    ) as seen
    where seller_sku is not null
    group by channel, store_id, seller_sku

),

unambiguous_barcodes as (

    select
        gtin,
        min(sku) as sku
    from products
    where gtin is not null
    group by gtin
    having count(*) = 1

),

store_overrides as (

    select * from overrides
    where store_id is not null

),

channel_overrides as (

    select * from overrides
    where store_id is null

),

mapped as (

    select
        seller_skus.channel,
        seller_skus.store_id,
        seller_skus.seller_sku,
        seller_skus.gtin,
        coalesce(store_overrides.sku, channel_overrides.sku) as override_sku,
        exact.sku as exact_sku,
        unambiguous_barcodes.sku as barcode_sku
    from seller_skus
    left join store_overrides
        on
            seller_skus.channel = store_overrides.channel
            and seller_skus.store_id = store_overrides.store_id
            and seller_skus.seller_sku = store_overrides.seller_sku
    left join channel_overrides
        on
            seller_skus.channel = channel_overrides.channel
            and seller_skus.seller_sku = channel_overrides.seller_sku
    left join products as exact
        on trim(seller_skus.seller_sku) = exact.sku
    left join unambiguous_barcodes
        on seller_skus.gtin = unambiguous_barcodes.gtin

)

select
    channel,
    store_id,
    seller_sku,
    gtin,
    coalesce(override_sku, exact_sku, barcode_sku) as sku,
    case
        when override_sku is not null then 'override'
        when exact_sku is not null then 'exact_sku'
        when barcode_sku is not null then 'barcode'
        else 'unmapped'
    end as mapping_method
from mapped
