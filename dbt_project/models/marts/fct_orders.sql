{{
    config(
        materialized='incremental',
        unique_key='order_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ record_increment_start() }}",
        post_hook=[
            "{{ rekey_orders_of_moved_buyers() }}",
            "{{ record_consumed_loads([this]) }}",
        ],
    )
}}

-- depends_on: {{ ref('int_orders_unioned') }}
{#- (read by the post-hook that re-keys the orders of buyers whose identity moved)

    Lines and statuses are reloaded with their order, so one load-stamp filter selects the
    increment in each input (and reaches down to the raw scans). -#}
{%- set increment = increment_start() %}

with

orders as (

    select * from {{ ref('int_orders_converted') }}
    {{ loaded_after(increment) }}

),

order_lines as (

    select * from {{ ref('int_order_lines_unioned') }}
    {{ loaded_after(increment) }}

),

statuses as (

    select * from {{ ref('int_orders_statuses_mapped') }}
    {{ loaded_after(increment) }}

),

customers as (

    select
        channel,
        store_id,
        customer_ref,
        customer_id
    from {{ ref('int_customers_resolved') }}

),

line_totals as (

    select
        order_lines.channel,
        order_lines.store_id,
        order_lines.order_id,
        count(*) as line_count,
        sum(order_lines.quantity) as unit_count,
        sum(order_lines.gross_amount) as gross_amount
    from order_lines
    inner join orders
        on
            order_lines.channel = orders.channel
            and order_lines.store_id = orders.store_id
            and order_lines.order_id = orders.order_id
    group by order_lines.channel, order_lines.store_id, order_lines.order_id

),

final as (

    select
        orders.channel || ':' || orders.store_id || ':' || orders.order_id as order_key,
        orders.channel,
        orders.store_id,
        orders.order_id,
        orders.order_number,
        customers.customer_id,
        statuses.status,
        statuses.source_status,
        orders.fulfilled_by,
        orders.currency,
        cast(coalesce(line_totals.line_count, 0) as integer) as line_count,
        cast(coalesce(line_totals.unit_count, 0) as integer) as unit_count,
        cast(coalesce(line_totals.gross_amount, 0) as decimal(18, 2)) as gross_amount,
        cast(coalesce(orders.discount_amount, 0) as decimal(18, 2)) as discount_amount,
        cast(
            coalesce(line_totals.gross_amount, 0) - coalesce(orders.discount_amount, 0)
            as decimal(18, 2)
        ) as net_amount,
        cast(orders.tax_amount as decimal(18, 2)) as tax_amount,
        cast(orders.shipping_amount as decimal(18, 2)) as shipping_amount,
        cast(orders.total_amount as decimal(18, 2)) as total_amount,
        cast(orders.refunded_amount as decimal(18, 2)) as refunded_amount,
        orders.reporting_currency,
        orders.fx_rate,
        cast(coalesce(line_totals.gross_amount, 0) * orders.fx_rate as decimal(18, 2))
            as gross_amount_reporting,
        cast(orders.total_amount * orders.fx_rate as decimal(18, 2)) as total_amount_reporting,
        orders.ship_to_country_code,
        orders.ordered_at,
        orders.updated_at,
        orders.cancelled_at,
        orders.loaded_at_epoch,
        {{ built_at() }} as built_at
    from orders
    left join line_totals
        on
            orders.channel = line_totals.channel
            and orders.store_id = line_totals.store_id
            and orders.order_id = line_totals.order_id
    left join statuses
        on
            orders.channel = statuses.channel
            and orders.store_id = statuses.store_id
            and orders.order_id = statuses.order_id
    left join customers
        on
            orders.channel = customers.channel
            and orders.store_id = customers.store_id
            and orders.customer_ref = customers.customer_ref

)

select * from final
