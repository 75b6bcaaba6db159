"""GraphQL objects for orders: Order, LineItem, Fulfillment, Refund and their line items.

Fields are computed lazily (properties), so a query pays only for what it selects. Values come
from the same `OrderFacts` the REST renderer uses, so both APIs always agree.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from sandbox.shopify import ids
from sandbox.shopify.graphql.connection import Connection, connection
from sandbox.shopify.graphql.nodes_catalog import (
    CustomerNode,
    ProductNode,
    VariantNode,
    mailing_address,
    money_bag,
    utc,
)
from sandbox.shopify.order_facts import CANCEL_REASONS, OrderFacts
from sandbox.shopify.render_orders import DISCOUNT_CODE
from sandbox.shopify.shop import Shop
from sandbox.world import names

FINANCIAL = {
    "pending": "PENDING",
    "paid": "PAID",
    "voided": "VOIDED",
    "refunded": "REFUNDED",
    "partially_refunded": "PARTIALLY_REFUNDED",
}


class OrderNode:
    def __init__(self, shop: Shop, order: int, now: int) -> None:
        self.shop = shop
        self.facts = OrderFacts(shop, order, now)
        self.legacyResourceId = self.facts.id
        self.id = ids.gid("Order", self.facts.id)
        self.name = f"#{self.facts.number}"

    createdAt = property(lambda self: utc(self.facts.created))
    processedAt = property(lambda self: utc(self.facts.created))
    updatedAt = property(lambda self: utc(self.facts.updated))
    cancelledAt = property(lambda self: utc(self.facts.cancelled))
    closedAt = property(lambda self: utc(self.facts.closed_at))
    closed = property(lambda self: self.facts.closed_at is not None)
    email = property(lambda self: self.shop.world.people.email(self.facts.person))
    phone = None
    test = False
    sourceName = "web"
    tags: tuple[str, ...] = ()

    @property
    def cancelReason(self) -> str | None:
        if self.facts.cancelled is None:
            return None
        return CANCEL_REASONS.get(self.facts.cancel_reason, "other").upper()

    @property
    def currencyCode(self) -> str:
        return self.shop.currency

    presentmentCurrencyCode = currencyCode

    @property
    def displayFinancialStatus(self) -> str:
        return FINANCIAL[self.facts.financial_status]

    @property
    def displayFulfillmentStatus(self) -> str:
        return {None: "UNFULFILLED", "partial": "PARTIALLY_FULFILLED", "fulfilled": "FULFILLED"}[
            self.facts.fulfillment_status
        ]

    subtotalPriceSet = property(lambda self: money_bag(self.shop, self.facts.totals.subtotal))
    totalPriceSet = property(lambda self: money_bag(self.shop, self.facts.totals.total))
    totalTaxSet = property(lambda self: money_bag(self.shop, self.facts.totals.tax))
    totalDiscountsSet = property(lambda self: money_bag(self.shop, self.facts.totals.discount))
    totalShippingPriceSet = property(lambda self: money_bag(self.shop, self.facts.totals.shipping))
    totalRefundedSet = property(lambda self: money_bag(self.shop, self.facts.totals.refunded))
    currentSubtotalPriceSet = property(
        lambda self: money_bag(self.shop, self.facts.current_totals[0])
    )
    currentTotalTaxSet = property(lambda self: money_bag(self.shop, self.facts.current_totals[1]))
    currentTotalPriceSet = property(lambda self: money_bag(self.shop, self.facts.current_totals[2]))
    taxesIncluded = property(lambda self: self.shop.spec.taxes_included)

    @property
    def discountCodes(self) -> list[str]:
        return [DISCOUNT_CODE] if self.facts.has_discount else []

    @property
    def customer(self) -> Any:
        return CustomerNode(self.shop, self.facts.person, self.facts.now)

    shippingAddress = property(lambda self: mailing_address(self.shop, self.facts.person))
    billingAddress = shippingAddress

    def lineItems(self, info: GraphQLResolveInfo, **page: Any) -> Connection:
        return connection(
            info, self.facts.lines, lambda line: LineItemNode(self.facts, line), **page
        )

    def fulfillments(self, info: GraphQLResolveInfo, first: int | None = None) -> list[Any]:
        shipments = [
            FulfillmentNode(self.facts, number, shipped_at)
            for number, shipped_at in enumerate(self.facts.shipments, start=1)
        ]
        return shipments[:first] if first is not None else shipments

    def refunds(self, info: GraphQLResolveInfo, first: int | None = None) -> list[Any]:
        facts = self.facts
        happened = (facts.cancelled is not None and facts.is_paid) or facts.refunded is not None
        return [RefundNode(facts)] if happened else []


class LineItemNode:
    def __init__(self, facts: OrderFacts, line: int) -> None:
        world = facts.shop.world
        self.facts = facts
        self.line = line
        self.listing = int(world.lines["listing"][line])
        self.sku_index = world.listing_sku(self.listing)
        self.id = ids.gid("LineItem", ids.line_item_id(line))

    @property
    def _catalog(self) -> Any:
        return self.facts.shop.world.catalog

    @property
    def title(self) -> str:
        return self._catalog.product_title[int(self._catalog.sku_product[self.sku_index])]

    @property
    def variantTitle(self) -> str:
        catalog = self._catalog
        return " / ".join(
            v
            for v in (catalog.sku_option1[self.sku_index], catalog.sku_option2[self.sku_index])
            if v
        )

    @property
    def name(self) -> str:
        variant = self.variantTitle
        return self.title if variant == "Default Title" else f"{self.title} - {variant}"

    sku = property(lambda self: self.facts.shop.seller_sku(self.listing))
    vendor = names.VENDOR
    requiresShipping = True
    quantity = property(lambda self: int(self.facts.shop.world.lines["quantity"][self.line]))

    @property
    def currentQuantity(self) -> int:
        if self.facts.cancelled is not None:
            return 0
        return self.quantity - self.facts.refunded_units(self.line)

    @property
    def unfulfilledQuantity(self) -> int:
        if self.facts.cancelled is not None or self.facts.is_shipped(self.line):
            return 0
        return self.quantity

    @property
    def originalUnitPriceSet(self) -> dict[str, Any]:
        unit = int(self.facts.shop.world.lines["unit_price_cents"][self.line])
        return money_bag(self.facts.shop, unit)

    @property
    def totalDiscountSet(self) -> dict[str, Any]:
        return money_bag(self.facts.shop, self.facts.line_total(self.line)[1])

    def taxLines(self, info: GraphQLResolveInfo, first: int | None = None) -> list[dict[str, Any]]:
        shop = self.facts.shop
        rate = shop.spec.tax_rate
        return [
            {
                "title": "State Tax",
                "rate": rate,
                "ratePercentage": round(rate * 100, 4),
                "priceSet": money_bag(shop, self.facts.line_total(self.line)[2]),
            }
        ]

    @property
    def variant(self) -> Any:
        return VariantNode(self.facts.shop, self.sku_index)

    @property
    def product(self) -> Any:
        return ProductNode(self.facts.shop, int(self._catalog.sku_product[self.sku_index]))


class FulfillmentNode:
    def __init__(self, facts: OrderFacts, number: int, shipped_at: int) -> None:
        self.facts = facts
        self.number = number
        self.shipped_at = shipped_at
        self.legacyResourceId = ids.fulfillment_id(facts.order, number)
        self.id = ids.gid("Fulfillment", self.legacyResourceId)
        self.name = f"#{facts.number}.{number}"
        self.createdAt = utc(shipped_at)
        self.updatedAt = utc(shipped_at)
        self.status = "SUCCESS"

    def trackingInfo(
        self, info: GraphQLResolveInfo, first: int | None = None
    ) -> list[dict[str, Any]]:
        tracking = f"1Z{self.facts.id % 10**8:08d}{self.number:02d}"
        return [
            {
                "company": "UPS",
                "number": tracking,
                "url": f"https://www.ups.com/track?tracknum={tracking}",
            }
        ]

    def fulfillmentLineItems(self, info: GraphQLResolveInfo, **page: Any) -> Connection:
        lines = [
            line for line in self.facts.lines if self.facts.shipped_at[line] == self.shipped_at
        ]
        return connection(
            info, lines, lambda line: FulfillmentLineItemNode(self.facts, line), **page
        )


class FulfillmentLineItemNode:
    def __init__(self, facts: OrderFacts, line: int) -> None:
        self.id = ids.gid("FulfillmentLineItem", ids.line_item_id(line) + 1)
        self.quantity = int(facts.shop.world.lines["quantity"][line])
        self.lineItem = LineItemNode(facts, line)


class RefundNode:
    def __init__(self, facts: OrderFacts) -> None:
        self.facts = facts
        self.legacyResourceId = ids.refund_id(facts.order)
        self.id = ids.gid("Refund", self.legacyResourceId)
        cancelled_refund = facts.cancelled is not None and facts.is_paid
        self.created = facts.cancelled if cancelled_refund else facts.refunded
        self.note = "Order cancelled" if cancelled_refund else "Returned by customer"
        self.restock_type = "CANCEL" if cancelled_refund else "NO_RESTOCK"

    createdAt = property(lambda self: utc(self.created))
    totalRefundedSet = property(lambda self: money_bag(self.facts.shop, self.facts.totals.refunded))

    def refundLineItems(self, info: GraphQLResolveInfo, **page: Any) -> Connection:
        lines = [line for line in self.facts.lines if self.facts.refunded_units(line)]
        return connection(info, lines, lambda line: RefundLineItemNode(self, line), **page)


class RefundLineItemNode:
    def __init__(self, refund: RefundNode, line: int) -> None:
        facts = refund.facts
        quantity = int(facts.shop.world.lines["quantity"][line])
        units = facts.refunded_units(line)
        gross, discount, tax = facts.line_total(line)
        self.id = ids.gid("RefundLineItem", refund.legacyResourceId * 10 + facts.lines.index(line))
        self.quantity = units
        self.restockType = refund.restock_type
        self.lineItem = LineItemNode(facts, line)
        self.subtotalSet = money_bag(facts.shop, (gross - discount) * units // quantity)
        self.totalTaxSet = money_bag(facts.shop, tax * units // quantity)
