{#- Every channel listing in one shape: the unit a channel offers and reports a quantity for.
    Shopify: an inventory item at a location; Amazon: a seller SKU in a marketplace;
    TikTok Shop: a SKU in a warehouse. -#}

with

{% if channel_enabled('shopify') %}
shopify_variants as (

    select * from {{ ref('stg_shopify__variants') }}

),

shopify_levels as (

    select * from {{ ref('stg_shopify__inventory_levels') }}

),

{% endif %}
{% if channel_enabled('amazon') %}
amazon_listings as (

    select * from {{ ref('stg_amazon__listings') }}

),

{% endif %}
{% if channel_enabled('tiktok_shop') %}
tiktok_skus as (

    select * from {{ ref('stg_tiktok_shop__skus') }}

),

tiktok_inventory as (

    select * from {{ ref('stg_tiktok_shop__inventory') }}

),

{% endif %}
{% if channel_enabled('shopify') %}
shopify as (

    select
        shopify_levels.channel,
        shopify_levels.store_id,
        shopify_levels.inventory_item_id || '@' || shopify_levels.location_id as listing_id,
        shopify_variants.seller_sku,
        shopify_variants.barcode,
        shopify_variants.product_id,
        shopify_variants.variant_id,
        shopify_levels.inventory_item_id,
        shopify_levels.location_id,
        'merchant' as fulfilled_by,
        shopify_levels.available_quantity as reported_quantity,
        shopify_levels.loaded_at_epoch
    from shopify_levels
    inner join shopify_variants
        on
            shopify_levels.store_id = shopify_variants.store_id
            and shopify_levels.inventory_item_id = shopify_variants.inventory_item_id

),

{% endif %}
{% if channel_enabled('amazon') %}
amazon_ranked as (

    select
        *,
        -- A listing offered both ways is marketplace-fulfilled: Amazon's stock is not ours.
        row_number() over (
            partition by store_id, seller_sku
            order by case when fulfillment_channel_code = 'DEFAULT' then 1 else 0 end
        ) as fulfilment_rank
    from amazon_listings

),

amazon as (

    select
        channel,
        store_id,
        seller_sku as listing_id,
        seller_sku,
        barcode,
        asin as product_id,
        cast(null as varchar) as variant_id,
        cast(null as varchar) as inventory_item_id,
        cast(null as varchar) as location_id,
        case
            when coalesce(fulfillment_channel_code, 'DEFAULT') = 'DEFAULT' then 'merchant'
            else 'marketplace'
        end as fulfilled_by,
        available_quantity as reported_quantity,
        loaded_at_epoch
    from amazon_ranked
    where fulfilment_rank = 1

),

{% endif %}
{% if channel_enabled('tiktok_shop') %}
tiktok_shop as (

    select
        tiktok_inventory.channel,
        tiktok_inventory.store_id,
        tiktok_inventory.sku_id || '@' || tiktok_inventory.warehouse_id as listing_id,
        tiktok_inventory.seller_sku,
        tiktok_skus.barcode,
        tiktok_inventory.product_id,
        tiktok_inventory.sku_id as variant_id,
        cast(null as varchar) as inventory_item_id,
        tiktok_inventory.warehouse_id as location_id,
        'merchant' as fulfilled_by,
        tiktok_inventory.available_quantity as reported_quantity,
        tiktok_inventory.loaded_at_epoch
    from tiktok_inventory
    left join tiktok_skus
        on
            tiktok_inventory.store_id = tiktok_skus.store_id
            and tiktok_inventory.sku_id = tiktok_skus.sku_id

),

{% endif %}
unioned as (
    {{ union_channels(['shopify', 'amazon', 'tiktok_shop']) }}
)

select * from unioned
