{#- Orders with the rate that converts their currency into the reporting currency
    (var reporting_currency) on the day they were placed: usd_per_unit of the currency over
    usd_per_unit of the reporting currency, both as of that day. A currency or day without a
    rate gives a null fx_rate, which fct_orders' not-null test reports. -#}

with

orders as (

    select * from {{ ref('int_orders_unioned') }}

),

rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

)

select
    orders.channel,
    orders.store_id,
    orders.order_id,
    orders.order_number,
    orders.customer_ref,
    orders.fulfilled_by,
    orders.currency,
    orders.discount_amount,
    orders.tax_amount,
    orders.shipping_amount,
    orders.total_amount,
    orders.refunded_amount,
    orders.ship_to_country_code,
    orders.ordered_at,
    orders.updated_at,
    orders.cancelled_at,
    orders.loaded_at_epoch,
    '{{ var("reporting_currency") }}' as reporting_currency,
    cast(
        order_rate.usd_per_unit / reporting_rate.usd_per_unit as decimal(18, 8)
    ) as fx_rate
from orders
left join rates as order_rate
    on
        orders.currency = order_rate.currency
        and cast(orders.ordered_at as date) >= order_rate.valid_from
        and cast(orders.ordered_at as date) < order_rate.valid_until
left join rates as reporting_rate
    on
        reporting_rate.currency = '{{ var("reporting_currency") }}'
        and cast(orders.ordered_at as date) >= reporting_rate.valid_from
        and cast(orders.ordered_at as date) < reporting_rate.valid_until
