"""What a Shopify order is at a moment: its statuses, shipments and money, from the timeline.

REST and GraphQL both render from these facts, so the two APIs always agree. A cancellation
after payment refunds in full (Shopify refunds on cancel); an order is archived (`closed_at`)
once fulfilled and paid, or cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sandbox.shopify import ids
from sandbox.shopify.shop import Shop
from sandbox.world.orders import CUSTOMER_CANCEL, INVENTORY_CANCEL, UNPAID_CANCEL

CANCEL_REASONS = {
    CUSTOMER_CANCEL: "customer",
    UNPAID_CANCEL: "declined",
    INVENTORY_CANCEL: "inventory",
}


@dataclass(frozen=True)
class Totals:
    """An order's money at a moment, in cents."""

    gross: int
    discount: int
    tax: int
    shipping: int
    refunded_net: int
    refunded_tax: int
    shipping_refunded: int
    taxes_included: bool

    @property
    def subtotal(self) -> int:
        return self.gross - self.discount

    @property
    def total(self) -> int:
        return self.subtotal + (0 if self.taxes_included else self.tax) + self.shipping

    @property
    def refunded(self) -> int:
        return self.refunded_net + self.refunded_tax + self.shipping_refunded


class OrderFacts:
    """An order's state at `now`, derived once and shared by its renderers."""

    def __init__(self, shop: Shop, order: int, now: int) -> None:
        world = shop.world
        columns = world.orders
        self.shop = shop
        self.order = order
        self.now = now
        self.seq = int(columns["seq"][order])
        self.id = ids.order_id(self.seq)
        self.number = 1001 + self.seq
        self.person = int(columns["person"][order])
        self.created = int(columns["created"][order])
        self.updated = int(columns["updated"][order])
        self.paid = int(columns["paid"][order])
        cancelled = int(columns["cancelled"][order])
        self.cancelled = cancelled if cancelled <= now else None
        self.cancel_reason = int(columns["cancel_reason"][order])
        refunded = int(columns["refunded"][order])
        self.refunded = refunded if refunded <= now else None
        self.refund_full = bool(columns["refund_full"][order])
        delivered = int(columns["delivered"][order])
        self.delivered = delivered if delivered <= now else None
        self.shipping = int(columns["shipping_cents"][order])
        self.has_discount = bool(columns["has_discount"][order])
        self.lines = list(world.order_lines(order))
        lines = world.lines
        self.shipped_at = {line: int(lines["shipped"][line]) for line in self.lines}
        self.is_paid = self.paid <= now

    @cached_property
    def totals(self) -> Totals:
        lines = self.shop.world.lines
        gross = discount = tax = refunded_net = refunded_tax = 0
        for line in self.lines:
            line_gross, line_discount, line_tax = self.line_total(line)
            gross += line_gross
            discount += line_discount
            tax += line_tax
            units_back = self.refunded_units(line)
            if units_back:
                quantity = int(lines["quantity"][line])
                refunded_net += (line_gross - line_discount) * units_back // quantity
                refunded_tax += line_tax * units_back // quantity
        refunds_shipping = (self.cancelled is not None and self.is_paid) or (
            self.refunded is not None and self.refund_full
        )
        return Totals(
            gross=gross,
            discount=discount,
            tax=tax,
            shipping=self.shipping,
            refunded_net=refunded_net,
            refunded_tax=refunded_tax,
            shipping_refunded=self.shipping if refunds_shipping else 0,
            taxes_included=self.shop.spec.taxes_included,
        )

    @property
    def current_totals(self) -> tuple[int, int, int]:
        """(subtotal, tax, total) after refunds; zero for an order voided before payment."""
        totals = self.totals
        if self.cancelled is not None and not self.is_paid:
            return 0, 0, 0
        subtotal = totals.subtotal - totals.refunded_net
        tax = totals.tax - totals.refunded_tax
        added_tax = 0 if totals.taxes_included else tax
        return subtotal, tax, subtotal + added_tax + totals.shipping - totals.shipping_refunded

    def line_total(self, line: int) -> tuple[int, int, int]:
        """(gross, discount, tax) of a line in cents."""
        lines = self.shop.world.lines
        gross = int(lines["unit_price_cents"][line]) * int(lines["quantity"][line])
        return gross, int(lines["discount_cents"][line]), int(lines["tax_cents"][line])

    def refunded_units(self, line: int) -> int:
        if self.cancelled is not None and self.is_paid:
            return int(self.shop.world.lines["quantity"][line])
        if self.refunded is not None:
            return int(self.shop.world.lines["refund_quantity"][line])
        return 0

    def is_shipped(self, line: int) -> bool:
        return self.shipped_at[line] <= self.now

    @property
    def financial_status(self) -> str:
        if self.cancelled is not None and not self.is_paid:
            return "voided"
        if not self.is_paid:
            return "pending"
        if self.cancelled is not None or (self.refunded is not None and self.refund_full):
            return "refunded"
        if self.refunded is not None:
            return "partially_refunded"
        return "paid"

    @property
    def fulfillment_status(self) -> str | None:
        shipped = sum(self.is_shipped(line) for line in self.lines)
        if shipped == 0:
            return None
        return "fulfilled" if shipped == len(self.lines) else "partial"

    @property
    def closed_at(self) -> int | None:
        if self.cancelled is not None:
            return self.cancelled
        if self.fulfillment_status == "fulfilled" and self.is_paid:
            return max(self.shipped_at.values())
        return None

    @property
    def shipments(self) -> list[int]:
        """Distinct shipment times that have happened, in order."""
        return sorted({t for t in self.shipped_at.values() if t <= self.now})
