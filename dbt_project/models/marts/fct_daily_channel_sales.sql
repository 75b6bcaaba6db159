{#- Daily sales per channel, store and currency (UTC days), for BI. Gross counts every
    order placed that day; net leaves cancelled orders out. -#}

with

orders as (

    select * from {{ ref('fct_orders') }}

),

daily as (

    select
        cast(ordered_at as date) as sales_date,
        channel,
        store_id,
        currency,
        reporting_currency,
        count(*) as order_count,
        count(case when status = 'cancelled' then 1 end) as cancelled_order_count,
        sum(unit_count) as unit_count,
        sum(gross_amount) as gross_amount,
        sum(case when status <> 'cancelled' then net_amount else 0 end) as net_amount,
        sum(gross_amount_reporting) as gross_amount_reporting,
        sum(
            case when status <> 'cancelled' then net_amount * fx_rate else 0 end
        ) as net_amount_reporting
    from orders
    group by cast(ordered_at as date), channel, store_id, currency, reporting_currency

)

select
    sales_date,
    channel,
    store_id,
    currency,
    cast(order_count as integer) as order_count,
    cast(cancelled_order_count as integer) as cancelled_order_count,
    cast(unit_count as integer) as unit_count,
    cast(gross_amount as decimal(18, 2)) as gross_amount,
    cast(net_amount as decimal(18, 2)) as net_amount,
    reporting_currency,
    cast(gross_amount_reporting as decimal(18, 2)) as gross_amount_reporting,
    cast(net_amount_reporting as decimal(18, 2)) as net_amount_reporting
from daily
