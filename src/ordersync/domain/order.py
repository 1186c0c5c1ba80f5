"""The order as ordersync understands it, independent of any channel. Learnt from Billbee's order model."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .address import Address, Buyer
from .money import check_currency
from .refund import Refund, refunded_quantities
from .states import OrderState
from .timeutil import require_aware


@dataclass(slots=True)
class OrderItem:
    external_id: str
    title: str
    quantity: Decimal
    unit_price: Decimal
    total_price: Decimal
    sku: str = ""
    ean: str = ""
    tax_rate: Decimal | None = None
    product_external_id: str = ""
    variant_external_id: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    dont_adjust_stock: bool = False

    def __post_init__(self) -> None:
        if self.quantity < 0:
            raise ValueError(f"item {self.external_id}: quantity {self.quantity} is negative")


@dataclass(slots=True)
class Payment:
    method: str
    amount: Decimal
    transaction_id: str = ""
    paid_at: datetime | None = None


@dataclass(slots=True)
class ShipmentLine:
    """What one parcel ships of one order line: the line's external id (``OrderItem.external_id``)."""

    item_external_id: str
    quantity: Decimal
    sku: str = ""

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise ValueError(f"shipment line {self.item_external_id}: quantity {self.quantity} must be positive")


@dataclass(slots=True)
class Shipment:
    """One parcel. No ``lines``: it ships the whole order (what channels without item-level fulfilment and
    shipments recorded before item-level fulfilment mean)."""

    carrier: str
    tracking_number: str
    tracking_url: str = ""
    shipped_at: datetime | None = None
    lines: list[ShipmentLine] = field(default_factory=list)


@dataclass(slots=True)
class LineCancellation:
    """A quantity of one order line that will not be shipped, with why."""

    item_external_id: str
    quantity: Decimal
    reason: str = ""
    sku: str = ""
    cancelled_at: datetime | None = None
    #: sent to a channel: the line's whole cancelled quantity in the hub once this cancellation counts, so a
    #: connector recognises a retried cancellation (the channel already shows that much cancelled)
    line_total: Decimal | None = None

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise ValueError(f"cancellation of line {self.item_external_id}: quantity {self.quantity} must be positive")


@dataclass(slots=True)
class Comment:
    text: str
    author: str = ""
    to_customer: bool = False
    created_at: datetime | None = None


_TIMESTAMPS = ("created_at", "updated_at", "paid_at", "shipped_at", "acknowledge_by")


@dataclass(slots=True)
class Order:
    """One order of one channel. ``external_id`` is the channel's id; ``number`` what the buyer sees."""

    external_id: str
    number: str
    state: OrderState
    currency: str
    created_at: datetime
    updated_at: datetime
    total: Decimal
    items: list[OrderItem] = field(default_factory=list)
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    buyer: Buyer = field(default_factory=Buyer)
    invoice_address: Address = field(default_factory=Address)
    shipping_address: Address = field(default_factory=Address)
    shipping_cost: Decimal = Decimal("0")
    tax_total: Decimal = Decimal("0")
    payment_method: str = ""
    payments: list[Payment] = field(default_factory=list)
    shipments: list[Shipment] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    channel_status: str = ""
    buyer_note: str = ""
    refunds: list[Refund] = field(default_factory=list)
    line_cancellations: list[LineCancellation] = field(default_factory=list)
    #: the time by which the channel wants the order accepted or rejected (ACKNOWLEDGE_ORDERS), if it sets one
    acknowledge_by: datetime | None = None

    def __post_init__(self) -> None:
        self.currency = check_currency(self.currency)
        for name in _TIMESTAMPS:
            value = getattr(self, name)
            if value is not None and (value.tzinfo is None or value.utcoffset() is None):  # the message only then
                require_aware(value, f"order {self.external_id}: {name}")

    @property
    def refunded_amount(self) -> Decimal:
        return sum((r.amount for r in self.refunds), Decimal("0"))

    def refunded_quantity(self, item: OrderItem) -> Decimal:
        """How much of this item was refunded, never more than was ordered."""
        return min(refunded_quantities(self.refunds).get(item.external_id, Decimal(0)), item.quantity)
