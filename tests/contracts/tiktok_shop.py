"""TikTok Shop 202309 response shapes, as JSON Schema.

TikTok publishes no machine-readable contract; these schemas write down the facts in
../shared/CHANNELS.md (envelope, order fields, one line item per unit with no quantity field,
money as decimal strings, inventory per warehouse). Fields beyond those facts may appear; the
ones listed must, with these types.
"""

from __future__ import annotations

DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
ID = {"type": "string", "pattern": r"^\d{15,20}$"}


def envelope(data: dict) -> dict:
    return {
        "type": "object",
        "required": ["code", "message", "data", "request_id"],
        "properties": {
            "code": {"const": 0},
            "message": {"type": "string"},
            "request_id": {"type": "string", "minLength": 1},
            "data": data,
        },
    }


ERROR = {
    "type": "object",
    "required": ["code", "message", "request_id"],
    "properties": {"code": {"type": "integer", "not": {"const": 0}}, "message": {"type": "string"}},
}

LINE_ITEM = {
    "type": "object",
    "required": [
        "id",
        "sku_id",
        "seller_sku",
        "product_id",
        "sale_price",
        "original_price",
        "currency",
        "display_status",
    ],
    "properties": {
        "id": ID,
        "sku_id": ID,
        "product_id": ID,
        "seller_sku": {"type": "string"},
        "sale_price": DECIMAL,
        "original_price": DECIMAL,
        "seller_discount": DECIMAL,
        "currency": {"enum": ["GBP", "USD", "EUR"]},
        "display_status": {"type": "string"},
    },
    "not": {"required": ["quantity"]},
}

ORDER = {
    "type": "object",
    "required": [
        "id",
        "status",
        "create_time",
        "update_time",
        "buyer_email",
        "payment",
        "recipient_address",
        "line_items",
        "fulfillment_type",
    ],
    "properties": {
        "id": ID,
        "status": {
            "enum": [
                "UNPAID",
                "ON_HOLD",
                "AWAITING_SHIPMENT",
                "PARTIALLY_SHIPPING",
                "AWAITING_COLLECTION",
                "IN_TRANSIT",
                "DELIVERED",
                "COMPLETED",
                "CANCELLED",
            ]
        },
        "create_time": {"type": "integer"},
        "update_time": {"type": "integer"},
        "buyer_email": {"type": "string", "pattern": "@"},
        "payment": {
            "type": "object",
            "required": ["currency", "total_amount", "sub_total", "shipping_fee"],
            "properties": {
                "currency": {"type": "string"},
                "total_amount": DECIMAL,
                "sub_total": DECIMAL,
                "shipping_fee": DECIMAL,
            },
        },
        "recipient_address": {"type": "object", "required": ["name", "postal_code", "region_code"]},
        "line_items": {"type": "array", "minItems": 1, "items": LINE_ITEM},
        "fulfillment_type": {"enum": ["FULFILLMENT_BY_SELLER", "FULFILLMENT_BY_TIKTOK"]},
    },
}

ORDER_SEARCH = envelope(
    {
        "type": "object",
        "required": ["orders", "next_page_token", "total_count"],
        "properties": {
            "orders": {"type": "array", "items": ORDER},
            "next_page_token": {"type": "string"},
            "total_count": {"type": "integer"},
        },
    }
)

PRODUCT_SEARCH = envelope(
    {
        "type": "object",
        "required": ["products", "next_page_token", "total_count"],
        "properties": {
            "products": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "title", "status", "skus"],
                    "properties": {
                        "id": ID,
                        "skus": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "seller_sku", "price", "inventory"],
                                "properties": {
                                    "id": ID,
                                    "inventory": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["warehouse_id", "quantity"],
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            }
        },
    }
)

INVENTORY_SEARCH = envelope(
    {
        "type": "object",
        "required": ["inventory"],
        "properties": {
            "inventory": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["product_id", "skus"],
                    "properties": {
                        "skus": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": [
                                    "id",
                                    "total_available_quantity",
                                    "warehouse_inventory",
                                ],
                            },
                        }
                    },
                },
            }
        },
    }
)

TOKEN = envelope(
    {
        "type": "object",
        "required": [
            "access_token",
            "access_token_expire_in",
            "refresh_token",
            "refresh_token_expire_in",
            "open_id",
        ],
        "properties": {
            "access_token_expire_in": {"type": "integer"},
            "refresh_token_expire_in": {"type": "integer"},
        },
    }
)
