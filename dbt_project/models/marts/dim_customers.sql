{#- One row per resolved customer. Contact data appears only as salted SHA-256 digests. -#}

with

customers as (

    select
        customer_id,
        channel,
        resolution_method,
        is_masked,
        email_sha256,
        phone_sha256,
        country_code
    from {{ ref('int_customers_resolved') }}

),

orders as (

    select
        customer_id,
        status,
        ordered_at,
        gross_amount_reporting
    from {{ ref('fct_orders') }}

),

order_totals as (

    select
        customer_id,
        count(*) as order_count,
        min(ordered_at) as first_ordered_at,
        max(ordered_at) as last_ordered_at,
        sum(case when status <> 'cancelled' then gross_amount_reporting else 0 end)
            as gross_amount_reporting
    from orders
    where customer_id is not null
    group by customer_id

),

identities as (

    select
        customer_id,
        min(resolution_method) as resolution_method,
        bool_or(is_masked) as is_masked,
        max(email_sha256) as email_sha256,
        max(phone_sha256) as phone_sha256,
        max(country_code) as country_code,
        count(distinct channel) as channel_count,
        count(*) as source_record_count
    from customers
    group by customer_id

),

final as (

    select
        identities.customer_id,
        identities.resolution_method,
        identities.is_masked,
        identities.email_sha256,
        identities.phone_sha256,
        identities.country_code,
        cast(identities.channel_count as integer) as channel_count,
        cast(identities.source_record_count as integer) as source_record_count,
        cast(coalesce(order_totals.order_count, 0) as integer) as order_count,
        order_totals.first_ordered_at,
        order_totals.last_ordered_at,
        cast(coalesce(order_totals.gross_amount_reporting, 0) as decimal(18, 2))
            as gross_amount_reporting,
        '{{ var("reporting_currency") }}' as reporting_currency
    from identities
    left join order_totals
        on identities.customer_id = order_totals.customer_id

)

select * from final
