"""Shopware 5 order JSON (``GET /api/orders/{id}``) → domain Order. Pure functions: no I/O, easy to fuzz.

Fields as the vendor documents them (shopware5/devdocs ``examples/order``): ``id``, ``number``,
``orderTime`` (ISO 8601 with the shop's offset, e.g. ``2012-08-30T10:15:54+0200``), ``clearedDate``
(payment date or null), ``currency``, ``invoiceAmount``/``invoiceAmountNet``, ``invoiceShipping``,
``net`` (1: the buyer's customer group sees net prices, so line ``price`` is net), ``taxFree``,
``orderStatusId``/``paymentStatusId``, ``trackingCode``, ``customerComment``; ``details[]`` with
``id``, ``articleId``, ``articleNumber``, ``articleName``, ``price``, ``quantity``, ``taxRate``, ``ean``,
``mode`` (0 article; 1 premium, 2 voucher, 3 customer-group discount, 4 surcharge/discount, which move no
stock); ``billing``/``shipping`` with ``firstName``, ``lastName``, ``company``, ``department``, ``street``,
``zipCode``, ``city``, ``phone``, ``country.iso``; ``customer.email``; ``payment.description``.

Traps: the order list has no change timestamp, so ``updated_at`` is the latest of ``orderTime`` and
``clearedDate`` (deterministic, so a re-read of an unchanged order hashes the same); with ``net`` = 1 and
``taxFree`` = 0 line prices are net and are turned gross with the line's ``taxRate``; an order with
status -1 is a checkout the buyer abandoned (number "0"), not an order (the connector skips it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ...domain import Address, Buyer, Order, OrderItem, to_decimal
from ...domain.money import check_currency
from ...domain.timeutil import parse_utc
from ..sdk.errors import RecordError
from ..sdk.mapping import map_records, quarantine_record, read_record
from ..sdk.records import Quarantined
from .statuses import PAID, StatusMap, order_status_name

CENT = Decimal("0.01")
STOCK_MODE = 0  # details.mode of an ordinary article line


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise RecordError(f"{key} is {type(value).__name__}, not a text")
    return str(value).strip()


def _object(raw: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key)
    if value is None or value == []:  # PHP serialises an empty map as []
        return {}
    if not isinstance(value, dict):
        raise RecordError(f"{key} is {type(value).__name__}, not an object")
    return value


def _amount(raw: Mapping[str, Any], key: str, where: str = "") -> Decimal:
    try:
        return to_decimal(raw.get(key), field=f"{where}{key}")
    except ValueError as exc:
        raise RecordError(str(exc), hint="An amount is missing or not a number.") from None


def _int(raw: Mapping[str, Any], key: str, where: str = "") -> int:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(f"{where}{key} is {value!r}, not a whole number")
    return value


def when(raw: Mapping[str, Any], key: str) -> datetime | None:
    text = _text(raw, key)
    if not text:
        return None
    try:
        return parse_utc(text, where=key)
    except ValueError as exc:
        raise RecordError(str(exc), hint="Shopware 5 sent a date without a time zone or not a date.") from None


def _address(raw: Mapping[str, Any], email: str) -> Address:
    country = _text(_object(raw, "country"), "iso").upper() or None
    try:
        return Address.from_lines(
            _text(raw, "street"),
            _text(raw, "additionalAddressLine1"),
            first_name=_text(raw, "firstName"),
            last_name=_text(raw, "lastName"),
            company=" ".join(p for p in (_text(raw, "company"), _text(raw, "department")) if p),
            zip=_text(raw, "zipCode"),
            city=_text(raw, "city"),
            country=country,
            phone=_text(raw, "phone"),
            email=email,
        )
    except ValueError as exc:
        raise RecordError(str(exc), hint="The address has an unknown country code.") from None


def _line(raw: Any, index: int, net_prices: bool) -> OrderItem:
    where = f"line {index + 1}: "
    if not isinstance(raw, dict):
        raise RecordError(f"{where}not an object but {type(raw).__name__}")
    quantity = _amount(raw, "quantity", where)
    if quantity <= 0:
        raise RecordError(f"{where}quantity {quantity} is not positive", hint="Check the order in Shopware 5.")
    rate = _amount(raw, "taxRate", where) if raw.get("taxRate") is not None else None
    price = _amount(raw, "price", where)
    if net_prices and rate:
        price = (price * (1 + rate / 100)).quantize(CENT, ROUND_HALF_UP)
    mode = raw.get("mode", STOCK_MODE)
    article_id = raw.get("articleId")
    return OrderItem(
        external_id=_text(raw, "id") or str(index + 1),
        title=_text(raw, "articleName"),
        quantity=quantity,
        unit_price=price,
        total_price=(price * quantity).quantize(CENT, ROUND_HALF_UP),
        sku=_text(raw, "articleNumber"),
        ean=_text(raw, "ean"),
        tax_rate=rate,
        product_external_id=str(article_id) if isinstance(article_id, int) and article_id > 0 else "",
        dont_adjust_stock=mode != STOCK_MODE,
    )


def order_from_shopware5(raw: Any, statuses: StatusMap) -> Order:
    """One order detail as a domain Order; raises RecordError if it cannot be read."""
    if not isinstance(raw, dict) or raw.get("id") in (None, ""):
        raise RecordError("the record is not an order object with an id")
    return read_record(lambda: _order(raw, statuses), hint="Unexpected data in the order; open it in Shopware 5.")


def _order(raw: dict[str, Any], statuses: StatusMap) -> Order:
    try:
        currency = check_currency(_text(raw, "currency").upper())
    except ValueError as exc:
        raise RecordError(str(exc), hint="Shopware 5 sent an unknown currency code.") from None
    details = raw.get("details")
    if not isinstance(details, list):
        raise RecordError(f"details is {type(details).__name__}, not a list")
    ordered = when(raw, "orderTime")
    if ordered is None:
        raise RecordError("orderTime is missing", hint="Check the order in Shopware 5.")
    cleared = when(raw, "clearedDate")
    order_status, payment_status = _int(raw, "orderStatusId"), _int(raw, "paymentStatusId")
    net_prices = _text(raw, "net") == "1" and _text(raw, "taxFree") != "1"
    email = _text(_object(raw, "customer"), "email")
    invoice = _address(_object(raw, "billing"), email)
    shipping = _object(raw, "shipping")
    total = _amount(raw, "invoiceAmount")
    net_total = _amount(raw, "invoiceAmountNet") if raw.get("invoiceAmountNet") is not None else total
    return Order(
        external_id=_text(raw, "id"),
        number=_text(raw, "number") or _text(raw, "id"),
        state=statuses.state_for(order_status, payment_status),
        currency=currency,
        created_at=ordered,
        updated_at=max(ordered, cleared) if cleared else ordered,
        total=total,
        items=[_line(line, i, net_prices) for i, line in enumerate(details)],
        shipping_cost=_amount(raw, "invoiceShipping") if raw.get("invoiceShipping") is not None else Decimal(0),
        tax_total=total - net_total,
        paid_at=cleared if payment_status == PAID else None,
        buyer=Buyer(
            external_id=_text(raw, "customerId"),
            email=email,
            first_name=invoice.first_name,
            last_name=invoice.last_name,
            phone=invoice.phone,
        ),
        invoice_address=invoice,
        shipping_address=_address(shipping, email) if shipping else invoice,
        payment_method=_text(_object(raw, "payment"), "description"),
        channel_status=order_status_name(order_status),
        buyer_note=_text(raw, "customerComment"),
    )


def quarantine(raw: Any, exc: RecordError) -> Quarantined:
    return quarantine_record(raw, exc, label="Shopware 5 order")


def orders_from_shopware5(records: Iterable[Any], statuses: StatusMap) -> tuple[list[Order], list[Quarantined]]:
    """Every record mapped or quarantined with its reason."""
    return map_records(records, lambda raw: order_from_shopware5(raw, statuses), quarantine)
