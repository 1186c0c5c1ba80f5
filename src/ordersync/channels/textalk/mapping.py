"""Textalk/Abicart order JSON → domain Order. Pure functions: no I/O, fuzzed in tests.

The input is an Order object as ``Order.list``/``Order.get`` return it, with its ``items`` (documented as
the uids of the OrderItems) replaced by the OrderItem objects the connector fetched for them.

Confirmed (developer.abicart.se, "Order"): ``uid`` (integer), ``orderNumber``, ``ordered`` ("date and time
of the order, if placed": an order without it is a cart, "an unfinished order"), ``changed`` (last
modification), ``customer`` with the sub-objects ``address``, ``deliveryAddress`` and ``info``,
``currency`` (ISO 4217), ``items``, ``costs`` with ``cart``, ``payment``, ``shipment`` and ``total``,
``note`` (the administrator's), ``tags``, ``discarded``, ``paymentStatus``, ``deliveryStatus``. Costs are
numbers (the ``totalcost`` example of "JSON-RPC 2.0"); some texts are language-keyed objects such as
``{"sv": "..."}`` (Webshop ``name``), so every text is read through :func:`text`.

Confirmed (developer.abicart.se, "OrderItem"): ``uid``, ``order``, ``article`` (the article's uid),
``articleNumber``, ``articleName``, ``choices`` (e.g. ``{"1324567": "789456123", "quantity": 2}``) and
``costs`` with ``total`` and ``unit``, each ``{currency, exVat, incVat, vat, vatRate}``, ``vatRate`` a
decimal (0.12 for 12 %).

Confirmed (developer.abicart.se, "Customer"): ``customer.address`` (the invoice address) has
``company`` (null for a private buyer), ``firstName``, ``lastName``, ``address``, ``address2``, ``postcode``,
``town``, ``country`` (ISO 3166-1 alpha-2), ``state``, ``phoneDay``, ``phoneNight``, ``phoneMobile``;
``customer.deliveryAddress`` has ``copyAddress`` (the invoice address is used), ``company``, ``name``
(first and last name in one), ``address``, ``address2``, ``postcode``, ``town``, ``country``, ``state``.

ASSUMED (not in the public documentation; each name is defined once below so it is easy to correct):
the fields inside ``customer.info`` (INFO_FIELDS), that the Order's ``costs`` parts have the same Cost shape
as an OrderItem's, and that a timestamp without an offset is UTC.

A record that cannot be understood raises :class:`RecordError` with a hint; the caller quarantines it and
carries on (invariant 5). A cart is not an error: it is counted and left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from ...domain import Address, Buyer, Comment, Order, OrderItem
from ...domain.money import check_currency
from ...domain.timeutil import parse_utc
from ..sdk.errors import RecordError
from ..sdk.mapping import quarantine_record, read_amount, read_record, unit_price
from ..sdk.records import Quarantined
from .statuses import StatusMap, status_key

#: Field selection for Order.list / Order.get: property → true (documented selection form).
ORDER_FIELDS = {
    name: True
    for name in (
        "uid",
        "orderNumber",
        "ordered",
        "changed",
        "customer",
        "currency",
        "items",
        "costs",
        "note",
        "tags",
        "discarded",
        "paymentStatus",
        "deliveryStatus",
    )
}
#: OrderItem properties (developer.abicart.se, "OrderItem").
ITEM_FIELDS = {name: True for name in ("uid", "order", "article", "articleNumber", "articleName", "choices", "costs")}
#: Documented sub-fields of customer.address / customer.deliveryAddress → domain Address fields.
ADDRESS_FIELDS = {"company": "company", "postcode": "zip", "town": "city", "state": "state"}
ADDRESS_STREET, ADDRESS_STREET2, ADDRESS_COUNTRY = "address", "address2", "country"
#: The invoice address names the buyer in two fields, the delivery address in one (``name``).
INVOICE_NAME, DELIVERY_NAME = ("firstName", "lastName"), "name"
#: The invoice address's phone numbers, in the order the hub prefers them.
PHONE_FIELDS = ("phoneMobile", "phoneDay", "phoneNight")
#: ASSUMED sub-fields of customer.info.
INFO_FIELDS = {"email": "email", "customerNumber": "customer_number"}

FALLBACK_LANGUAGES = ("de", "en", "sv")


@dataclass(frozen=True, slots=True)
class MappingConfig:
    statuses: StatusMap = field(default_factory=StatusMap)
    language: str = ""  # preferred language of language-keyed texts


@dataclass(slots=True)
class MappedPage:
    orders: list[Order] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
    carts: list[str] = field(default_factory=list)  # uids of unfinished orders, left out on purpose


# --- small readers ---------------------------------------------------------------------------------


def _obj(raw: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    """A sub-object; absent or null is empty, anything else that is not an object is an error."""
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RecordError(
            f"{where}{key} is {type(value).__name__}, not an object",
            hint="The order record is damaged; open it in the Textalk admin.",
        )
    return value


def text(value: Any, language: str = "", *, where: str = "text") -> str:
    """A plain or language-keyed text: the preferred language, then de/en/sv, then the first non-empty."""
    if value is None:
        return ""
    if isinstance(value, (bool, list, float)):
        raise RecordError(f"{where} is {type(value).__name__}, not a text")
    if isinstance(value, dict):
        for lang in (language, *FALLBACK_LANGUAGES):
            if lang and isinstance(value.get(lang), str) and value[lang].strip():
                return value[lang].strip()
        for lang in sorted(value, key=str):
            if isinstance(value[lang], str) and value[lang].strip():
                return value[lang].strip()
        return ""
    return str(value).strip()


def _when(raw: Mapping[str, Any], name: str) -> datetime | None:
    value = raw.get(name)
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise RecordError(f"{name} is {type(value).__name__}, not a date", hint="Textalk sent a malformed date.")
    try:
        return parse_utc(value, where=name, assume_utc=True)  # ASSUMED: no offset means UTC
    except ValueError as exc:
        raise RecordError(str(exc), hint="Textalk sent a malformed date.") from None


def _cost(costs: Mapping[str, Any], part: str, currency: str) -> dict[str, Any]:
    cost = _obj(costs, part, "costs.")
    declared = cost.get("currency")
    if declared not in (None, "") and str(declared).strip().upper() != currency:
        raise RecordError(
            f"costs.{part} is in {declared!r} but the order is in {currency!r}",
            hint="Mixed currencies in one order; check the order in the Textalk admin.",
        )
    return cost


def _uid(value: Any, where: str) -> str:
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        raise RecordError(f"{where} {value!r} is not a Textalk uid (a whole number)")
    return str(int(value))


def _address(raw: Mapping[str, Any], *, info: Mapping[str, Any] | None = None) -> Address:
    """The invoice address (with ``info``) or a delivery address, whose one ``name`` is split at its last
    space so that the joined name stays what the buyer typed."""
    fields = {dest: text(raw.get(src), where=f"address.{src}") for src, dest in ADDRESS_FIELDS.items()}
    if info is not None:
        fields["first_name"], fields["last_name"] = (text(raw.get(k), where=f"address.{k}") for k in INVOICE_NAME)
        fields["email"] = text(info.get("email"), where="info.email")
        fields["phone"] = next((p for p in (text(raw.get(k), where=f"address.{k}") for k in PHONE_FIELDS) if p), "")
    else:
        first, _, last = text(raw.get(DELIVERY_NAME), where="deliveryAddress.name").rpartition(" ")
        fields["first_name"], fields["last_name"] = (first, last) if first else (last, "")
    try:
        return Address.from_lines(
            text(raw.get(ADDRESS_STREET), where=f"address.{ADDRESS_STREET}"),
            text(raw.get(ADDRESS_STREET2), where=f"address.{ADDRESS_STREET2}"),
            country=text(raw.get(ADDRESS_COUNTRY), where="address.country") or None,
            **fields,
        )
    except ValueError as exc:
        raise RecordError(str(exc), hint="The address has an unknown country code.") from None


def _uses_invoice_address(delivery: Mapping[str, Any]) -> bool:
    """``copyAddress`` true, or a delivery address with nothing in it."""
    if delivery.get("copyAddress") is True:
        return True
    return not any(v not in (None, "", False) for k, v in delivery.items() if k != "copyAddress")


# --- orders ----------------------------------------------------------------------------------------


def _item(line: Any, index: int, currency: str, language: str) -> OrderItem:
    if not isinstance(line, dict):
        why = (
            line[len("unreadable: ") :]
            if isinstance(line, str) and line.startswith("unreadable: ")
            else f"{str(line)[:80]!r} instead of an order item"
        )
        raise RecordError(
            f"item {index + 1} could not be read ({why})",
            hint="The order item was missing when the order was fetched; the next sync retries.",
        )
    uid = _uid(line.get("uid"), f"item {index + 1}: uid")
    sku = text(line.get("articleNumber"), where=f"item {uid}: articleNumber")
    name = text(line.get("articleName"), language, where=f"item {uid}: articleName") or sku or f"#{uid}"
    where = f"item {name!r}"
    costs = _obj(line, "costs", f"{where}: ")
    total, unit = _cost(costs, "total", currency), _cost(costs, "unit", currency)
    if total.get("incVat") in (None, ""):
        raise RecordError(f"{where} has no price (costs.total.incVat)", hint="The item has no price in Textalk.")
    gross = read_amount(total.get("incVat"), f"{where}: costs.total.incVat")
    unit_gross = (
        None if unit.get("incVat") in (None, "") else read_amount(unit["incVat"], f"{where}: costs.unit.incVat")
    )
    choices = _obj(line, "choices", f"{where}: ")
    quantity = _quantity(choices.get("quantity"), gross, unit_gross, where)
    rate = total.get("vatRate", unit.get("vatRate"))
    attributes = {
        str(k): str(v)
        for k, v in choices.items()
        if k != "quantity" and isinstance(v, (str, int)) and not isinstance(v, bool)
    }
    try:
        return OrderItem(
            external_id=uid,
            title=name,
            quantity=quantity,
            total_price=gross,
            sku=sku,
            unit_price=unit_gross if unit_gross is not None else unit_price(gross, quantity),
            tax_rate=None if rate in (None, "") else (read_amount(rate, f"{where}: vatRate") * 100).normalize(),
            product_external_id="" if line.get("article") in (None, "") else _uid(line["article"], f"{where}: article"),
            attributes=attributes,
        )
    except ValueError as exc:
        raise RecordError(str(exc), hint="An item has an invalid quantity.") from None


def _quantity(value: Any, gross: Decimal, unit: Decimal | None, where: str) -> Decimal:
    """``choices.quantity`` (the documented example ``{"1324567": "789456123", "quantity": 2}``); without
    it, total / unit when that is a whole number (ASSUMED fallback), else the item cannot be read."""
    if value not in (None, ""):
        return read_amount(value, f"{where}: choices.quantity")
    if unit:
        ratio = gross / unit
        if ratio == ratio.to_integral_value() and ratio > 0:
            return ratio.to_integral_value()
    raise RecordError(f"{where} has no quantity (choices.quantity)", hint="Check the order row in Textalk.")


def _fee(cost: Mapping[str, Any], title: str, key: str) -> list[OrderItem]:
    gross = read_amount(cost.get("incVat"), f"costs.{key}.incVat", default=Decimal(0))
    if not gross:
        return []
    return [
        OrderItem(
            external_id=f"{key}-fee",
            title=title,
            quantity=Decimal(1),
            unit_price=gross,
            total_price=gross,
            dont_adjust_stock=True,
        )
    ]


def is_cart(raw: Any) -> bool:
    """An unfinished order: a uid but no 'ordered' date. Anything without a uid goes to the mapper."""
    return isinstance(raw, dict) and raw.get("uid") not in (None, "") and raw.get("ordered") in (None, "")


def order_from_textalk(raw: Any, config: MappingConfig | None = None) -> Order:
    """One placed Textalk order as a domain Order; raises RecordError if it cannot be read."""
    config = config or MappingConfig()
    if not isinstance(raw, dict) or raw.get("uid") in (None, ""):
        raise RecordError("the record is not an order object with a uid")
    return read_record(
        lambda: _order(raw, config),
        also=(OverflowError,),
        hint="Unexpected data in the order; check its currency, dates and items in the Textalk admin.",
    )


def _order(raw: dict[str, Any], config: MappingConfig) -> Order:
    uid = _uid(raw["uid"], "uid")
    created = _when(raw, "ordered")
    if created is None:
        raise RecordError("the order was never placed (no 'ordered' date)", hint="This is a cart, not an order.")
    updated = _when(raw, "changed") or created
    currency = text(raw.get("currency"), where="currency").upper()
    if not currency:
        raise RecordError("the order has no currency", hint="Textalk sent no currency for the order.")
    try:
        currency = check_currency(currency)
    except ValueError as exc:
        raise RecordError(str(exc), hint="Textalk sent an unknown currency code.") from None
    costs = _obj(raw, "costs", "")
    total_cost = _cost(costs, "total", currency)
    if total_cost.get("incVat") in (None, ""):
        raise RecordError("the order has no total (costs.total.incVat)", hint="Check the order in Textalk.")
    items_raw = raw.get("items")
    if items_raw is None:
        items_raw = []
    if not isinstance(items_raw, list):
        raise RecordError(f"items is {type(items_raw).__name__}, not a list")
    items = [_item(line, i, currency, config.language) for i, line in enumerate(items_raw)]
    items += _fee(_cost(costs, "payment", currency), "Payment fee", "payment")
    customer = _obj(raw, "customer", "")
    info = _obj(customer, "info", "customer.")
    invoice = _address(_obj(customer, "address", "customer."), info=info)
    delivery_raw = _obj(customer, "deliveryAddress", "customer.")
    shipping = invoice if _uses_invoice_address(delivery_raw) else _address(delivery_raw)
    discarded = raw.get("discarded")
    if discarded not in (None, True, False):
        raise RecordError(f"discarded is {discarded!r}, not true or false")
    key = status_key(
        bool(discarded),
        text(raw.get("paymentStatus"), where="paymentStatus"),
        text(raw.get("deliveryStatus"), where="deliveryStatus"),
    )
    tags = raw.get("tags") or []
    if not isinstance(tags, list):
        raise RecordError(f"tags is {type(tags).__name__}, not a list")
    note = text(raw.get("note"), where="note")
    return Order(
        external_id=uid,
        number=text(raw.get("orderNumber"), where="orderNumber") or uid,
        state=config.statuses.state_for(key),
        currency=currency,
        created_at=created,
        updated_at=updated,
        total=read_amount(total_cost.get("incVat"), "costs.total.incVat"),
        items=items,
        buyer=Buyer(
            external_id=text(info.get("customerNumber"), where="info.customerNumber"),
            email=invoice.email,
            first_name=invoice.first_name,
            last_name=invoice.last_name,
            phone=invoice.phone,
        ),
        invoice_address=invoice,
        shipping_address=shipping,
        shipping_cost=read_amount(
            _cost(costs, "shipment", currency).get("incVat"), "costs.shipment.incVat", default=Decimal(0)
        ),
        tax_total=read_amount(total_cost.get("vat"), "costs.total.vat", default=Decimal(0)),
        comments=[Comment(note, author="Textalk admin")] if note else [],
        tags=[text(t, where="tag") for t in tags if text(t, where="tag")],
        channel_status=key,
    )


def orders_from_textalk(records: Iterable[Any], config: MappingConfig | None = None) -> MappedPage:
    """Every record is mapped, quarantined with its reason, or (a cart) listed in ``carts``."""
    page = MappedPage()
    for raw in records:
        if is_cart(raw):
            page.carts.append(str(raw.get("uid")))
            continue
        try:
            page.orders.append(order_from_textalk(raw, config))
        except RecordError as exc:
            page.quarantined.append(quarantine(raw, exc))
    return page


def quarantine(raw: Any, exc: RecordError) -> Quarantined:
    number = raw.get("orderNumber") if isinstance(raw, dict) else None
    ident = raw.get("uid") if isinstance(raw, dict) else None
    record = {**raw, "id": ident} if isinstance(raw, dict) and ident not in (None, "") else raw
    entry = quarantine_record(record, exc, label=f"Textalk order {number}" if number else "")
    entry.raw = raw
    return entry
