{{ config(severity='warn') }}
-- An open merchant-fulfilled line whose SKU is unknown commits stock nobody can see, so
-- available_to_sell is too high for the real SKU. Warns with every such line; an override in
-- the sku_overrides seed fixes it.

select
    order_line_key,
    seller_sku,
    status
from {{ ref('fct_order_lines') }}
where
    sku is null
    and fulfilled_by = 'merchant'
    and status in ('pending', 'open', 'partially_fulfilled')
