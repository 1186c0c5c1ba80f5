"""Magento 2 sales order JSON (``sales-data-order-interface`` of the admin schema) → domain Order. Pure functions.

Facts relied on [admin schema 2.4.9 unless said otherwise]:

* ids: ``entity_id`` (the API id) and ``increment_id`` (the order number the buyer sees);
* times ``created_at``/``updated_at`` come as ``YYYY-MM-DD HH:MM:SS`` without a zone; Magento keeps sales
  dates in UTC and converts only for display [Adobe docs on time zones / the Sales module; the schema says
  only "timestamp"], so they are read with ``assume_utc``;
* money: ``grand_total``, ``tax_amount``, ``shipping_incl_tax`` and the items' amounts are in
  ``order_currency_code``; the ``base_*`` twins are the base currency, not used here;
* items: a configurable product appears as a parent (``product_type`` "configurable", with price, tax and the
  chosen simple's SKU) and a child (the simple, ``parent_item_id`` set, price 0). They are folded into ONE
  line: the parent's money and item id (which the ship call expects), the child's product id as the variant.
  A bundle's parts are children too, and in Adobe's own example order (REST order tutorial, step 7) they
  carry prices that add up to the bundle's (68 = 27 + 5 + 17 + 19) while ``grand_total`` counts the bundle
  once: parts are folded into the bundle's line as well (listed in its attributes), never lines of their own;
* billing address at ``billing_address``; the shipping address only in
  ``extension_attributes.shipping_assignments[0].shipping.address`` (virtual orders have none: the billing
  address stands in); ``street`` is a list of lines;
* ``status`` (configurable labels) within ``state`` (fixed: new, pending_payment, processing, complete,
  closed, canceled, holded, payment_review). The hub state is read from ``state`` plus the amounts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from ...domain import Address, Buyer, Comment, Order, OrderItem, OrderState, Payment
from ...domain.money import check_currency
from ...domain.timeutil import parse_utc
from ..sdk.errors import RecordError
from ..sdk.mapping import map_records, plain_text, read_amount, read_record, unit_price
from ..sdk.records import Quarantined

ID, NUMBER, STATE, STATUS = "entity_id", "increment_id", "state", "status"
CREATED, UPDATED, CURRENCY = "created_at", "updated_at", "order_currency_code"
TOTAL, TAX, SHIPPING, PAID = "grand_total", "tax_amount", "shipping_incl_tax", "total_paid"
ITEMS, ITEM_ID, PARENT_ID, TYPE = "items", "item_id", "parent_item_id", "product_type"
QTY, QTY_SHIPPED = "qty_ordered", "qty_shipped"
ROW_GROSS, DISCOUNT, TAX_PERCENT = "row_total_incl_tax", "discount_amount", "tax_percent"
BILLING, EXTENSION, ASSIGNMENTS = "billing_address", "extension_attributes", "shipping_assignments"
HISTORY = "status_histories"
CONFIGURABLE = "configurable"  # its one child is the chosen variant; a bundle's children are its parts

#: Magento order states → hub states ("processing" is refined by the amounts and shipped quantities)
STATES = {
    "new": OrderState.ORDERED,
    "pending_payment": OrderState.ORDERED,
    "payment_review": OrderState.ORDERED,
    "holded": OrderState.ORDERED,
    "processing": OrderState.CONFIRMED,
    "complete": OrderState.SHIPPED,
    "closed": OrderState.CANCELLED,
    "canceled": OrderState.CANCELLED,
}
HINT = "Unexpected data in the order; open it in the Magento admin (Sales → Orders)."


def _when(raw: Mapping[str, Any], key: str) -> datetime:
    try:
        return parse_utc(plain_text(raw.get(key)), where=key, assume_utc=True)  # UTC, see module docstring
    except ValueError as exc:
        raise RecordError(str(exc), hint="Magento sent a date that is not a date.") from None


def _object(raw: Any, where: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise RecordError(f"{where} is {type(raw).__name__}, not an object", hint=HINT)
    return raw


def address(raw: Any, where: str) -> Address:
    raw = _object(raw, where)
    if not raw:
        return Address()
    street = raw.get("street") or []
    lines = [plain_text(s) for s in (street if isinstance(street, list) else [street])]
    try:
        return Address.from_lines(
            lines[0] if lines else "",
            ", ".join(x for x in lines[1:] if x),
            first_name=plain_text(raw.get("firstname")),
            last_name=plain_text(raw.get("lastname")),
            company=plain_text(raw.get("company")),
            zip=plain_text(raw.get("postcode")),
            city=plain_text(raw.get("city")),
            state=plain_text(raw.get("region")),
            country=plain_text(raw.get("country_id")) or None,
            email=plain_text(raw.get("email")),
            phone=plain_text(raw.get("telephone")),
        )
    except ValueError as exc:
        raise RecordError(f"{where}: {exc}", hint="The address has an unknown country code.") from None


def shipping_address(raw: Mapping[str, Any]) -> Any:
    assignments = _object(raw.get(EXTENSION), EXTENSION).get(ASSIGNMENTS) or []
    if not isinstance(assignments, list) or not assignments:
        return None
    return _object(_object(assignments[0], "shipping assignment").get("shipping"), "shipping").get("address")


def lines(raw_items: Any) -> list[OrderItem]:
    """The order's lines with configurable parent/child pairs folded into one."""
    if not isinstance(raw_items, list) or not raw_items:
        raise RecordError("the order has no items list", hint=HINT)
    items = [_object(i, f"item {n + 1}") for n, i in enumerate(raw_items)]
    by_id = {str(i.get(ITEM_ID)): i for i in items}
    children: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        if item.get(PARENT_ID) not in (None, ""):
            if str(item.get(PARENT_ID)) not in by_id:
                raise RecordError(
                    f"item {item.get(ITEM_ID)}: its parent item {item.get(PARENT_ID)} is not in the order", hint=HINT
                )
            children.setdefault(str(item.get(PARENT_ID)), []).append(item)
    out = []
    for n, item in enumerate(items):
        where = f"item {n + 1} ({plain_text(item.get('sku')) or 'no SKU'})"
        if item.get(PARENT_ID) not in (None, ""):
            continue  # folded into its parent's line
        quantity = read_amount(item.get(QTY), f"{where}: {QTY}")
        if quantity <= 0:
            raise RecordError(f"{where}: {QTY} {quantity} is not positive", hint=HINT)
        total = read_amount(item.get(ROW_GROSS), f"{where}: {ROW_GROSS}") - read_amount(
            item.get(DISCOUNT), f"{where}: {DISCOUNT}", default=Decimal(0)
        )
        parts = children.get(str(item.get(ITEM_ID)), [])
        child = parts[0] if item.get(TYPE) == CONFIGURABLE and parts else None
        attributes = {"variant": plain_text(child.get("name"))} if child and child.get("name") else {}
        if parts and child is None:
            attributes["parts"] = ", ".join(f"{plain_text(p.get('sku'))} x{plain_text(p.get(QTY))}" for p in parts)
        rate = item.get(TAX_PERCENT)
        out.append(
            OrderItem(
                external_id=plain_text(item.get(ITEM_ID)) or str(n + 1),
                title=plain_text(item.get("name")),
                quantity=quantity,
                unit_price=unit_price(total, quantity),
                total_price=total,
                sku=plain_text((child or item).get("sku")),
                tax_rate=read_amount(rate, f"{where}: {TAX_PERCENT}") if rate not in (None, "") else None,
                product_external_id=plain_text(item.get("product_id")),
                variant_external_id=plain_text(child.get("product_id")) if child else "",
                attributes=attributes,
            )
        )
    return out


def hub_state(raw: Mapping[str, Any], items: list[OrderItem]) -> OrderState:
    state = plain_text(raw.get(STATE))
    if state not in STATES:
        raise RecordError(f"{STATE} {state!r} is not a Magento order state", hint=HINT)
    if state != "processing":
        return STATES[state]
    shipped = [
        read_amount(i.get(QTY_SHIPPED), QTY_SHIPPED, default=Decimal(0))
        for i in raw.get(ITEMS) or []
        if isinstance(i, dict) and not i.get(PARENT_ID)
    ]
    if any(q > 0 for q in shipped):
        return OrderState.PARTIALLY_SHIPPED
    total = read_amount(raw.get(TOTAL), TOTAL)
    paid = read_amount(raw.get(PAID), PAID, default=Decimal(0))
    return OrderState.PAID if total and paid >= total else OrderState.CONFIRMED


def order_from_magento2(raw: Any) -> Order:
    if not isinstance(raw, dict) or raw.get(ID) in (None, ""):
        raise RecordError("the record is not an order object with an entity_id", hint=HINT)
    return read_record(lambda: _order(raw), hint=HINT)


def _order(raw: dict[str, Any]) -> Order:
    try:
        currency = check_currency(plain_text(raw.get(CURRENCY)).upper())
    except ValueError as exc:
        raise RecordError(f"{CURRENCY}: {exc}", hint="Magento sent an unknown currency code.") from None
    items = lines(raw.get(ITEMS))
    invoice = address(raw.get(BILLING), BILLING)
    shipping = shipping_address(raw)
    paid = read_amount(raw.get(PAID), PAID, default=Decimal(0))
    payment = _object(raw.get("payment"), "payment")
    history = found if isinstance(found := raw.get(HISTORY), list) else []
    return Order(
        external_id=plain_text(raw[ID]),
        number=plain_text(raw.get(NUMBER)) or plain_text(raw[ID]),
        state=hub_state(raw, items),
        currency=currency,
        created_at=_when(raw, CREATED),
        updated_at=_when(raw, UPDATED),
        total=read_amount(raw.get(TOTAL), TOTAL),
        items=items,
        buyer=Buyer(
            external_id=plain_text(raw.get("customer_id")),
            email=plain_text(raw.get("customer_email")),
            first_name=plain_text(raw.get("customer_firstname")),
            last_name=plain_text(raw.get("customer_lastname")),
        ),
        invoice_address=invoice,
        shipping_address=address(shipping, "shipping address") if shipping else invoice,
        shipping_cost=read_amount(raw.get(SHIPPING), SHIPPING, default=Decimal(0)),
        tax_total=read_amount(raw.get(TAX), TAX, default=Decimal(0)),
        payment_method=plain_text(payment.get("method")),
        payments=[Payment(plain_text(payment.get("method")), paid)] if paid > 0 else [],
        comments=[
            Comment(
                plain_text(h.get("comment")),
                to_customer=bool(h.get("is_customer_notified")),
                created_at=_when(h, CREATED) if h.get(CREATED) else None,
            )
            for h in history
            if isinstance(h, dict) and plain_text(h.get("comment"))
        ],
        channel_status=plain_text(raw.get(STATUS)),
        buyer_note=plain_text(raw.get("customer_note")),
    )


def quarantine(raw: Any, exc: RecordError) -> Quarantined:
    ident = raw.get(ID) if isinstance(raw, dict) else None
    if ident in (None, ""):
        ident = "sha256:" + hashlib.sha256(repr(raw).encode()).hexdigest()[:16]
    number = raw.get(NUMBER) if isinstance(raw, dict) else None
    label = f" (Magento order #{number})" if number else " (Magento order)"
    return Quarantined(external_id=str(ident), raw=raw, reason=str(exc), hint=(exc.hint + label).strip())


def orders_from_magento2(records: Iterable[Any]) -> tuple[list[Order], list[Quarantined]]:
    """Every record mapped or quarantined with its reason."""
    return map_records(records, order_from_magento2, quarantine)
