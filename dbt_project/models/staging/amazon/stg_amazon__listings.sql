{#- dlt nests a listing's summaries and fulfillment availability in child tables; unnesting
    them back onto their listing is part of staging (one row per listing and fulfillment
    channel), not a business join. -#}

with

listings as (

    select * from {{ source('amazon', 'listings') }}

),

summaries as (

    select * from {{ source('amazon', 'listings__summaries') }}

),

availability as (

    select * from {{ source('amazon', 'listings__fulfillment_availability') }}

),

unnested as (

    select
        'amazon' as channel,
        listings.store_id,
        listings.marketplace_id,
        listings.sku as seller_sku,
        summaries.asin,
        json_extract_string(
            listings.attributes__externally_assigned_product_identifier, '$[0].value'
        ) as barcode,
        availability.fulfillment_channel_code,
        cast(availability.quantity as integer) as available_quantity,
        {{ load_stamp('listings._dlt_load_id') }} as loaded_at_epoch

    from listings
    left join summaries
        on
            listings._dlt_id = summaries._dlt_parent_id
            and listings.marketplace_id = summaries.marketplace_id
    left join availability
        on listings._dlt_id = availability._dlt_parent_id

)

select * from unnested
