"""What of an order is still open to ship: ordered, less shipped, less cancelled, per order line.

A shipment without lines ships everything still open at that point (whole-order shipments of channels
without item-level fulfilment, and every shipment recorded before lines existed). Shipping or cancelling
more than is open on a line is refused with the line and both quantities in the message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


class FulfilmentError(ValueError):
    """A shipment or cancellation asks for more than the order has open, or names a line it does not have."""


@dataclass(frozen=True, slots=True)
class Line:
    """An order line as fulfilment sees it: its external id, SKU and ordered quantity."""

    external_id: str
    sku: str
    quantity: Decimal


def open_quantities(
    lines: Iterable[Line], shipments: Iterable[list[tuple[str, Decimal]]], cancellations: Iterable[tuple[str, Decimal]]
) -> dict[str, Decimal]:
    """Open quantity per line id. ``shipments`` in the order they were made, each a list of (line id,
    quantity); an empty list is a whole-order shipment and closes every line."""
    left = {x.external_id: x.quantity for x in lines}
    for line_id, qty in cancellations:
        if line_id in left:
            left[line_id] = max(left[line_id] - qty, Decimal(0))
    for shipped in shipments:
        if not shipped:
            left = dict.fromkeys(left, Decimal(0))
            continue
        for line_id, qty in shipped:
            if line_id in left:
                left[line_id] = max(left[line_id] - qty, Decimal(0))
    return left


def resolve_line(lines: Iterable[Line], ref: str) -> Line:
    """The line ``ref`` names: its external id, else its SKU if exactly one line has it."""
    lines = list(lines)
    ref = ref.strip()
    for x in lines:
        if x.external_id == ref:
            return x
    by_sku = [x for x in lines if x.sku and x.sku == ref]
    if len(by_sku) == 1:
        return by_sku[0]
    known = ", ".join(f"{x.external_id} ({x.sku})" if x.sku else x.external_id for x in lines) or "none"
    if by_sku:
        raise FulfilmentError(f"line {ref!r}: several lines have this SKU; use the line id ({known})")
    raise FulfilmentError(f"line {ref!r}: the order has no such line (lines: {known})")


def check_request(
    lines: Iterable[Line], open_now: dict[str, Decimal], wanted: Iterable[tuple[str, Decimal]], what: str
) -> list[tuple[Line, Decimal]]:
    """Resolve and check (line ref, quantity) pairs against what is open; ``what`` is "ship" or "cancel".
    The same line named twice counts once with both quantities added."""
    lines = list(lines)
    total: dict[str, Decimal] = {}
    by_id: dict[str, Line] = {}
    for index, (ref, qty) in enumerate(wanted):
        if qty <= 0 or qty != qty.to_integral_value():
            raise FulfilmentError(f"lines.{index}: quantity {qty} must be a positive whole number")
        line = resolve_line(lines, ref)
        by_id[line.external_id] = line
        total[line.external_id] = total.get(line.external_id, Decimal(0)) + qty
    if not total:
        raise FulfilmentError(f"nothing to {what}: name at least one line and quantity")
    for line_id, qty in total.items():
        left = open_now.get(line_id, Decimal(0))
        if qty > left:
            line = by_id[line_id]
            label = f"{line_id} ({line.sku})" if line.sku else line_id
            raise FulfilmentError(
                f"line {label}: cannot {what} {_n(qty)}, only {_n(left)} of {_n(line.quantity)} still open"
            )
    return [(by_id[i], q) for i, q in total.items()]


def _n(value: Decimal) -> str:
    return str(value.normalize()) if value != value.to_integral_value() else str(value.quantize(Decimal(1)))
