"""Etsy ``ShopReceipt`` JSON → domain Order. Pure functions: no I/O, easy to fuzz.

Field names and meanings from the Open API v3 spec (``ShopReceipt``, ``ShopReceiptTransaction``, ``Money``,
``TransactionVariations``, ``ShopReceiptShipment``, ``ShopRefund``):

* money is a ``Money`` object ``{amount, divisor, currency_code}``: the value is amount / divisor, read
  here as Decimal (1234 / 100 = 12.34, never a float);
* times are unix seconds (``created_timestamp``, ``updated_timestamp``; the older ``create_timestamp`` /
  ``update_timestamp`` carry the same value and are read when the new ones are missing);
* ``status`` is one of paid, completed, open, payment processing, canceled, fully refunded, partially
  refunded; ``is_paid``/``is_shipped`` tell the rest;
* ``grandtotal`` = items − discount + tax + shipping (what the buyer paid); ``total_tax_cost`` is sales tax,
  ``total_vat_cost`` VAT. Where Etsy collects the tax itself as the marketplace (US marketplace-facilitator
  states, EU/UK VAT on imports) the receipt does not say so (v3 has no such field; sellers asked for one in
  github.com/etsy/open-api/issues/29, still open): both are summed into the order's tax and the order is
  tagged ``etsy-tax`` so the seller sees that the tax may have been collected and remitted by Etsy;
* a transaction is one line: ``transaction_id``, ``listing_id``, ``product_id``, ``sku``, ``quantity``,
  ``price`` (per unit), ``variations`` (``formatted_name`` → ``formatted_value``, the buyer's choices and
  personalisation);
* the recipient is ``name``, ``first_line``, ``second_line``, ``city``, ``state``, ``zip``, ``country_iso``;
  a gift has ``is_gift``, ``gift_message``, ``gift_sender``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ordersync.channels.sdk.errors import RecordError
from ordersync.channels.sdk.mapping import map_records, quarantine_record, read_record
from ordersync.channels.sdk.records import Quarantined
from ordersync.domain import Address, Buyer, Order, OrderItem, OrderState
from ordersync.domain.money import check_currency
from ordersync.domain.order import Comment, Payment, Shipment
from ordersync.domain.refund import Refund

HINT = "Unexpected data in the receipt; open it in Etsy (Shop Manager → Orders)."
STATES = {
    "open": OrderState.ORDERED,
    "payment processing": OrderState.ORDERED,
    "paid": OrderState.PAID,
    "completed": OrderState.SHIPPED,
    "canceled": OrderState.CANCELLED,
    "fully refunded": OrderState.CANCELLED,
    "partially refunded": OrderState.PAID,
}
TAX_TAG = "etsy-tax"
LATEST = 253402300800  # 10000-01-01: later unix seconds are not a date
GIFT_TAG = "gift"


def money(raw: Any, where: str) -> tuple[Decimal, str]:
    """An Etsy Money object as (Decimal value, currency)."""
    if not isinstance(raw, dict):
        raise RecordError(f"{where} is {type(raw).__name__}, not a money object", hint=HINT)
    amount, divisor = raw.get("amount"), raw.get("divisor")
    if (
        not isinstance(amount, int)
        or isinstance(amount, bool)
        or not isinstance(divisor, int)
        or isinstance(divisor, bool)
        or divisor <= 0
    ):
        raise RecordError(
            f"{where}: amount {amount!r} / divisor {divisor!r} is not a whole number over a positive divisor", hint=HINT
        )
    try:
        currency = check_currency(str(raw.get("currency_code") or "").upper())
    except ValueError as exc:
        raise RecordError(f"{where}: {exc}", hint="Etsy sent an unknown currency code.") from None
    return Decimal(amount) / Decimal(divisor), currency


def _value(raw: Mapping[str, Any], key: str, currency: str, *, optional: bool = True) -> Decimal:
    if raw.get(key) is None and optional:
        return Decimal(0)
    value, cur = money(raw.get(key), key)
    if cur != currency:
        raise RecordError(f"{key} is in {cur}, the receipt in {currency}", hint=HINT)
    return value


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise RecordError(f"{key} is {type(value).__name__}, not a text", hint=HINT)
    return str(value).strip()


def _moment(raw: Mapping[str, Any], *keys: str) -> datetime:
    """The first of ``keys`` that is present, as a UTC time; a record without any is refused."""
    found = _when(raw, *keys, required=True)
    if found is None:  # _when refuses a missing one already; this tells the type checker
        raise RecordError(f"{keys[0]} is missing", hint=HINT)
    return found


def _when(raw: Mapping[str, Any], *keys: str, required: bool = True) -> datetime | None:
    for key in keys:
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < LATEST:
            raise RecordError(f"{key} is {value!r}, not unix seconds", hint=HINT)
        return datetime.fromtimestamp(value, UTC)
    if required:
        raise RecordError(f"{keys[0]} is missing", hint=HINT)
    return None


def _recipient(raw: Mapping[str, Any]) -> Address:
    first, _, last = _text(raw, "name").rpartition(" ")
    try:
        return Address.from_lines(
            _text(raw, "first_line"),
            _text(raw, "second_line"),
            first_name=first,
            last_name=last,
            zip=_text(raw, "zip"),
            city=_text(raw, "city"),
            state=_text(raw, "state"),
            country=_text(raw, "country_iso"),
            email=_text(raw, "buyer_email"),
        )
    except ValueError as exc:
        raise RecordError(f"shipping address: {exc}", hint="The address has an unknown country code.") from None


def _line(raw: Any, index: int, currency: str) -> OrderItem:
    where = f"transaction {index + 1}"
    if not isinstance(raw, dict):
        raise RecordError(f"{where} is {type(raw).__name__}, not an object", hint=HINT)
    quantity = raw.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise RecordError(f"{where}: quantity {quantity!r} is not a positive whole number", hint=HINT)
    price, cur = money(raw.get("price"), f"{where}: price")
    if cur != currency:
        raise RecordError(f"{where}: price is in {cur}, the receipt in {currency}", hint=HINT)
    variations = raw.get("variations") or []
    if not isinstance(variations, list):
        raise RecordError(f"{where}: variations is not a list", hint=HINT)
    attributes = {
        _text(v, "formatted_name"): _text(v, "formatted_value")
        for v in variations
        if isinstance(v, dict) and _text(v, "formatted_name")
    }
    return OrderItem(
        external_id=_text(raw, "transaction_id") or str(index + 1),
        title=_text(raw, "title"),
        quantity=Decimal(quantity),
        unit_price=price,
        total_price=price * quantity,
        sku=_text(raw, "sku"),
        product_external_id=_text(raw, "listing_id"),
        variant_external_id=_text(raw, "product_id"),
        attributes=attributes,
    )


def _shipments(raw: Mapping[str, Any]) -> list[Shipment]:
    found = raw.get("shipments") or []
    if not isinstance(found, list):
        raise RecordError("shipments is not a list", hint=HINT)
    return [
        Shipment(
            carrier=_text(s, "carrier_name"),
            tracking_number=_text(s, "tracking_code"),
            shipped_at=_when(s, "shipment_notification_timestamp", required=False),
        )
        for s in found
        if isinstance(s, dict)
    ]


def _refunds(raw: Mapping[str, Any], receipt_id: str, currency: str) -> list[Refund]:
    found = raw.get("refunds") or []
    if not isinstance(found, list):
        raise RecordError("refunds is not a list", hint=HINT)
    refunds = []
    for n, r in enumerate(found, 1):
        if not isinstance(r, dict):
            raise RecordError(f"refund {n} is not an object", hint=HINT)
        amount, cur = money(r.get("amount"), f"refund {n}: amount")
        refunds.append(
            Refund(
                external_id=f"{receipt_id}-{n}",
                amount=amount,
                currency=cur,
                reason=_text(r, "reason"),
                refunded_at=_when(r, "created_timestamp", required=False),
            )
        )
    return refunds


def order_from_etsy(raw: Any) -> Order:
    """One receipt as a domain Order; raises RecordError if it cannot be read."""
    if not isinstance(raw, dict) or not isinstance(raw.get("receipt_id"), int):
        raise RecordError("the record is not a receipt with a numeric receipt_id", hint=HINT)
    return read_record(lambda: _order(raw), hint=HINT)


def _order(raw: dict[str, Any]) -> Order:
    receipt_id = str(raw["receipt_id"])
    status = _text(raw, "status").lower()
    if status not in STATES:
        raise RecordError(f"status {status!r} is not one of {', '.join(STATES)}", hint=HINT)
    total, currency = money(raw.get("grandtotal"), "grandtotal")
    transactions = raw.get("transactions")
    if not isinstance(transactions, list) or not transactions:
        raise RecordError("transactions is missing or empty", hint=HINT)
    items = [_line(t, i, currency) for i, t in enumerate(transactions)]
    tax = _value(raw, "total_tax_cost", currency) + _value(raw, "total_vat_cost", currency)
    shipments = _shipments(raw)
    state = STATES[status]
    if state in (OrderState.PAID, OrderState.ORDERED) and raw.get("is_shipped") is True:
        state = OrderState.SHIPPED
    address = _recipient(raw)
    paid = sorted(t for t in (_when(x, "paid_timestamp", required=False) for x in transactions) if t)
    shipped = sorted(t for t in (_when(x, "shipped_timestamp", required=False) for x in transactions) if t)
    shipped_at = shipped[0] if shipped else min((s.shipped_at for s in shipments if s.shipped_at), default=None)
    comments, tags = [], []
    if raw.get("is_gift") is True:
        tags.append(GIFT_TAG)
        message = _text(raw, "gift_message")
        sender = _text(raw, "gift_sender")
        if message or sender:
            comments.append(
                Comment(text=f"Gift message: {message}" + (f" (from {sender})" if sender else ""), author="buyer")
            )
    if tax:
        tags.append(TAX_TAG)
    method = _text(raw, "payment_method")
    payments = (
        [Payment(method=method, amount=total, paid_at=paid[0] if paid else None)] if raw.get("is_paid") is True else []
    )
    return Order(
        external_id=receipt_id,
        number=receipt_id,
        state=state,
        currency=currency,
        created_at=_moment(raw, "created_timestamp", "create_timestamp"),
        updated_at=_moment(raw, "updated_timestamp", "update_timestamp"),
        total=total,
        items=items,
        paid_at=paid[0] if paid else None,
        shipped_at=shipped_at,
        buyer=Buyer(
            external_id=_text(raw, "buyer_user_id"),
            email=_text(raw, "buyer_email"),
            first_name=address.first_name,
            last_name=address.last_name,
        ),
        invoice_address=address,
        shipping_address=address,
        shipping_cost=_value(raw, "total_shipping_cost", currency),
        tax_total=tax,
        payment_method=method,
        payments=payments,
        shipments=shipments,
        comments=comments,
        tags=tags,
        channel_status=status,
        buyer_note=_text(raw, "message_from_buyer"),
        refunds=_refunds(raw, receipt_id, currency),
    )


def orders_from_etsy(records: Iterable[Any]) -> tuple[list[Order], list[Quarantined]]:
    """Every record mapped or quarantined with its reason."""
    return map_records(records, order_from_etsy, _quarantine)


def _quarantine(raw: Any, exc: RecordError) -> Quarantined:
    ident = raw.get("receipt_id") if isinstance(raw, dict) else None
    found = quarantine_record(raw, exc, label=f"Etsy receipt {ident}" if ident is not None else "Etsy receipt")
    if ident not in (None, ""):
        found.external_id = str(ident)  # the receipt's id, not a digest of the record
    return found
