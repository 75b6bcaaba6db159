with

listings as (

    select * from {{ ref('int_listings_unioned') }}

),

skus as (

    select * from {{ ref('int_skus_mapped') }}

),

final as (

    select
        listings.channel || ':' || listings.store_id || ':' || listings.listing_id
            as listing_key,
        listings.channel,
        listings.store_id,
        listings.listing_id,
        listings.seller_sku,
        listings.barcode,
        listings.product_id,
        listings.variant_id,
        listings.inventory_item_id,
        listings.location_id,
        skus.sku,
        coalesce(skus.mapping_method, 'unmapped') as mapping_method,
        listings.fulfilled_by,
        cast(listings.reported_quantity as integer) as reported_quantity,
        listings.loaded_at_epoch
    from listings
    left join skus
        on
            listings.channel = skus.channel
            and listings.store_id = skus.store_id
            and listings.seller_sku = skus.seller_sku

)

select * from final
