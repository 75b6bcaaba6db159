"""A TikTok order as the API renders it (search or Get Order Detail), read for the fast path:
its status, its lines (one line item per unit), who fulfils it, when it last changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from channels.tiktok_shop.webhooks import CHANNEL
from channels.webhooks import OrderLine, OrderUpdate, UnreadableEventError

MARKETPLACE_FULFILLED = "FULFILLMENT_BY_TIKTOK"


def order_update_from_detail(order: dict[str, Any], shop_id: str) -> OrderUpdate:
    try:
        lines = tuple(
            OrderLine(
                seller_sku=item.get("seller_sku") or None,
                variant_id=None if item.get("sku_id") is None else str(item["sku_id"]),
                quantity=1,
            )
            for item in order["line_items"]
        )
        return OrderUpdate(
            channel=CHANNEL,
            store_id=shop_id,
            order_id=str(order["id"]),
            updated_at=datetime.fromtimestamp(int(order["update_time"]), UTC),
            status_fields={"order_status": str(order["status"])},
            fulfilled_by=(
                "marketplace"
                if order.get("fulfillment_type") == MARKETPLACE_FULFILLED
                else "merchant"
            ),
            lines=lines,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise UnreadableEventError(f"TikTok order {order.get('id')!r}: {error!r}") from error
