{#- The SKU crosswalk: which canonical SKU each channel's seller SKU stands for (a reviewed
    override, the seller SKU itself, or the barcode), one row per (channel, store, seller SKU)
    seen on a listing or an order line. Published so that the fast path maps a sale's lines
    exactly as fct_order_lines does. -#}

with

mapped as (

    select * from {{ ref('int_skus_mapped') }}

)

select
    channel,
    store_id,
    seller_sku,
    sku,
    mapping_method
from mapped
