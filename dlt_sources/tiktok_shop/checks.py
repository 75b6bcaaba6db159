"""What a TikTok Shop row must hold to be loaded (anything else is quarantined)."""

from __future__ import annotations

from dlt_sources.common.checks import each, money, one_of, required, timestamp

ORDER_STATUSES = (
    "UNPAID",
    "ON_HOLD",
    "AWAITING_SHIPMENT",
    "PARTIALLY_SHIPPING",
    "AWAITING_COLLECTION",
    "IN_TRANSIT",
    "DELIVERED",
    "COMPLETED",
    "CANCELLED",
)

ORDER = [
    required("id"),
    one_of("status", ORDER_STATUSES),
    timestamp("update_time"),
    timestamp("create_time"),
    money("payment.total_amount"),
    each(
        "line_items",
        [required("id"), required("sku_id"), money("sale_price"), money("original_price")],
    ),
]

PRODUCT = [required("id"), each("skus", [required("id")])]
