"""The GraphQL the Shopify source sends: one order shape for bulk history and paged changes.

Both paths select the same fields, so a row looks the same whichever path loaded it. Page
sizes keep a paged query's requested cost under Shopify's 1,000-point ceiling (objects cost
1, a connection 2 plus `first` times its node); the actual cost, refunded afterwards, is far
lower because orders have few lines.
"""

from __future__ import annotations

ORDERS_PER_PAGE = 8
LINES_PER_ORDER = 10
LINES_PER_FOLLOW_UP = 100

MONEY = "shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }"

ADDRESS = "name company address1 address2 city province provinceCode country countryCodeV2 zip"

ORDER_FIELDS = f"""
  id legacyResourceId name createdAt updatedAt processedAt cancelledAt cancelReason closedAt
  closed email phone currencyCode presentmentCurrencyCode displayFinancialStatus
  displayFulfillmentStatus taxesIncluded test sourceName tags discountCodes
  subtotalPriceSet {{ {MONEY} }} totalPriceSet {{ {MONEY} }} totalTaxSet {{ {MONEY} }}
  totalDiscountsSet {{ {MONEY} }} totalShippingPriceSet {{ {MONEY} }}
  totalRefundedSet {{ {MONEY} }} currentTotalPriceSet {{ {MONEY} }}
  customer {{ id }}
  shippingAddress {{ {ADDRESS} }}
  refunds {{ id legacyResourceId createdAt note totalRefundedSet {{ {MONEY} }} }}
  fulfillments {{ id legacyResourceId status createdAt updatedAt }}
"""

LINE_FIELDS = f"""
  id name title variantTitle sku vendor quantity currentQuantity unfulfilledQuantity
  requiresShipping originalUnitPriceSet {{ {MONEY} }} totalDiscountSet {{ {MONEY} }}
  variant {{ id }} product {{ id }}
"""


def bulk_orders(search: str | None = None) -> str:
    """The bulk export of orders and their line items (children come with `__parentId`)."""
    argument = f'(query: "{search}")' if search else ""
    return f"""
{{
  orders{argument} {{
    edges {{ node {{
      {ORDER_FIELDS}
      lineItems {{ edges {{ node {{ {LINE_FIELDS} }} }} }}
    }} }}
  }}
}}
"""


PAGED_ORDERS = f"""
query ChangedOrders($after: String, $search: String!) {{
  orders(first: {ORDERS_PER_PAGE}, after: $after, query: $search, sortKey: UPDATED_AT) {{
    nodes {{
      {ORDER_FIELDS}
      lineItems(first: {LINES_PER_ORDER}) {{
        nodes {{ {LINE_FIELDS} }}
        pageInfo {{ hasNextPage endCursor }}
      }}
    }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""

MORE_LINES = f"""
query MoreLines($id: ID!, $after: String) {{
  order(id: $id) {{
    lineItems(first: {LINES_PER_FOLLOW_UP}, after: $after) {{
      nodes {{ {LINE_FIELDS} }}
      pageInfo {{ hasNextPage endCursor }}
    }}
  }}
}}
"""
