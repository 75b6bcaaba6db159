{#- Identity resolution. An unmasked record is keyed by its strongest identifier: normalised
    email, else E.164 phone, else name plus postcode; records sharing that key are one
    customer. A masked record (an alias the channel made up) is its own customer: it is
    never merged through the alias, and not through name plus postcode either, which
    strangers share. -#}

with

records as (

    select * from {{ ref('int_customer_records_unioned') }}

),

keyed as (

    select
        *,
        case
            when is_masked then 'masked'
            when email is not null then 'email'
            when phone_e164 is not null then 'phone'
            when name_postcode is not null then 'name_postcode'
            else 'channel_id'
        end as resolution_method
    from records

)

select
    channel,
    store_id,
    customer_ref,
    is_masked,
    resolution_method,
    email,
    phone_e164,
    name_postcode,
    country_code,
    {{ hash_pii(
        "case resolution_method
            when 'email' then 'email:' || email
            when 'phone' then 'phone:' || phone_e164
            when 'name_postcode' then 'name_postcode:' || name_postcode
            else 'ref:' || channel || ':' || store_id || ':' || customer_ref
        end"
    ) }} as customer_id
from keyed
