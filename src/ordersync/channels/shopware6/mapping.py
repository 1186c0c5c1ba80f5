"""Shopware 6 Admin API records → domain orders and articles. Pure functions, no I/O.

Field names from the vendor's OpenAPI (``adminapi.json``, schemas ``Order``, ``OrderLineItem``,
``OrderDelivery``, ``OrderTransaction``, ``OrderAddress``, ``OrderCustomer``, ``Currency``, ``Product``):

* money: ``amountTotal``, ``shippingTotal``, line ``price.unitPrice``/``price.totalPrice`` are JSON numbers in
  the order's currency, whose ISO code is ``currency.isoCode`` (the ``currency`` association; the order has
  only ``currencyId`` otherwise). Taxes: ``price.calculatedTaxes`` entries ``{tax, taxRate, price}``; the
  spec types the collection as an object (keyed by rate), Shopware's JSON shows a list: both are read.
* times: ``orderDateTime``, ``createdAt``, ``updatedAt`` are ISO 8601 with zone; ``updatedAt`` is null until
  the order is changed the first time, so the creation time stands in for it.
* line items: ``type`` product | promotion | discount | credit | custom | container; ``payload.productNumber``
  is the SKU of a product line; ``productId`` the product (or variant) id. Lines with a ``parentId`` belong
  to a container line and are not sold on their own. Only product lines move stock.
* states: ``stateMachineState.technicalName`` of the order, of its deliveries and of its transactions (see
  ``states.py``); tracking numbers: ``deliveries[].trackingCodes``; carrier: ``shippingMethod.name``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ...domain import Address, Buyer, Order, OrderItem, Payment, Shipment
from ...domain.timeutil import parse_utc
from ..sdk.errors import RecordError
from ..sdk.mapping import map_records, plain_text, quarantine_record, read_amount, read_record, sub_object
from ..sdk.records import Quarantined
from .states import StateMap

HINT = "Unexpected data in the order; open it in the Shopware administration (Orders)."
STOCK_TYPES = frozenset({"product"})


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{where} is not a list", hint=HINT)
    return value


def _taxes(price: Any) -> list[dict[str, Any]]:
    taxes = price.get("calculatedTaxes") if isinstance(price, dict) else None
    if isinstance(taxes, dict):
        taxes = list(taxes.values())
    return [t for t in taxes or [] if isinstance(t, dict)]


def _time(value: Any, where: str):
    try:
        return parse_utc(str(value))
    except ValueError as exc:
        raise RecordError(f"{where}: {exc}", hint=HINT) from None


def state_name(record: Any) -> str:
    state = record.get("stateMachineState") if isinstance(record, dict) else None
    return plain_text(state.get("technicalName")) if isinstance(state, dict) else ""


def primary(order: dict[str, Any], key: str, primary_key: str) -> dict[str, Any] | None:
    """The delivery or transaction that counts: the one the order names as primary (6.7), else for
    transactions the newest (Shopware adds one per payment attempt), for deliveries the first."""
    records = [r for r in order.get(key) or [] if isinstance(r, dict)]
    chosen = next((r for r in records if r.get("id") and r.get("id") == order.get(primary_key)), None)
    if chosen is None and records:
        chosen = max(records, key=lambda r: str(r.get("createdAt") or "")) if key == "transactions" else records[0]
    return chosen


def order_states(order: dict[str, Any]) -> dict[str, str]:
    return {
        "order": state_name(order),
        "order_transaction": state_name(primary(order, "transactions", "primaryOrderTransactionId")),
        "order_delivery": state_name(primary(order, "deliveries", "primaryOrderDeliveryId")),
    }


def _address(raw: Any, email: str = "") -> Address:
    if not isinstance(raw, dict):
        return Address()
    country = raw.get("country")
    iso = plain_text(country.get("iso")) if isinstance(country, dict) else ""
    return Address.from_lines(
        plain_text(raw.get("street")),
        plain_text(raw.get("additionalAddressLine1")),
        first_name=plain_text(raw.get("firstName")),
        last_name=plain_text(raw.get("lastName")),
        company=plain_text(raw.get("company")),
        zip=plain_text(raw.get("zipcode")),
        city=plain_text(raw.get("city")),
        country=iso or None,
        phone=plain_text(raw.get("phoneNumber")),
        email=email,
    )


def _item(raw: Any, n: int) -> OrderItem:
    where = f"lineItems[{n}]"
    if not isinstance(raw, dict):
        raise RecordError(f"{where} is not an object", hint=HINT)
    quantity = raw.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise RecordError(f"{where}: quantity {quantity!r} is not a positive whole number", hint=HINT)
    price = sub_object(raw, "price")
    total = read_amount(price.get("totalPrice", raw.get("totalPrice")), f"{where}.price.totalPrice")
    unit = read_amount(price.get("unitPrice", raw.get("unitPrice")), f"{where}.price.unitPrice")
    kind = plain_text(raw.get("type")) or "product"
    payload = sub_object(raw, "payload")
    taxes = _taxes(price)
    rate = read_amount(taxes[0].get("taxRate"), f"{where}.price.calculatedTaxes.taxRate") if taxes else None
    return OrderItem(
        external_id=plain_text(raw.get("id")) or f"{n}",
        title=plain_text(raw.get("label")),
        quantity=Decimal(quantity),
        unit_price=unit,
        total_price=total,
        sku=plain_text(payload.get("productNumber")) if kind == "product" else "",
        tax_rate=rate,
        product_external_id=plain_text(raw.get("productId")) if kind == "product" else "",
        attributes={"type": kind} if kind != "product" else {},
        dont_adjust_stock=kind not in STOCK_TYPES,
    )


def _order(raw: dict[str, Any], states: StateMap) -> Order:
    currency = raw.get("currency")
    iso = plain_text(currency.get("isoCode")) if isinstance(currency, dict) else ""
    if not iso:
        raise RecordError("currency.isoCode is missing (the currency association was not loaded)", hint=HINT)
    created = _time(raw.get("orderDateTime") or raw.get("createdAt"), "orderDateTime")
    updated = (
        _time(raw["updatedAt"], "updatedAt")
        if raw.get("updatedAt")
        else _time(raw.get("createdAt") or raw.get("orderDateTime"), "createdAt")
    )
    lines = [
        (n, r)
        for n, r in enumerate(_list(raw.get("lineItems"), "lineItems"))
        if not (isinstance(r, dict) and r.get("parentId"))
    ]
    items = [_item(r, n) for n, r in lines]
    price = sub_object(raw, "price")
    tax = sum((read_amount(t.get("tax"), "price.calculatedTaxes.tax") for t in _taxes(price)), Decimal(0))
    shipping = raw.get("shippingTotal")
    if shipping is None and isinstance(raw.get("shippingCosts"), dict):
        shipping = raw["shippingCosts"].get("totalPrice")
    customer = sub_object(raw, "orderCustomer")
    email = plain_text(customer.get("email"))
    addresses = {a.get("id"): a for a in _list(raw.get("addresses"), "addresses") if isinstance(a, dict)}
    billing = raw.get("billingAddress") or addresses.get(raw.get("billingAddressId"))
    delivery = primary(raw, "deliveries", "primaryOrderDeliveryId")
    shipping_address = delivery.get("shippingOrderAddress") if delivery else None
    transaction = primary(raw, "transactions", "primaryOrderTransactionId")
    method = transaction.get("paymentMethod") if transaction else None
    method = method if isinstance(method, dict) else {}
    method_name = plain_text(method.get("distinguishableName") or method.get("name"))
    payments = []
    for n, t in enumerate(_list(raw.get("transactions"), "transactions")):
        if isinstance(t, dict) and state_name(t) in ("paid", "paid_partially"):
            amount = sub_object(t, "amount")
            payments.append(
                Payment(
                    method=method_name,
                    amount=read_amount(amount.get("totalPrice"), f"transactions[{n}].amount.totalPrice"),
                    transaction_id=plain_text(t.get("id")),
                )
            )
    shipments = []
    for d in _list(raw.get("deliveries"), "deliveries"):
        if not isinstance(d, dict):
            continue
        carrier = sub_object(d, "shippingMethod")
        for code in d.get("trackingCodes") or []:
            shipments.append(Shipment(carrier=plain_text(carrier.get("name")), tracking_number=plain_text(code)))
    shown = order_states(raw)
    return Order(
        external_id=str(raw["id"]),
        number=plain_text(raw.get("orderNumber")) or str(raw["id"]),
        state=states.state_for(shown),
        currency=iso,
        created_at=created,
        updated_at=updated,
        total=read_amount(raw.get("amountTotal", price.get("totalPrice")), "amountTotal"),
        items=items,
        buyer=Buyer(
            external_id=plain_text(customer.get("customerId")),
            email=email,
            first_name=plain_text(customer.get("firstName")),
            last_name=plain_text(customer.get("lastName")),
        ),
        invoice_address=_address(billing, email),
        shipping_address=_address(shipping_address or billing, email),
        shipping_cost=read_amount(shipping, "shippingTotal", default=Decimal(0)),
        tax_total=tax,
        payment_method=method_name,
        payments=payments,
        shipments=shipments,
        channel_status="/".join(shown[e] or "-" for e in ("order", "order_transaction", "order_delivery")),
        buyer_note=plain_text(raw.get("customerComment")),
    )


def order_from_shopware6(raw: Any, states: StateMap) -> Order:
    if not isinstance(raw, dict) or raw.get("id") in (None, ""):
        raise RecordError("the record is not an order object with an id", hint=HINT)
    return read_record(lambda: _order(raw, states), hint=HINT)


def quarantine(raw: Any, exc: RecordError) -> Quarantined:
    number = raw.get("orderNumber") if isinstance(raw, dict) else None
    return quarantine_record(raw, exc, label=f"Shopware order {number}" if number else "Shopware order")


def orders_from_shopware6(records: Iterable[Any], states: StateMap) -> tuple[list[Order], list[Quarantined]]:
    return map_records(records, lambda raw: order_from_shopware6(raw, states), quarantine)
