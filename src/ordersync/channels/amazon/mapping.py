"""Amazon orders (ordersV0 ``Order`` + its ``OrderItem`` list) → ``domain.Order``; pure functions.

Fields as ordersV0.json defines them: ``AmazonOrderId``, ``PurchaseDate``/``LastUpdateDate`` (ISO 8601 UTC),
``OrderStatus`` (Pending, Unshipped, PartiallyShipped, Shipped, Canceled, Unfulfillable, InvoiceUnconfirmed,
PendingAvailability), ``FulfillmentChannel`` (MFN | AFN), ``OrderTotal`` (Money ``{CurrencyCode, Amount}``,
Amount a decimal string), ``IsBusinessOrder``/``IsPrime``/``IsPremiumOrder``, ``MarketplaceId``,
``SalesChannel``, ``ShipmentServiceLevelCategory``, ``ShippingAddress`` (Address: Name, AddressLine1–3, City, PostalCode, CountryCode, Phone…),
``BuyerInfo`` (BuyerEmail, BuyerName). Items: ``OrderItemId``, ``SellerSKU``, ``ASIN``, ``Title``,
``QuantityOrdered``, ``QuantityShipped``, ``ItemPrice`` (the line's price: unit price × quantity),
``ItemTax``, ``ShippingPrice``, ``ShippingTax``, ``ShippingDiscount(Tax)``, ``PromotionDiscount(Tax)``,
``PromotionIds``, ``BuyerRequestedCancel{IsBuyerRequestedCancel, BuyerCancelReason}``.

Amazon's own rules the mapper keeps: a Pending order carries no prices yet (amounts 0 in the marketplace's
currency until it turns Unshipped); name, street and phone of the address are restricted data, present only
when read with a Restricted Data Token — without them the order is stored with the non-restricted parts
(city, postal code, country) and tagged ``address-withheld``; AFN orders are tagged ``FBA`` (Amazon ships
them; the hub pushes no shipment for them).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ordersync.channels.sdk.errors import RecordError
from ordersync.channels.sdk.mapping import map_records, plain_text, read_amount, read_record, unit_price
from ordersync.channels.sdk.records import Quarantined
from ordersync.domain import Address, Buyer, Order, OrderItem, OrderState
from ordersync.domain.money import check_currency
from ordersync.domain.timeutil import parse_utc

from .marketplaces import CURRENCIES

STATES = {
    "Pending": OrderState.ORDERED,
    "PendingAvailability": OrderState.ORDERED,
    "Unshipped": OrderState.PAID,
    "PartiallyShipped": OrderState.PARTIALLY_SHIPPED,
    "Shipped": OrderState.SHIPPED,
    "InvoiceUnconfirmed": OrderState.SHIPPED,
    "Canceled": OrderState.CANCELLED,
    "Unfulfillable": OrderState.CANCELLED,
}
WITHHELD = "address-withheld"
#: an item carries ``BuyerRequestedCancel.IsBuyerRequestedCancel == "true"``: the buyer asked to cancel
CANCEL_REQUESTED = "cancel-requested"
ZERO = Decimal(0)


def _time(value: Any, where: str) -> datetime:
    if not isinstance(value, str) or not value:
        raise RecordError(f"{where} is missing", hint="Amazon sent an order without its dates.")
    return parse_utc(value)


def _money(value: Any, where: str, currency: str) -> Decimal:
    """A Money object's amount; absent is 0. A currency other than the order's is refused."""
    if value is None:
        return ZERO
    if not isinstance(value, dict):
        raise RecordError(f"{where} is not a Money object")
    code = value.get("CurrencyCode")
    if code and code != currency:
        raise RecordError(f"{where} is in {code}, the order in {currency}", hint="Mixed currencies in one order.")
    return read_amount(value.get("Amount"), where, default=ZERO)


def _currency(raw: dict[str, Any], items: list[dict[str, Any]]) -> str:
    for money in [raw.get("OrderTotal"), *(i.get("ItemPrice") for i in items)]:
        if isinstance(money, dict) and money.get("CurrencyCode"):
            return check_currency(str(money["CurrencyCode"]))
    code = CURRENCIES.get(str(raw.get("MarketplaceId")))
    if code is None:
        raise RecordError(
            f"order {raw.get('AmazonOrderId')}: no amount names a currency and the marketplace "
            f"{raw.get('MarketplaceId')!r} is unknown"
        )
    return code


def _item(raw: dict[str, Any], n: int, currency: str) -> tuple[OrderItem, Decimal, Decimal]:
    """The line, its share of the shipping and its tax (item and shipping, net of discounts)."""
    where = f"item {n} ({raw.get('OrderItemId') or raw.get('SellerSKU') or '?'})"
    if not raw.get("OrderItemId"):
        raise RecordError(f"{where}: OrderItemId is missing")
    quantity = raw.get("QuantityOrdered")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
        raise RecordError(f"{where}: QuantityOrdered {quantity!r} is not a whole number ≥ 0")
    m = lambda key: _money(raw.get(key), f"{where} {key}.Amount", currency)  # noqa: E731
    line = m("ItemPrice") - m("PromotionDiscount")
    shipping = m("ShippingPrice") - m("ShippingDiscount")
    tax = m("ItemTax") - m("PromotionDiscountTax") + m("ShippingTax") - m("ShippingDiscountTax")
    qty = Decimal(quantity)
    attributes = {"ASIN": plain_text(raw.get("ASIN"))}
    if raw.get("PromotionIds"):
        attributes["promotions"] = ", ".join(map(str, raw["PromotionIds"]))
    if m("PromotionDiscount"):
        attributes["promotion_discount"] = str(m("PromotionDiscount"))
    if raw.get("QuantityShipped"):
        attributes["quantity_shipped"] = str(raw["QuantityShipped"])
    net = m("ItemPrice") - m("ItemTax")
    rate = (m("ItemTax") / net * 100).quantize(Decimal("0.1")) if net > 0 and m("ItemTax") else None
    item = OrderItem(
        external_id=str(raw["OrderItemId"]),
        title=plain_text(raw.get("Title")) or plain_text(raw.get("SellerSKU")),
        quantity=qty,
        unit_price=unit_price(line, qty),
        total_price=line,
        sku=plain_text(raw.get("SellerSKU")),
        product_external_id=plain_text(raw.get("SellerSKU")),
        tax_rate=rate,
        attributes=attributes,
    )
    return item, shipping, tax


def _address(raw: Any, email: str = "") -> tuple[Address, bool]:
    """The shipping address and whether its restricted parts were withheld."""
    if not isinstance(raw, dict):
        return Address(), True
    name = plain_text(raw.get("Name"))
    first, _, last = name.rpartition(" ") if " " in name else ("", "", name)
    lines = [plain_text(raw.get(k)) for k in ("AddressLine1", "AddressLine2", "AddressLine3")]
    fields: dict[str, Any] = {
        "first_name": first,
        "last_name": last,
        "company": plain_text(raw.get("CompanyName")),
        "zip": plain_text(raw.get("PostalCode")),
        "city": plain_text(raw.get("City")),
        "state": plain_text(raw.get("StateOrRegion")),
        "country": plain_text(raw.get("CountryCode")) or None,
        "phone": plain_text(raw.get("Phone")),
        "email": email,
    }
    address = Address.from_lines(lines[0], " ".join(x for x in lines[1:] if x), **fields)
    return address, not (name and lines[0])


def _order(raw: dict[str, Any], items: list[dict[str, Any]]) -> Order:
    oid = str(raw["AmazonOrderId"])
    status = str(raw.get("OrderStatus") or "")
    if status not in STATES:
        raise RecordError(f"order {oid}: OrderStatus {status!r} is not one Amazon documents")
    broken = [n for n, item in enumerate(items, 1) if not isinstance(item, dict)]
    if broken:
        raise RecordError(f"order {oid}: item {broken[0]} is not an OrderItem object")
    currency = _currency(raw, items)
    lines, shipping, tax = [], ZERO, ZERO
    for n, item in enumerate(items, 1):
        line, ship, line_tax = _item(item, n, currency)
        lines.append(line)
        shipping, tax = shipping + ship, tax + line_tax
    computed = sum((i.total_price for i in lines), ZERO) + shipping
    total = _money(raw.get("OrderTotal"), "OrderTotal.Amount", currency) if raw.get("OrderTotal") else computed
    info = raw.get("BuyerInfo")
    buyer_info: dict[str, Any] = info if isinstance(info, dict) else {}
    email = plain_text(buyer_info.get("BuyerEmail"))
    address, withheld = _address(raw.get("ShippingAddress"), email)
    tags = [plain_text(raw.get("SalesChannel")) or str(raw.get("MarketplaceId") or "")]
    if raw.get("FulfillmentChannel") == "AFN":
        tags.append("FBA")
    tags += [
        flag
        for key, flag in (("IsBusinessOrder", "Business"), ("IsPrime", "Prime"), ("IsPremiumOrder", "Premium"))
        if raw.get(key) is True
    ]
    level = plain_text(raw.get("ShipmentServiceLevelCategory"))
    if level and level != "Standard":  # Expedited, NextDay, SameDay, SecondDay, Scheduled, FreeEconomy
        tags.append(level)
    if withheld:
        tags.append(WITHHELD)
    cancel_reasons = [
        str((i.get("BuyerRequestedCancel") or {}).get("BuyerCancelReason") or "").strip()
        for i in items
        if isinstance(i.get("BuyerRequestedCancel"), dict)
        and str(i["BuyerRequestedCancel"].get("IsBuyerRequestedCancel")).lower() == "true"
    ]
    if cancel_reasons:
        tags.append(CANCEL_REQUESTED)
    buyer_name = plain_text(buyer_info.get("BuyerName"))
    first, _, last = buyer_name.rpartition(" ") if " " in buyer_name else ("", "", buyer_name)
    created = _time(raw.get("PurchaseDate"), "PurchaseDate")
    state = STATES[status]
    method = plain_text(raw.get("PaymentMethod"))
    return Order(
        external_id=oid,
        number=oid,
        state=state,
        currency=currency,
        created_at=created,
        updated_at=_time(raw.get("LastUpdateDate"), "LastUpdateDate"),
        total=total,
        items=lines,
        paid_at=created if state not in (OrderState.ORDERED, OrderState.CANCELLED) else None,
        buyer=Buyer(external_id=email, email=email, first_name=first, last_name=last),
        invoice_address=address if not withheld else Address(country=address.country),
        shipping_address=address,
        shipping_cost=shipping,
        tax_total=tax,
        payment_method=method,
        channel_status=status,
        tags=[t for t in tags if t],
        buyer_note="; ".join(r for r in cancel_reasons if r),
    )


def order_from_amazon(raw: Any) -> Order:
    """``raw`` is ``{"order": <Order>, "items": [<OrderItem>…]}`` as the connector read them."""
    if not isinstance(raw, dict) or not isinstance(raw.get("order"), dict) or not raw["order"].get("AmazonOrderId"):
        raise RecordError("the record is not an Amazon order with an AmazonOrderId")
    items = raw.get("items")
    if not isinstance(items, list):
        raise RecordError(f"order {raw['order']['AmazonOrderId']}: its items could not be read")
    return read_record(
        lambda: _order(raw["order"], items),
        also=(AttributeError,),
        hint="Unexpected data in the order; open it in Seller Central.",
    )


def quarantine(raw: Any, exc: RecordError) -> Quarantined:
    order = raw.get("order") if isinstance(raw, dict) else None
    ident = order.get("AmazonOrderId") if isinstance(order, dict) else None
    return Quarantined(
        external_id=str(ident or "unknown"), raw=raw, reason=str(exc), hint=(exc.hint + " (Amazon order)").strip()
    )


def orders_from_amazon(records: list[Any]) -> tuple[list[Order], list[Quarantined]]:
    return map_records(records, order_from_amazon, quarantine)
