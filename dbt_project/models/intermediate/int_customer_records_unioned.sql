{#- Every statement a channel makes about a buyer, contact data normalised for matching: a
    Shopify customer (or a guest order), and each Amazon and TikTok order about its buyer
    (relay alias, user id). int_customers_resolved keeps the newest per buyer handle. Each
    row carries its load stamp, so an incremental build reads only new statements (which is
    why alias masking happens downstream, on those rows only). Raw PII stays in this schema;
    marts get hashes. -#}

with

{% if channel_enabled('shopify') %}
shopify_customers as (

    select * from {{ ref('stg_shopify__customers') }}

),

shopify_orders as (

    select * from {{ ref('stg_shopify__orders') }}

),

{% endif %}
{% if channel_enabled('amazon') %}
amazon_orders as (

    select * from {{ ref('stg_amazon__orders') }}

),

{% endif %}
{% if channel_enabled('tiktok_shop') %}
tiktok_orders as (

    select * from {{ ref('stg_tiktok_shop__orders') }}

),

{% endif %}
calling_codes as (

    select * from {{ ref('country_calling_codes') }}

),

{% if channel_enabled('shopify') %}
shopify as (

    select
        channel,
        store_id,
        customer_id as customer_ref,
        customer_id as source_id,
        updated_at as stated_at,
        email,
        coalesce(phone, address_phone) as phone,
        nullif(trim(concat_ws(' ', first_name, last_name)), '') as full_name,
        postcode,
        country_code,
        loaded_at_epoch
    from shopify_customers
    union all
    select
        channel,
        store_id,
        'guest:' || order_id as customer_ref,
        order_id as source_id,
        updated_at as stated_at,
        email,
        ship_to_phone as phone,
        ship_to_name as full_name,
        ship_to_postcode as postcode,
        ship_to_country_code as country_code,
        loaded_at_epoch
    from shopify_orders
    where customer_id is null

),

{% endif %}
-- Amazon and TikTok know a buyer only through orders: each order is a statement about them.
{% if channel_enabled('amazon') %}
amazon as (

    select
        channel,
        store_id,
        buyer_email as customer_ref,
        order_id as source_id,
        updated_at as stated_at,
        buyer_email as email,
        cast(null as varchar) as phone,
        cast(null as varchar) as full_name,
        ship_to_postcode as postcode,
        ship_to_country_code as country_code,
        loaded_at_epoch
    from amazon_orders
    where buyer_email is not null

),

{% endif %}
{% if channel_enabled('tiktok_shop') %}
tiktok_shop as (

    select
        channel,
        store_id,
        buyer_user_id as customer_ref,
        order_id as source_id,
        updated_at as stated_at,
        buyer_email as email,
        ship_to_phone as phone,
        ship_to_name as full_name,
        ship_to_postcode as postcode,
        ship_to_country_code as country_code,
        loaded_at_epoch
    from tiktok_orders
    where buyer_user_id is not null

),

{% endif %}
unioned as (
    {{ union_channels(['shopify', 'amazon', 'tiktok_shop']) }}
),

final as (

    select
        unioned.channel,
        unioned.store_id,
        unioned.customer_ref,
        unioned.source_id,
        unioned.stated_at,
        unioned.email,
        {{ e164('unioned.phone', 'calling_codes.calling_code') }} as phone_e164,
        {{ name_postcode('unioned.full_name', 'unioned.postcode') }} as name_postcode,
        upper(unioned.country_code) as country_code,
        unioned.loaded_at_epoch
    from unioned
    left join calling_codes
        on upper(unioned.country_code) = calling_codes.country_code

)

select
    channel,
    store_id,
    customer_ref,
    source_id,
    stated_at,
    email,
    phone_e164,
    name_postcode,
    country_code,
    loaded_at_epoch
from final
