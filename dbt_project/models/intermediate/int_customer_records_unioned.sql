{#- One record per buyer handle per store, with contact data normalised for matching:
    Shopify customers (and guest orders), Amazon buyers by their relay alias, TikTok buyers by
    user id. A record is masked when its email matches a channel's alias pattern. Raw PII
    stays in this schema; marts get hashes. -#}

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

masks as (

    select * from {{ ref('masked_email_patterns') }}

),

{% if channel_enabled('shopify') %}
shopify as (

    select
        channel,
        store_id,
        customer_id as customer_ref,
        email,
        coalesce(phone, address_phone) as phone,
        nullif(trim(concat_ws(' ', first_name, last_name)), '') as full_name,
        postcode,
        country_code
    from shopify_customers
    union all
    select
        channel,
        store_id,
        'guest:' || order_id as customer_ref,
        email,
        ship_to_phone as phone,
        ship_to_name as full_name,
        ship_to_postcode as postcode,
        ship_to_country_code as country_code
    from shopify_orders
    where customer_id is null

),

{% endif %}
-- Amazon and TikTok know a buyer only through orders: the newest order speaks for them.
{% if channel_enabled('amazon') %}
amazon as (

    select
        channel,
        store_id,
        buyer_email as customer_ref,
        buyer_email as email,
        cast(null as varchar) as phone,
        cast(null as varchar) as full_name,
        ship_to_postcode as postcode,
        ship_to_country_code as country_code
    from (
        select
            *,
            row_number() over (
                partition by store_id, buyer_email order by updated_at desc, order_id asc
            ) as recency
        from amazon_orders
        where buyer_email is not null
    ) as latest
    where recency = 1

),

{% endif %}
{% if channel_enabled('tiktok_shop') %}
tiktok_shop as (

    select
        channel,
        store_id,
        buyer_user_id as customer_ref,
        buyer_email as email,
        ship_to_phone as phone,
        ship_to_name as full_name,
        ship_to_postcode as postcode,
        ship_to_country_code as country_code
    from (
        select
            *,
            row_number() over (
                partition by store_id, buyer_user_id order by updated_at desc, order_id asc
            ) as recency
        from tiktok_orders
        where buyer_user_id is not null
    ) as latest
    where recency = 1

),

{% endif %}
unioned as (
    {{ union_channels(['shopify', 'amazon', 'tiktok_shop']) }}
),

masked as (

    select distinct
        unioned.channel,
        unioned.store_id,
        unioned.customer_ref
    from unioned
    inner join masks
        on
            unioned.channel = masks.channel
            and unioned.email like masks.email_like

)

select
    unioned.channel,
    unioned.store_id,
    unioned.customer_ref,
    masked.customer_ref is not null as is_masked,
    case when masked.customer_ref is null then unioned.email end as email,
    {{ e164('unioned.phone', 'calling_codes.calling_code') }} as phone_e164,
    {{ name_postcode('unioned.full_name', 'unioned.postcode') }} as name_postcode,
    upper(unioned.country_code) as country_code
from unioned
left join masked
    on
        unioned.channel = masked.channel
        and unioned.store_id = masked.store_id
        and unioned.customer_ref = masked.customer_ref
left join calling_codes
    on upper(unioned.country_code) = calling_codes.country_code
