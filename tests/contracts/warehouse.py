"""The warehouse API's response shapes, from sandbox/warehouse/API.md, as JSON Schema."""

from __future__ import annotations

TIMESTAMP = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"}


def page(row: dict, extra: dict | None = None) -> dict:
    return {
        "type": "object",
        "required": ["data", "next_cursor", *(extra or {})],
        "additionalProperties": False,
        "properties": {
            "data": {"type": "array", "items": row},
            "next_cursor": {"type": ["string", "null"]},
            **(extra or {}),
        },
    }


def row(properties: dict) -> dict:
    return {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }


ITEMS = page(
    row(
        {
            "sku": {"type": "string"},
            "barcode": {"type": "string", "pattern": r"^\d{13}$"},
            "description": {"type": "string"},
            "weight_grams": {"type": "integer"},
        }
    )
)
KITS = page(
    row(
        {
            "sku": {"type": "string"},
            "barcode": {"type": "string", "pattern": r"^\d{13}$"},
            "description": {"type": "string"},
            "components": {
                "type": "array",
                "minItems": 1,
                "items": row(
                    {"sku": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1}}
                ),
            },
        }
    )
)
INVENTORY = page(
    row(
        {
            "sku": {"type": "string"},
            "location": {"type": "string"},
            "on_hand": {"type": "integer", "minimum": 0},
            "updated_at": TIMESTAMP,
        }
    ),
    {"as_of": TIMESTAMP},
)
SHIPMENTS = page(
    row(
        {
            "id": {"type": "string"},
            "order_ref": row(
                {
                    "channel": {"type": "string"},
                    "store_id": {"type": "string"},
                    "order_id": {"type": "string"},
                }
            ),
            "location": {"type": "string"},
            "shipped_at": TIMESTAMP,
            "updated_at": TIMESTAMP,
            "lines": {
                "type": "array",
                "minItems": 1,
                "items": row(
                    {"sku": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1}}
                ),
            },
        }
    )
)
RECEIPTS = page(
    row(
        {
            "id": {"type": "string"},
            "sku": {"type": "string"},
            "location": {"type": "string"},
            "quantity": {"type": "integer", "minimum": 1},
            "received_at": TIMESTAMP,
        }
    )
)
ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": row({"code": {"type": "string"}, "message": {"type": "string"}})},
}
