"""Shopify stock writes: GraphQL `inventorySetQuantities`, up to 250 quantities a call.

Each quantity states `changeFromQuantity` (what the plan saw), so Shopify refuses the call
with CHANGE_FROM_QUANTITY_STALE if an order moved the level since; each call carries an
idempotency key derived from its content, so a retried call is applied once. A stale batch
is read again and re-planned (writers.replan), never overwritten blindly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import orjson

from channels.errors import ChannelError
from channels.shopify.client import ShopifyClient
from reverse_etl.ledger import Outcome
from reverse_etl.plan import ListingChange
from reverse_etl.writers import replan

CHANNEL = "shopify"
BATCH = 250  # Shopify's limit on quantities per inventorySetQuantities call
READ_BATCH = 50
MAX_REPLANS = 3

SET_QUANTITIES = """
mutation SetAvailable($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { changes { name delta quantityAfterChange item { id } } }
    userErrors { code field message }
  }
}
"""


def item_gid(change: ListingChange) -> str:
    return f"gid://shopify/InventoryItem/{change.inventory_item_id}"


def location_gid(change: ListingChange) -> str:
    return f"gid://shopify/Location/{change.location_id}"


class ShopifyWriter:
    channel = CHANNEL

    def __init__(self, clients: dict[str, ShopifyClient], run_id: str) -> None:
        self.clients = clients  # by store_id
        self.run_id = run_id
        self.calls = 0

    def write(self, changes: Sequence[ListingChange]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for store_id in sorted({change.store_id for change in changes}):
            store_changes = [change for change in changes if change.store_id == store_id]
            client = self.clients[store_id]
            for start in range(0, len(store_changes), BATCH):
                batch = store_changes[start : start + BATCH]
                try:
                    outcomes += self._write_batch(client, batch)
                except ChannelError as error:  # this batch failed; the next ones may not
                    outcomes += [
                        Outcome(change.listing_key, "failed", change.target, error=str(error))
                        for change in batch
                    ]
        return outcomes

    def _write_batch(self, client: ShopifyClient, batch: list[ListingChange]) -> list[Outcome]:
        pending = {change.listing_key: (change, change.target, change.previous) for change in batch}
        outcomes: list[Outcome] = []
        for attempt in range(MAX_REPLANS + 1):
            if not pending:
                break
            entries = [(change, target, shown) for change, target, shown in pending.values()]
            errors, applied = self._send(client, entries)
            if not errors:
                for change, target, _ in entries:
                    outcomes.append(
                        Outcome(
                            change.listing_key,
                            "written" if attempt == 0 else "conflict_replanned",
                            target,
                            acknowledged=applied.get(item_gid(change), target),
                        )
                    )
                return outcomes
            if any(error.get("code") != "CHANGE_FROM_QUANTITY_STALE" for error in errors):
                message = "; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors)
                outcomes += [
                    Outcome(change.listing_key, "failed", target, error=message)
                    for change, target, _ in entries
                ]
                return outcomes
            shown_now = self._read(client, [change for change, _, _ in entries])
            replanned: dict[str, tuple[ListingChange, int, int | None]] = {}
            for change, _, _ in entries:
                now = shown_now.get(change.listing_key)
                if now is None:
                    outcomes.append(
                        Outcome(change.listing_key, "failed", change.target,
                                error="level not found on read-back after a stale compare")
                    )  # fmt: skip
                    continue
                new_target = replan(change, now)
                if new_target is None:
                    outcomes.append(
                        Outcome(change.listing_key, "unchanged", change.target, observed=now)
                    )
                else:
                    replanned[change.listing_key] = (change, new_target, now)
            pending = replanned
        outcomes += [
            Outcome(change.listing_key, "failed", target,
                    error=f"still stale after {MAX_REPLANS} re-plans")
            for change, target, _ in pending.values()
        ]  # fmt: skip
        return outcomes

    def _send(
        self, client: ShopifyClient, entries: list[tuple[ListingChange, int, int | None]]
    ) -> tuple[list[dict[str, Any]], dict[str, int]]:
        quantities = [
            {
                "inventoryItemId": item_gid(change),
                "locationId": location_gid(change),
                "quantity": target,
                "changeFromQuantity": shown,
            }
            for change, target, shown in entries
        ]
        payload = {
            "name": "available",
            "reason": "correction",
            "referenceDocumentUri": f"tributary://push/{self.run_id}",
            "quantities": quantities,
        }
        # Same content, same key: a retry after a lost answer is applied once.
        key = hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()
        data = client.graphql(SET_QUANTITIES, {"input": payload, "key": key})
        self.calls += 1
        result = data.get("inventorySetQuantities") or {}
        errors = list(result.get("userErrors") or [])
        group = result.get("inventoryAdjustmentGroup") or {}
        applied = {
            str((change.get("item") or {}).get("id")): int(change["quantityAfterChange"])
            for change in group.get("changes") or []
            if change.get("quantityAfterChange") is not None
        }
        return errors, applied

    def read_back(self, changes: Sequence[ListingChange]) -> dict[str, int | None]:
        shown: dict[str, int | None] = {}
        for store_id in sorted({change.store_id for change in changes}):
            store_changes = [change for change in changes if change.store_id == store_id]
            shown.update(self._read(self.clients[store_id], store_changes))
        return shown

    def _read(
        self, client: ShopifyClient, changes: Sequence[ListingChange]
    ) -> dict[str, int | None]:
        shown: dict[str, int | None] = {}
        for start in range(0, len(changes), READ_BATCH):
            batch = list(changes[start : start + READ_BATCH])
            fields = "\n".join(
                f'l{i}: inventoryItem(id: "{item_gid(change)}") {{ '
                f'inventoryLevel(locationId: "{location_gid(change)}") {{ '
                'quantities(names: ["available"]) { name quantity } } }'
                for i, change in enumerate(batch)
            )
            data = client.graphql(f"query ReadBack {{\n{fields}\n}}")
            for i, change in enumerate(batch):
                level = (data.get(f"l{i}") or {}).get("inventoryLevel") or {}
                quantities = level.get("quantities") or []
                shown[change.listing_key] = int(quantities[0]["quantity"]) if quantities else None
        return shown
