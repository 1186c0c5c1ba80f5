"""Amazon order JSON → domain Order. Pure functions: no I/O, easy to fuzz.

Money is Decimal (amounts arrive as strings or numbers and go through ``to_decimal``, never float), every
timestamp is timezone-aware UTC, and a record that cannot be read raises ``RecordError`` with a hint so
that it is quarantined with its reason while the rest of its page is stored (invariant 5). Test this
module with records written from the vendor's documented examples, not with the sandbox's data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from ordersync.channels.sdk.errors import RecordError
from ordersync.channels.sdk.mapping import map_records, quarantine_record, read_record
from ordersync.channels.sdk.records import Quarantined
from ordersync.domain import Address, Buyer, Order, OrderItem, OrderState, to_decimal
from ordersync.domain.money import check_currency
from ordersync.domain.timeutil import parse_utc

STATES = {"open": OrderState.ORDERED, "paid": OrderState.PAID, "shipped": OrderState.SHIPPED,
          "cancelled": OrderState.CANCELLED}
ADDRESS_FIELDS = {"first_name": "first_name", "last_name": "last_name", "company": "company", "zip": "zip",
                  "city": "city"}


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise RecordError(f"{key} is {type(value).__name__}, not a text")
    return str(value).strip()


def _object(raw: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordError(f"{key} is {type(value).__name__}, not an object")
    return value


def _amount(raw: Mapping[str, Any], key: str, where: str = "") -> Decimal:
    try:
        return to_decimal(raw.get(key), field=f"{where}{key}")
    except ValueError as exc:
        raise RecordError(str(exc), hint="An amount is missing or not a number.") from None


def _when(raw: Mapping[str, Any], key: str) -> datetime:
    try:
        return parse_utc(_text(raw, key), where=key)
    except ValueError as exc:
        raise RecordError(str(exc), hint="Amazon sent a date without a time zone or not a date.") from None


def _address(raw: Mapping[str, Any]) -> Address:
    fields = {dest: _text(raw, src) for src, dest in ADDRESS_FIELDS.items()}
    try:
        return Address.from_lines(_text(raw, "street"), country=_text(raw, "country") or None, **fields)
    except ValueError as exc:
        raise RecordError(str(exc), hint="The address has an unknown country code.") from None


def _line(raw: Any, index: int) -> OrderItem:
    if not isinstance(raw, dict):
        raise RecordError(f"line {index + 1} is {type(raw).__name__}, not an object")
    where = f"line {index + 1}: "
    quantity = _amount(raw, "quantity", where)
    if quantity <= 0:
        raise RecordError(f"{where}quantity {quantity} is not positive", hint="Check the order in Amazon.")
    return OrderItem(external_id=_text(raw, "id") or str(index + 1), title=_text(raw, "title"), quantity=quantity,
                     unit_price=_amount(raw, "unit_price", where), total_price=_amount(raw, "total", where),
                     sku=_text(raw, "sku"))


def order_from_amazon(raw: Any) -> Order:
    """One order as a domain Order; raises RecordError if it cannot be read."""
    if not isinstance(raw, dict) or raw.get("id") in (None, ""):
        raise RecordError("the record is not an order object with an id")
    return read_record(lambda: _order(raw), hint="Unexpected data in the order; open it in Amazon.")


def _order(raw: dict[str, Any]) -> Order:
    status = _text(raw, "status")
    if status not in STATES:
        raise RecordError(f"status {status!r} is not one of {', '.join(STATES)}")
    try:
        currency = check_currency(_text(raw, "currency").upper())
    except ValueError as exc:
        raise RecordError(str(exc), hint="Amazon sent an unknown currency code.") from None
    lines = raw.get("lines")
    if not isinstance(lines, list):
        raise RecordError(f"lines is {type(lines).__name__}, not a list")
    customer = _object(raw, "customer")
    invoice = _address(_object(raw, "billing_address"))
    invoice.email = _text(customer, "email")
    shipping = _object(raw, "shipping_address")
    return Order(
        external_id=_text(raw, "id"), number=_text(raw, "number") or _text(raw, "id"), state=STATES[status],
        currency=currency, created_at=_when(raw, "created_at"), updated_at=_when(raw, "updated_at"),
        total=_amount(raw, "total"), items=[_line(line, i) for i, line in enumerate(lines)],
        shipping_cost=_amount(raw, "shipping_total") if raw.get("shipping_total") is not None else Decimal(0),
        buyer=Buyer(email=invoice.email, first_name=invoice.first_name, last_name=invoice.last_name),
        invoice_address=invoice, shipping_address=_address(shipping) if shipping else invoice,
        channel_status=status)


def orders_from_amazon(records: Iterable[Any]) -> tuple[list[Order], list[Quarantined]]:
    """Every record mapped or quarantined with its reason."""
    return map_records(records, order_from_amazon,
                       lambda raw, exc: quarantine_record(raw, exc, label="Amazon order"))
