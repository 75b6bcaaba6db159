"""What an Amazon row must hold to be loaded (anything else is quarantined)."""

from __future__ import annotations

from dlt_sources.common.checks import money, one_of, required, timestamp, whole_number

ORDER_STATUSES = (
    "Pending",
    "Unshipped",
    "PartiallyShipped",
    "Shipped",
    "Canceled",
    "Unfulfillable",
    "InvoiceUnconfirmed",
    "PendingAvailability",
)

ORDER = [
    required("AmazonOrderId"),
    timestamp("LastUpdateDate"),
    timestamp("PurchaseDate"),
    one_of("OrderStatus", ORDER_STATUSES),
    one_of("FulfillmentChannel", ("AFN", "MFN"), optional=True),
    money("OrderTotal.Amount", optional=True),  # Amazon omits it on Pending orders
]

ORDER_ITEM = [
    required("OrderItemId"),
    whole_number("QuantityOrdered"),
    money("ItemPrice.Amount", optional=True),
]

INVENTORY = [required("sellerSku")]
LISTING = [required("sku")]
