{{
    config(
        materialized='incremental',
        unique_key='order_line_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ record_increment_start() }}",
        post_hook="{{ record_consumed_loads([this]) }}",
    )
}}

{#- Lines are reloaded with their order on every channel (Shopify lines come in the order's
    node, Amazon items are re-read for every changed order, TikTok lines are nested), so one
    load stamp selects the increment in lines, orders and statuses alike. -#}

{%- set increment = increment_start() %}

with

order_lines as (

    select * from {{ ref('int_order_lines_unioned') }}
    {{ loaded_after(increment) }}

),

orders as (

    select * from {{ ref('int_orders_converted') }}
    {{ loaded_after(increment) }}

),

statuses as (

    select * from {{ ref('int_orders_statuses_mapped') }}
    {{ loaded_after(increment) }}

),

skus as (

    select * from {{ ref('int_skus_mapped') }}

),

final as (

    select
        order_lines.channel || ':' || order_lines.store_id || ':' || order_lines.order_id
        || ':' || order_lines.order_line_id as order_line_key,
        order_lines.channel || ':' || order_lines.store_id || ':' || order_lines.order_id
            as order_key,
        order_lines.channel,
        order_lines.store_id,
        order_lines.order_id,
        order_lines.order_line_id,
        order_lines.seller_sku,
        skus.sku,
        coalesce(skus.mapping_method, 'unmapped') as mapping_method,
        statuses.status,
        orders.fulfilled_by,
        cast(order_lines.quantity as integer) as quantity,
        cast(order_lines.channel_shipped_quantity as integer) as channel_shipped_quantity,
        order_lines.currency,
        cast(order_lines.gross_amount / nullif(order_lines.quantity, 0) as decimal(18, 2))
            as unit_price,
        cast(order_lines.gross_amount as decimal(18, 2)) as gross_amount,
        cast(order_lines.discount_amount as decimal(18, 2)) as discount_amount,
        cast(order_lines.gross_amount - order_lines.discount_amount as decimal(18, 2))
            as net_amount,
        orders.reporting_currency,
        orders.fx_rate,
        cast(order_lines.gross_amount * orders.fx_rate as decimal(18, 2))
            as gross_amount_reporting,
        cast(
            (order_lines.gross_amount - order_lines.discount_amount) * orders.fx_rate
            as decimal(18, 2)
        ) as net_amount_reporting,
        orders.ordered_at,
        orders.updated_at,
        order_lines.loaded_at_epoch,
        {{ built_at() }} as built_at
    from order_lines
    left join orders
        on
            order_lines.channel = orders.channel
            and order_lines.store_id = orders.store_id
            and order_lines.order_id = orders.order_id
    left join statuses
        on
            order_lines.channel = statuses.channel
            and order_lines.store_id = statuses.store_id
            and order_lines.order_id = statuses.order_id
    left join skus
        on
            order_lines.channel = skus.channel
            and order_lines.store_id = skus.store_id
            and order_lines.seller_sku = skus.seller_sku

)

select * from final
