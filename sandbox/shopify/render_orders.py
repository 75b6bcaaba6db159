"""REST Admin order JSON, in the exact shape of Shopify's 2026-07 `orders.json`.

Everything an order shows follows from its facts at the moment (`order_facts`): financial
and fulfillment status, one fulfillment per shipment, refunds, `current_*` totals after
refunds, `closed_at`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sandbox.shopify import ids
from sandbox.shopify.order_facts import CANCEL_REASONS, OrderFacts
from sandbox.shopify.render_customers import nested_customer
from sandbox.shopify.shop import Shop
from sandbox.world import names

DISCOUNT_CODE = "WELCOME10"
GATEWAY = "shopify_payments"


def render_order(shop: Shop, order: int, now: int) -> dict[str, Any]:
    facts = OrderFacts(shop, order, now)
    world = shop.world
    people = world.people
    email = people.email(facts.person)
    money, money_set = shop.money, shop.money_set

    totals = facts.totals
    gross, discount, tax, subtotal, total = (
        totals.gross,
        totals.discount,
        totals.tax,
        totals.subtotal,
        totals.total,
    )
    current_subtotal, current_tax, current_total = facts.current_totals
    items = {line: render_line_item(facts, line) for line in facts.lines}

    token = hashlib.md5(f"{facts.id}".encode()).hexdigest()  # noqa: S324 - an opaque token
    discount_codes = (
        [{"code": DISCOUNT_CODE, "amount": money(discount), "type": "percentage"}]
        if facts.has_discount
        else []
    )
    address = shop.address(facts.person)
    tax_title = "State Tax"
    rate = shop.spec.tax_rate
    outstanding = 0 if facts.is_paid or facts.cancelled is not None else total
    return {
        "id": facts.id,
        "admin_graphql_api_id": ids.gid("Order", facts.id),
        "app_id": 580_111,
        "browser_ip": f"203.0.113.{facts.person % 250 + 1}",
        "buyer_accepts_marketing": facts.person % 3 == 0,
        "cancel_reason": CANCEL_REASONS.get(facts.cancel_reason)
        if facts.cancelled is not None
        else None,
        "cancelled_at": shop.time(facts.cancelled) if facts.cancelled is not None else None,
        "cart_token": token[::-1],
        "checkout_id": 36_000_000_000_000 + facts.seq,
        "checkout_token": token,
        "client_details": {
            "accept_language": "en-US",
            "browser_height": None,
            "browser_ip": f"203.0.113.{facts.person % 250 + 1}",
            "browser_width": None,
            "session_hash": None,
            "user_agent": "Mozilla/5.0",
        },
        "closed_at": shop.time(facts.closed_at) if facts.closed_at is not None else None,
        "confirmation_number": token[:9].upper(),
        "confirmed": True,
        "contact_email": email,
        "created_at": shop.time(facts.created),
        "currency": shop.currency,
        "current_subtotal_price": money(current_subtotal),
        "current_subtotal_price_set": money_set(current_subtotal),
        "current_total_additional_fees_set": None,
        "current_total_discounts": money(discount if facts.cancelled is None else 0),
        "current_total_discounts_set": money_set(discount if facts.cancelled is None else 0),
        "current_total_duties_set": None,
        "current_total_price": money(current_total),
        "current_total_price_set": money_set(current_total),
        "current_total_tax": money(current_tax),
        "current_total_tax_set": money_set(current_tax),
        "customer_locale": "en",
        "device_id": None,
        "discount_codes": discount_codes,
        "duties_included": False,
        "email": email,
        "estimated_taxes": False,
        "financial_status": facts.financial_status,
        "fulfillment_status": facts.fulfillment_status,
        "landing_site": "/",
        "landing_site_ref": None,
        "location_id": None,
        "merchant_business_entity_id": "MTQ4ODU5MjQ5",
        "merchant_of_record_app_id": None,
        "name": f"#{facts.number}",
        "note": None,
        "note_attributes": [],
        "number": facts.number - 1000,
        "order_number": facts.number,
        "order_status_url": f"https://{shop.handle}.myshopify.com/71234/orders/{token}/authenticate?key={token[:16]}",
        "original_total_additional_fees_set": None,
        "original_total_duties_set": None,
        "payment_gateway_names": [GATEWAY],
        "phone": None,
        "po_number": None,
        "presentment_currency": shop.currency,
        "processed_at": shop.time(facts.created),
        "reference": None,
        "referring_site": None,
        "source_identifier": None,
        "source_name": "web",
        "source_url": None,
        "subtotal_price": money(subtotal),
        "subtotal_price_set": money_set(subtotal),
        "tags": "",
        "tax_exempt": False,
        "tax_lines": [
            {
                "price": money(tax),
                "rate": rate,
                "title": tax_title,
                "price_set": money_set(tax),
                "channel_liable": False,
            }
        ],
        "taxes_included": shop.spec.taxes_included,
        "test": False,
        "token": token,
        "total_cash_rounding_payment_adjustment_set": money_set(0),
        "total_cash_rounding_refund_adjustment_set": money_set(0),
        "total_discounts": money(discount),
        "total_discounts_set": money_set(discount),
        "total_line_items_price": money(gross),
        "total_line_items_price_set": money_set(gross),
        "total_outstanding": money(outstanding),
        "total_price": money(total),
        "total_price_set": money_set(total),
        "total_shipping_price_set": money_set(facts.shipping),
        "total_tax": money(tax),
        "total_tax_set": money_set(tax),
        "total_tip_received": "0.00",
        "total_weight": sum(
            int(world.catalog.sku_grams[world.listing_sku(int(world.lines["listing"][line]))])
            * int(world.lines["quantity"][line])
            for line in facts.lines
        ),
        "updated_at": shop.time(facts.updated),
        "user_id": None,
        "billing_address": address,
        "customer": nested_customer(shop, facts.person, now),
        "discount_applications": (
            [
                {
                    "target_type": "line_item",
                    "type": "discount_code",
                    "value": "10.0",
                    "value_type": "percentage",
                    "allocation_method": "across",
                    "target_selection": "all",
                    "code": DISCOUNT_CODE,
                }
            ]
            if facts.has_discount
            else []
        ),
        "fulfillments": render_fulfillments(facts, items),
        "line_items": list(items.values()),
        "payment_terms": None,
        "refunds": render_refunds(facts, totals.refunded, items),
        "shipping_address": address,
        "shipping_lines": [
            {
                "id": ids.shipping_line_id(order),
                "carrier_identifier": None,
                "code": "Standard" if facts.shipping else "Free Shipping",
                "discounted_price": money(facts.shipping),
                "discounted_price_set": money_set(facts.shipping),
                "is_removed": False,
                "phone": None,
                "price": money(facts.shipping),
                "price_set": money_set(facts.shipping),
                "requested_fulfillment_service_id": None,
                "source": "shopify",
                "title": "Standard" if facts.shipping else "Free Shipping",
                "tax_lines": [],
                "discount_allocations": [],
            }
        ],
    }


def render_line_item(facts: OrderFacts, line: int) -> dict[str, Any]:
    shop = facts.shop
    world = shop.world
    catalog = world.catalog
    lines = world.lines
    listing = int(lines["listing"][line])
    sku = world.listing_sku(listing)
    product = int(catalog.sku_product[sku])
    quantity = int(lines["quantity"][line])
    _, line_discount, line_tax = facts.line_total(line)
    unit = int(lines["unit_price_cents"][line])
    shipped = facts.is_shipped(line)
    cancelled = facts.cancelled is not None
    variant_title = " / ".join(v for v in (catalog.sku_option1[sku], catalog.sku_option2[sku]) if v)
    title = catalog.product_title[product]
    return {
        "id": ids.line_item_id(line),
        "admin_graphql_api_id": ids.gid("LineItem", ids.line_item_id(line)),
        "attributed_staffs": [],
        "current_quantity": 0 if cancelled else quantity - facts.refunded_units(line),
        "fulfillable_quantity": 0 if cancelled or shipped else quantity,
        "fulfillment_service": "manual",
        "fulfillment_status": "fulfilled" if shipped else None,
        "gift_card": False,
        "grams": int(catalog.sku_grams[sku]),
        "name": f"{title} - {variant_title}" if variant_title != "Default Title" else title,
        "price": shop.money(unit),
        "price_set": shop.money_set(unit),
        "product_exists": True,
        "product_id": ids.product_id(product),
        "properties": [],
        "quantity": quantity,
        "requires_shipping": True,
        "sku": shop.seller_sku(listing),
        "taxable": True,
        "title": title,
        "total_discount": "0.00",
        "total_discount_set": shop.money_set(0),
        "variant_id": ids.variant_id(sku),
        "variant_inventory_management": "shopify",
        "variant_title": variant_title,
        "vendor": names.VENDOR,
        "tax_lines": [
            {
                "channel_liable": False,
                "price": shop.money(line_tax),
                "price_set": shop.money_set(line_tax),
                "rate": shop.spec.tax_rate,
                "title": "State Tax",
            }
        ],
        "duties": [],
        "discount_allocations": (
            [
                {
                    "amount": shop.money(line_discount),
                    "amount_set": shop.money_set(line_discount),
                    "discount_application_index": 0,
                }
            ]
            if line_discount
            else []
        ),
    }


def render_fulfillments(
    facts: OrderFacts, items: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    shop = facts.shop
    fulfillments = []
    for number, shipped_at in enumerate(facts.shipments, start=1):
        fulfillment_id = ids.fulfillment_id(facts.order, number)
        tracking = f"1Z{facts.id % 10**8:08d}{number:02d}"
        delivered = (
            facts.delivered is not None
            and number == len(facts.shipments)
            and all(facts.is_shipped(line) for line in facts.lines)
        )
        fulfillments.append(
            {
                "id": fulfillment_id,
                "admin_graphql_api_id": ids.gid("Fulfillment", fulfillment_id),
                "created_at": shop.time(shipped_at),
                "location_id": ids.LOCATION_ID,
                "name": f"#{facts.number}.{number}",
                "order_id": facts.id,
                "origin_address": {},
                "receipt": {"testcase": False, "authorization": f"ful{fulfillment_id % 10**8:08d}"},
                "service": "manual",
                "shipment_status": "delivered" if delivered else "in_transit",
                "status": "success",
                "tracking_company": "UPS",
                "tracking_number": tracking,
                "tracking_numbers": [tracking],
                "tracking_url": f"https://www.ups.com/track?tracknum={tracking}",
                "tracking_urls": [f"https://www.ups.com/track?tracknum={tracking}"],
                "updated_at": shop.time(
                    facts.delivered if delivered and facts.delivered else shipped_at
                ),
                "line_items": [
                    items[line] for line in facts.lines if facts.shipped_at[line] == shipped_at
                ],
            }
        )
    return fulfillments


def render_refunds(
    facts: OrderFacts, amount: int, items: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    shop = facts.shop
    world = shop.world
    if facts.cancelled is not None and facts.is_paid:
        refunded_at, note, restock = facts.cancelled, "Order cancelled", True
    elif facts.refunded is not None:
        refunded_at, note, restock = facts.refunded, "Returned by customer", False
    else:
        return []
    refund_id = ids.refund_id(facts.order)
    refund_lines: list[dict[str, Any]] = []
    for line in facts.lines:
        units = facts.refunded_units(line)
        if not units:
            continue
        line_gross, line_discount, line_tax = facts.line_total(line)
        quantity = int(world.lines["quantity"][line])
        subtotal = (line_gross - line_discount) * units // quantity
        tax = line_tax * units // quantity
        refund_lines.append(
            {
                "id": refund_id * 10 + len(refund_lines),
                "line_item_id": ids.line_item_id(line),
                "location_id": ids.LOCATION_ID if restock else None,
                "quantity": units,
                "restock_type": "cancel" if restock else "no_restock",
                "subtotal": subtotal / 100,
                "subtotal_set": shop.money_set(subtotal),
                "total_tax": tax / 100,
                "total_tax_set": shop.money_set(tax),
                "line_item": items[line],
            }
        )
    transaction_id = ids.transaction_id(facts.order, 1)
    return [
        {
            "id": refund_id,
            "admin_graphql_api_id": ids.gid("Refund", refund_id),
            "created_at": shop.time(refunded_at),
            "note": note,
            "order_id": facts.id,
            "processed_at": shop.time(refunded_at),
            "restock": restock,
            "total_additional_fees_set": shop.money_set(0),
            "total_duties_set": shop.money_set(0),
            "user_id": None,
            "order_adjustments": [],
            "transactions": [
                {
                    "id": transaction_id,
                    "admin_graphql_api_id": ids.gid("OrderTransaction", transaction_id),
                    "amount": shop.money(amount),
                    "authorization": f"re_{transaction_id % 10**10:010d}",
                    "created_at": shop.time(refunded_at),
                    "currency": shop.currency,
                    "device_id": None,
                    "error_code": None,
                    "gateway": GATEWAY,
                    "kind": "refund",
                    "location_id": None,
                    "message": "Refunded",
                    "order_id": facts.id,
                    "parent_id": ids.transaction_id(facts.order, 0),
                    "payment_id": f"c{facts.id}.2",
                    "processed_at": shop.time(refunded_at),
                    "receipt": {},
                    "source_name": "web",
                    "status": "success",
                    "test": False,
                    "user_id": None,
                }
            ],
            "refund_line_items": refund_lines,
            "duties": [],
            "additional_fees": [],
        }
    ]
