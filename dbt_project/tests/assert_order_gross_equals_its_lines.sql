-- An order's gross and units are the sum of its lines, in every channel. Checks the orders
-- the latest build wrote (all of them after a full refresh): lines are rebuilt with their
-- order, so an order's lines are always as new as the order.
-- Dagster shows this test as a check of fct_orders (it reads several models).
{{ config(meta={"dagster": {"ref": {"name": "fct_orders"}}}) }}

with

orders as (

    select * from {{ rows_under_test(ref('fct_orders')) }}

),

lines as (

    select
        order_key,
        sum(gross_amount) as gross,
        sum(quantity) as units
    from {{ ref('fct_order_lines') }}
    where order_key in (select orders.order_key from orders)
    group by order_key

)

select
    orders.order_key,
    orders.gross_amount,
    lines.gross as lines_gross,
    orders.unit_count,
    lines.units as lines_units
from orders
left join lines
    on orders.order_key = lines.order_key
where
    orders.gross_amount <> coalesce(lines.gross, 0)
    or orders.unit_count <> coalesce(lines.units, 0)
