with

products as (

    select * from {{ source('tiktok_shop', 'products') }}

),

skus as (

    select * from {{ source('tiktok_shop', 'products__skus') }}

),

unnested as (

    select
        'tiktok_shop' as channel,
        products.store_id,
        products.id as product_id,
        skus.id as sku_id,
        skus.seller_sku,
        skus.identifier_code__code as barcode,
        skus.identifier_code__type as barcode_type,
        {{ money('skus.price__sale_price') }} as price,
        skus.price__currency as currency

    from skus
    inner join products
        on skus._dlt_parent_id = products._dlt_id

)

select * from unnested
