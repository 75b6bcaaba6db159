"""Stock writes to Shopify: REST `inventory_levels/set` and GraphQL `inventorySetQuantities`.

`available` is what shoppers can buy; `on_hand` adds what Shopify already holds for unfulfilled
orders (`committed`). From API version 2026-04 every quantity must state `changeFromQuantity`
(explicit null skips the check) and the mutation needs an idempotency key; a stale compare
fails the whole call with `CHANGE_FROM_QUANTITY_STALE` and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from sandbox.shopify import ids
from sandbox.shopify.shop import Shop

VALID_REASONS = frozenset(
    {
        "correction",
        "cycle_count_available",
        "damaged",
        "movement_created",
        "movement_updated",
        "movement_received",
        "movement_canceled",
        "other",
        "promotion",
        "quality_control",
        "received",
        "reservation_created",
        "reservation_deleted",
        "reservation_updated",
        "restock",
        "safety_stock",
        "shrinkage",
    }
)
MAX_QUANTITY = 1_000_000_000
CHANGE_FROM_REQUIRED_SINCE = "2026-04"


def on_hand(shop: Shop, sku: int) -> int:
    listing = shop.listing_of_sku[sku]
    return int(shop.world.displayed[listing] + shop.world.committed_by_listing[listing])


def set_available(shop: Shop, sku: int, available: int, now: int) -> bool:
    """Set what the shop displays; True if the quantity changed."""
    return shop.world.set_displayed(shop.listing_of_sku[sku], available, now)


@dataclass
class MutationResult:
    payload: dict[str, Any]
    applied: int = 0  # quantities set


@dataclass
class IdempotencyStore:
    """What each idempotency key was used for, and what it answered."""

    seen: dict[str, tuple[bytes, dict[str, Any]]] = field(default_factory=dict)


def user_error(code: str | None, message: str, path: list[str | int]) -> dict[str, Any]:
    return {"code": code, "field": [str(p) for p in path], "message": message}


def set_quantities(
    shop: Shop,
    store: IdempotencyStore,
    api_version: str,
    payload: dict[str, Any],
    idempotency_key: str | None,
    now: int,
) -> MutationResult:
    """Apply `inventorySetQuantities(input:)`; all or nothing."""
    fingerprint = orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
    if idempotency_key is not None and idempotency_key in store.seen:
        previous_fingerprint, previous = store.seen[idempotency_key]
        if previous_fingerprint != fingerprint:
            message = "The same idempotency key cannot be used with different operation parameters."
            error = user_error("IDEMPOTENCY_KEY_PARAMETER_MISMATCH", message, ["input"])
            return MutationResult({"inventoryAdjustmentGroup": None, "userErrors": [error]})
        return MutationResult(previous)
    result = _apply(shop, api_version, payload, now)
    if idempotency_key is not None:
        store.seen[idempotency_key] = (fingerprint, result.payload)
    return result


@dataclass(frozen=True)
class Rules:
    """How one call compares quantities, by API version and input."""

    name: str
    change_from_required: bool
    ignore_compare: bool


def _check_quantity(
    shop: Shop, rules: Rules, quantity: dict[str, Any], path: list[str | int]
) -> tuple[tuple[int, int, int] | None, dict[str, Any] | None]:
    """Validate one quantity: ((sku, new available, delta), None) or (None, user error)."""
    sku = _sku_of(shop, quantity["inventoryItemId"])
    if sku is None:
        message = "The specified inventory item could not be found."
        return None, user_error("INVALID_INVENTORY_ITEM", message, [*path, "inventoryItemId"])
    if quantity["locationId"] != ids.gid("Location", ids.LOCATION_ID):
        message = "The specified location could not be found."
        return None, user_error("INVALID_LOCATION", message, [*path, "locationId"])
    target = int(quantity["quantity"])
    if target < 0:
        message = "The quantity can't be negative."
        return None, user_error("INVALID_QUANTITY_NEGATIVE", message, [*path, "quantity"])
    if target > MAX_QUANTITY:
        message = "The total quantity can't be higher than 1,000,000,000."
        return None, user_error("INVALID_QUANTITY_TOO_HIGH", message, [*path, "quantity"])
    listing = shop.listing_of_sku[sku]
    committed = int(shop.world.committed_by_listing[listing]) if rules.name == "on_hand" else 0
    current = int(shop.world.displayed[listing]) + committed
    problem = _compare(rules, quantity, current, path)
    if problem is not None:
        return None, problem
    return (sku, target - committed, target - current), None


def _compare(
    rules: Rules, quantity: dict[str, Any], current: int, path: list[str | int]
) -> dict[str, Any] | None:
    """The compare-and-set check of the API version in use."""
    if rules.change_from_required:
        if "changeFromQuantity" not in quantity:
            message = "changeFromQuantity must be provided; pass null to skip the check."
            return user_error(None, message, [*path, "changeFromQuantity"])
        expected = quantity["changeFromQuantity"]
        if expected is not None and int(expected) != current:
            message = "The changeFromQuantity value does not match persisted value."
            return user_error("CHANGE_FROM_QUANTITY_STALE", message, [*path, "changeFromQuantity"])
        return None
    if rules.ignore_compare:
        return None
    if quantity.get("compareQuantity") is None:
        message = (
            "The compareQuantity argument must be given to each quantity "
            "or ignored using ignoreCompareQuantity."
        )
        return user_error("COMPARE_QUANTITY_REQUIRED", message, [*path, "compareQuantity"])
    if int(quantity["compareQuantity"]) != current:
        message = "The compareQuantity value does not match persisted value."
        return user_error("COMPARE_QUANTITY_STALE", message, [*path, "compareQuantity"])
    return None


def _apply(shop: Shop, api_version: str, payload: dict[str, Any], now: int) -> MutationResult:
    errors: list[dict[str, Any]] = []
    name = payload.get("name")
    if name not in ("available", "on_hand"):
        message = "The quantity name must be either 'available' or 'on_hand'."
        errors.append(user_error("INVALID_NAME", message, ["input", "name"]))
    if payload.get("reason") not in VALID_REASONS:
        message = "The specified reason is invalid."
        errors.append(user_error("INVALID_REASON", message, ["input", "reason"]))
    rules = Rules(
        name=str(name),
        change_from_required=api_version >= CHANGE_FROM_REQUIRED_SINCE,
        ignore_compare=bool(payload.get("ignoreCompareQuantity")),
    )
    planned: list[tuple[int, int, int]] = []  # sku, new available, delta
    seen: set[tuple[str, str]] = set()
    for position, quantity in enumerate(payload.get("quantities", [])):
        path: list[str | int] = ["input", "quantities", position]
        pair = (quantity["inventoryItemId"], quantity["locationId"])
        if pair in seen:
            message = "The combination of inventoryItemId and locationId must be unique."
            errors.append(user_error("NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR", message, path))
            continue
        seen.add(pair)
        plan, problem = _check_quantity(shop, rules, quantity, path)
        if problem is not None:
            errors.append(problem)
        elif plan is not None:
            planned.append(plan)
    if errors:
        return MutationResult({"inventoryAdjustmentGroup": None, "userErrors": errors})
    changes = []
    for sku, new_available, delta in planned:
        set_available(shop, sku, new_available, now)
        changes.append({"name": name, "delta": delta, "quantityAfterChange": None, "sku": sku})
    return MutationResult(
        {
            "inventoryAdjustmentGroup": {
                "id": f"gid://shopify/InventoryAdjustmentGroup/{now}{len(changes):04d}",
                "createdAt": now,
                "reason": payload.get("reason"),
                "referenceDocumentUri": payload.get("referenceDocumentUri"),
                "changes": changes,
            },
            "userErrors": [],
        },
        applied=len(planned),
    )


def _sku_of(shop: Shop, item_gid: str) -> int | None:
    prefix = "gid://shopify/InventoryItem/"
    if not item_gid.startswith(prefix) or not item_gid[len(prefix) :].isdigit():
        return None
    sku = ids.inventory_item_sku(int(item_gid[len(prefix) :]))
    return sku if sku in shop.listing_of_sku else None
