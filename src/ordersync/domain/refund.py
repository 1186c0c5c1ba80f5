"""A refund of (part of) an order: money given back, and which items with what quantity, if the channel
says so. Amounts are positive (the channel may write them negative); the currency is the order's."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .money import check_currency
from .timeutil import require_aware


@dataclass(slots=True)
class RefundItem:
    """``item_external_id`` is the order item's external id; ``quantity`` may be 0 (money only)."""

    item_external_id: str
    quantity: Decimal
    amount: Decimal = Decimal("0")

    def __post_init__(self) -> None:
        if self.quantity < 0:
            raise ValueError(f"refunded item {self.item_external_id}: quantity {self.quantity} is negative")


@dataclass(slots=True)
class Refund:
    external_id: str
    amount: Decimal
    currency: str
    reason: str = ""
    refunded_at: datetime | None = None
    items: list[RefundItem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.currency = check_currency(self.currency)
        if self.amount < 0:
            raise ValueError(f"refund {self.external_id}: amount {self.amount} is negative")
        require_aware(self.refunded_at, f"refund {self.external_id}: refunded_at")


def refunded_quantities(refunds: list[Refund]) -> dict[str, Decimal]:
    """Refunded quantity per order item (external id), over all refunds."""
    out: dict[str, Decimal] = {}
    for refund in refunds:
        for item in refund.items:
            out[item.item_external_id] = out.get(item.item_external_id, Decimal(0)) + item.quantity
    return out
