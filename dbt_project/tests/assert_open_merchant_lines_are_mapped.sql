{{ config(severity='warn', fail_calc='coalesce(sum(open_units), 0)') }}
-- An open merchant-fulfilled line whose SKU is unknown commits stock nobody can see, so
-- available_to_sell is too high for the real SKU by the line's open units. Warns with the
-- open units of all such lines as its failure count (fail_calc), so the operator sees the size
-- of the risk, and every line as a row; an override in the
-- sku_overrides seed fixes it.

select
    order_line_key,
    channel,
    store_id,
    order_id,
    seller_sku,
    status,
    quantity,
    greatest(quantity - coalesce(channel_shipped_quantity, 0), 0) as open_units
from {{ ref('fct_order_lines') }}
where
    sku is null
    and fulfilled_by = 'merchant'
    and status in ('pending', 'open', 'partially_fulfilled')
