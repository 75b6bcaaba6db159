{{
    config(
        materialized='incremental',
        unique_key='customer_record_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ record_increment_start() }}",
        post_hook="{{ record_consumed_loads([this]) }}",
    )
}}

{#- Identity resolution, one row per buyer handle (channel, store, customer_ref): the newest
    statement about the buyer speaks for them. An unmasked record is keyed by its strongest
    identifier: normalised email, else E.164 phone, else name plus postcode; records sharing
    that key are one customer. A masked record (an alias the channel made up) is its own
    customer: never merged through the alias, nor through name plus postcode, which
    strangers share.

    Incremental because every order restates its buyer: a build reads the statements loaded
    since the last one, ranks them against the stored record of the same buyer, and
    rewrites only those buyers. previous_customer_id names the customer a buyer moved away
    from (their key changed), so fct_orders can re-key that buyer's older orders. -#}

{%- set increment = increment_start() %}
{%- set statement_columns = [
    'channel', 'store_id', 'customer_ref', 'source_id', 'stated_at', 'is_masked',
    'email', 'phone_e164', 'name_postcode', 'country_code', 'loaded_at_epoch',
] %}

with

records as (

    select * from {{ ref('int_customer_records_unioned') }}
    {{ loaded_after(increment) }}

),

masks as (

    select * from {{ ref('masked_email_patterns') }}

),

flagged as (

    -- A statement is masked when its email matches one of the channel's alias patterns.
    select
        records.*,
        exists(
            select 1 from masks
            where records.channel = masks.channel and records.email like masks.email_like
        ) as is_masked
    from records

),

statements as (

    select
        channel,
        store_id,
        customer_ref,
        source_id,
        stated_at,
        is_masked,
        case when not is_masked then email end as email,
        phone_e164,
        name_postcode,
        country_code,
        loaded_at_epoch
    from flagged

),

{% if increment is not none %}
stored as (

    select * from {{ this }}
    where customer_record_key in (
        select channel || ':' || store_id || ':' || customer_ref from statements
    )

),

{% endif %}
candidates as (

    select {{ statement_columns | join(', ') }}
    from statements
    {% if increment is not none %}
    union all
    select {{ statement_columns | join(', ') }}
    from stored
    {% endif %}

),

ranked as (

    select
        *,
        row_number() over (
            partition by channel, store_id, customer_ref
            order by stated_at desc nulls last, source_id asc, loaded_at_epoch desc
        ) as recency
    from candidates

),

newest as (

    select * from ranked
    where recency = 1

),

keyed as (

    select
        {{ statement_columns | join(', ') }},
        case
            when is_masked then 'masked'
            when email is not null then 'email'
            when phone_e164 is not null then 'phone'
            when name_postcode is not null then 'name_postcode'
            else 'channel_id'
        end as resolution_method
    from newest

),

resolved as (

    select
        channel || ':' || store_id || ':' || customer_ref as customer_record_key,
        channel,
        store_id,
        customer_ref,
        source_id,
        stated_at,
        is_masked,
        resolution_method,
        email,
        phone_e164,
        name_postcode,
        country_code,
        {{ hash_pii('email') }} as email_sha256,
        {{ hash_pii('phone_e164') }} as phone_sha256,
        {{ hash_pii(
            "case resolution_method
                when 'email' then 'email:' || email
                when 'phone' then 'phone:' || phone_e164
                when 'name_postcode' then 'name_postcode:' || name_postcode
                else 'ref:' || channel || ':' || store_id || ':' || customer_ref
            end"
        ) }} as customer_id,
        loaded_at_epoch
    from keyed

),

final as (

    select
        resolved.*,
        {% if increment is not none %}
        case
            when stored.customer_id <> resolved.customer_id then stored.customer_id
        end
        {% else %}
        cast(null as varchar)
        {% endif %} as previous_customer_id,
        {{ built_at() }} as built_at
    from resolved
    {% if increment is not none %}
    left join stored
        on resolved.customer_record_key = stored.customer_record_key
    {% endif %}

)

select * from final
