"""Shopify customers: everyone who has ordered in the shop, with Shopify's own aggregates.

A shopper becomes a customer at their first checkout; `updated_at` moves with each new order
(orders_count and total_spent change), as on Shopify.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sandbox.shopify import ids
from sandbox.shopify.shop import Shop

ACCOUNT_LEAD_S = 120  # the account is created moments before the first order


@dataclass
class CustomerIndex:
    """Per person (indexed by person): their shop history at one moment."""

    version: int
    now: int
    persons: np.ndarray  # sorted persons who are customers
    first_order_at: np.ndarray  # by person; max int64 when not a customer
    last_order_at: np.ndarray
    last_order_seq: np.ndarray
    orders_count: np.ndarray
    total_spent_cents: np.ndarray

    def created_at(self, person: int) -> int:
        return int(self.first_order_at[person]) - ACCOUNT_LEAD_S

    def updated_at(self, person: int) -> int:
        return int(self.last_order_at[person])


def customer_index(shop: Shop, now: int) -> CustomerIndex:
    cached: CustomerIndex | None = getattr(shop, "_customer_index", None)
    if cached is not None and cached.version == shop.world.version and cached.now == now:
        return cached
    world = shop.world
    orders = shop.orders()
    orders = orders[world.orders["created"][orders] <= now]
    person = world.orders["person"][orders].astype(np.int64)
    created = world.orders["created"][orders]
    seq = world.orders["seq"][orders].astype(np.int64)
    people = len(world.people)
    first = np.full(people, np.iinfo(np.int64).max, np.int64)
    np.minimum.at(first, person, created)
    last = np.zeros(people, np.int64)
    np.maximum.at(last, person, created)
    last_seq = np.full(people, -1, np.int64)
    np.maximum.at(last_seq, person, seq)
    count = np.bincount(person, minlength=people)
    spent = np.zeros(people, np.int64)
    live = world.orders["cancelled"][orders] > now
    totals = order_totals(shop, orders[live])
    np.add.at(spent, person[live], totals)
    index = CustomerIndex(
        version=world.version,
        now=now,
        persons=np.flatnonzero(count > 0),
        first_order_at=first,
        last_order_at=last,
        last_order_seq=last_seq,
        orders_count=count,
        total_spent_cents=spent,
    )
    shop._customer_index = index  # type: ignore[attr-defined]
    return index


def order_totals(shop: Shop, orders: np.ndarray) -> np.ndarray:
    """Order total (merchandise after discount, tax unless included, shipping) in cents."""
    world = shop.world
    counts = world.orders["line_count"][orders].astype(np.int64)
    starts = world.orders["line_start"][orders]
    lines = np.repeat(starts, counts) + (
        np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    )
    net = (
        world.lines["unit_price_cents"][lines].astype(np.int64) * world.lines["quantity"][lines]
        - world.lines["discount_cents"][lines]
    )
    if not shop.spec.taxes_included:
        net = net + world.lines["tax_cents"][lines]
    owner = np.repeat(np.arange(len(orders)), counts)
    merchandise = np.bincount(owner, weights=net, minlength=len(orders)).astype(np.int64)
    return merchandise + world.orders["shipping_cents"][orders]


def default_address(shop: Shop, person: int) -> dict[str, Any]:
    address = shop.address(person)
    return {
        "id": ids.address_id(person),
        "customer_id": ids.customer_id(person),
        "first_name": address["first_name"],
        "last_name": address["last_name"],
        "company": None,
        "address1": address["address1"],
        "address2": "",
        "city": address["city"],
        "province": address["province"],
        "country": address["country"],
        "zip": address["zip"],
        "phone": address["phone"],
        "name": address["name"],
        "province_code": address["province_code"],
        "country_code": address["country_code"],
        "country_name": address["country"],
        "default": True,
    }


def _consents(shop: Shop, person: int, created: int) -> dict[str, Any]:
    subscribed = person % 3 == 0
    return {
        "email_marketing_consent": {
            "state": "subscribed" if subscribed else "not_subscribed",
            "opt_in_level": "single_opt_in",
            "consent_updated_at": shop.time(created) if subscribed else None,
        },
        "sms_marketing_consent": {
            "state": "not_subscribed",
            "opt_in_level": "single_opt_in",
            "consent_updated_at": None,
            "consent_collected_from": "OTHER",
        },
    }


def nested_customer(shop: Shop, person: int, now: int) -> dict[str, Any]:
    """The customer object embedded in an order (shared per person while the world is still)."""
    index = customer_index(shop, now)
    cache: dict[int, tuple[int, int, dict[str, Any]]] = shop.__dict__.setdefault(
        "_nested_customers", {}
    )
    hit = cache.get(person)
    if hit is not None and hit[0] == index.version and hit[1] == now:
        return hit[2]
    rendered = _customer_fields(shop, index, person)
    cache[person] = (index.version, now, rendered)
    return rendered


def _customer_fields(shop: Shop, index: CustomerIndex, person: int) -> dict[str, Any]:
    """What every customer object shows, embedded in an order or listed on its own."""
    people = shop.world.people
    customer_id = ids.customer_id(person)
    created = index.created_at(person)
    return {
        "id": customer_id,
        "email": people.email(person),
        "created_at": shop.time(created),
        "updated_at": shop.time(index.updated_at(person)),
        "first_name": people.first(person),
        "last_name": people.last(person),
        "state": "disabled",
        "note": None,
        "verified_email": True,
        "multipass_identifier": None,
        "tax_exempt": False,
        "phone": people.phone_e164(person),
        **_consents(shop, person, created),
        "tags": "",
        "currency": shop.currency,
        "tax_exemptions": [],
        "admin_graphql_api_id": ids.gid("Customer", customer_id),
        "default_address": default_address(shop, person),
    }


def render_customer(shop: Shop, person: int, now: int) -> dict[str, Any]:
    """A customer as `customers.json` lists it: with order aggregates and every address."""
    index = customer_index(shop, now)
    last_seq = int(index.last_order_seq[person])
    fields = _customer_fields(shop, index, person)
    return {
        **fields,
        "orders_count": int(index.orders_count[person]),
        "total_spent": shop.money(int(index.total_spent_cents[person])),
        "last_order_id": ids.order_id(last_seq),
        "last_order_name": f"#{1001 + last_seq}",
        "addresses": [fields["default_address"]],
    }
