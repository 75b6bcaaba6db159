{%- set present = relation_columns(source('shopify', 'product_variants')) -%}

with

source as (

    select * from {{ source('shopify', 'product_variants') }}

),

renamed as (

    select
        'shopify' as channel,
        store_id,
        cast(id as varchar) as variant_id,
        cast(product_id as varchar) as product_id,
        cast(inventory_item_id as varchar) as inventory_item_id,
        sku as seller_sku,
        {{ optional_column(present, 'barcode', 'varchar') }},
        {{ optional_column(present, 'title', 'varchar', 'variant_title') }},
        {{ money('price') }} as price

    from source

)

select * from renamed
