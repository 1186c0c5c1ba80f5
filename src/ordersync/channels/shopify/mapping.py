"""Shopify GraphQL order and product records ⇄ domain objects. Pure functions: no I/O.

How Shopify's fields are read:

* Money: every amount is a ``MoneyBag``; the shop currency (``shopMoney``) is used throughout, the currency
  the seller books in. Amounts are strings of Shopify's ``Decimal`` scalar and become ``Decimal``.
* Prices: a line is ``originalUnitPriceSet`` × quantity minus its ``discountAllocations`` (every discount,
  line- or order-level, allocated to that line), so items plus shipping add up to the order total.
  (``discountedTotalSet`` leaves code discounts out by default and is not used.) Whether prices include tax depends on
  ``taxesIncluded``: if not, the line's tax lines are added, so item prices are always gross as in Billbee.
* Quantities: ``currentQuantity`` (after edits and refunds), except in a cancelled or refunded order,
  which keeps the ``quantity`` ordered.
* Timestamps: ISO 8601 with offset, read as aware UTC.
* Ids: Shopify's global ids (``gid://shopify/Order/123``) are the external ids, the order's ``name``
  (``#1001``) its number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, overload

from ...domain import (
    Address,
    Article,
    ArticleVariant,
    Buyer,
    Order,
    OrderItem,
    Payment,
    Refund,
    Shipment,
    to_decimal,
)
from ...domain.timeutil import parse_utc
from ..sdk.errors import RecordError
from ..sdk.mapping import CENT, map_records, plain_text, quarantine_record, read_record, sub_object, unit_price
from ..sdk.records import Quarantined
from .statuses import StatusMap

_PAYMENT_KINDS = ("SALE", "CAPTURE")


@overload
def _time(value: Any, where: str, *, required: Literal[True]) -> datetime: ...
@overload
def _time(value: Any, where: str, *, required: bool = False) -> datetime | None: ...
def _time(value: Any, where: str, *, required: bool = False) -> datetime | None:
    if not value:
        if required:
            raise RecordError(f"{where} is missing", hint="Shopify sent the order without this timestamp.")
        return None
    try:
        return parse_utc(str(value), where=where)
    except ValueError as exc:
        raise RecordError(str(exc), hint="Shopify sent a malformed timestamp.") from None


def money(bag: Any, where: str, *, default: Decimal | None = Decimal(0)) -> Decimal:
    """The shop-currency amount of a MoneyBag."""
    amount = (bag or {}).get("shopMoney", {}).get("amount") if isinstance(bag, dict) else None
    if amount in (None, ""):
        if default is None:
            raise RecordError(f"{where} is missing", hint="Shopify sent no amount.")
        return default
    try:
        return to_decimal(amount, field=where)
    except ValueError as exc:
        raise RecordError(str(exc), hint="An amount is not a number.") from None


def nodes(connection: Any) -> list[Any]:
    """The nodes of a connection (``edges { node }``) or of a plain list."""
    if isinstance(connection, list):
        return connection
    if not isinstance(connection, dict):
        return []
    return [e.get("node") for e in connection.get("edges") or () if isinstance(e, dict)]


def _address(raw: Any, *, email: str = "") -> Address:
    raw = raw if isinstance(raw, dict) else {}
    try:
        return Address.from_lines(
            plain_text(raw.get("address1")),
            plain_text(raw.get("address2")),
            first_name=plain_text(raw.get("firstName")),
            last_name=plain_text(raw.get("lastName")),
            company=plain_text(raw.get("company")),
            zip=plain_text(raw.get("zip")),
            city=plain_text(raw.get("city")),
            state=plain_text(raw.get("provinceCode") or raw.get("province")),
            country=plain_text(raw.get("countryCodeV2")) or None,
            phone=plain_text(raw.get("phone")),
            email=email,
        )
    except ValueError as exc:
        raise RecordError(str(exc), hint="The address has an unknown country code.") from None


def _tax(lines: Any, where: str) -> tuple[Decimal, Decimal | None]:
    total, rate = Decimal(0), None
    for line in lines or ():
        if not isinstance(line, dict):
            continue
        total += money(line.get("priceSet"), f"{where}: tax")
        if rate is None and line.get("ratePercentage") is not None:
            rate = Decimal(str(line["ratePercentage"])).quantize(CENT)
    return total, rate


def _line_item(line: Any, taxes_included: bool, current: bool = True) -> OrderItem:
    if not isinstance(line, dict) or not line.get("id"):
        raise RecordError("a line item is not an object with an id", hint="The order's items are damaged.")
    title = plain_text(line.get("name")) or plain_text(line.get("title")) or line["id"]
    where = f"line item {title!r}"
    quantity = Decimal(line.get("quantity") or 0)
    if current and line.get("currentQuantity") is not None:
        quantity = Decimal(line["currentQuantity"])
    original_qty = Decimal(line.get("quantity") or 0)
    unit = money(line.get("originalUnitPriceSet"), f"{where}: originalUnitPriceSet", default=None)
    allocated = sum(
        (
            money(a.get("allocatedAmountSet"), f"{where}: discount")
            for a in line.get("discountAllocations") or ()
            if isinstance(a, dict)
        ),
        Decimal(0),
    )
    tax, rate = _tax(line.get("taxLines"), where)
    total = unit * original_qty - allocated + (Decimal(0) if taxes_included else tax)
    if original_qty and quantity != original_qty:  # removed or refunded units: scale the line down
        total = (total * quantity / original_qty).quantize(CENT)
    variant = sub_object(line, "variant")
    product = sub_object(line, "product")
    attributes = {"variant": plain_text(line.get("variantTitle"))} if line.get("variantTitle") else {}
    try:
        return OrderItem(
            external_id=line["id"],
            title=title,
            quantity=quantity,
            unit_price=unit_price(total, quantity),
            total_price=total,
            sku=plain_text(line.get("sku")),
            tax_rate=rate,
            product_external_id=plain_text(product.get("id")),
            variant_external_id=plain_text(variant.get("id")),
            attributes=attributes,
        )
    except ValueError as exc:
        raise RecordError(f"{where}: {exc}", hint="An item has an invalid quantity.") from None


def _shipments(raw: Mapping[str, Any]) -> list[Shipment]:
    out = []
    for f in raw.get("fulfillments") or ():
        if not isinstance(f, dict) or f.get("status") not in (None, "SUCCESS"):
            continue
        shipped = _time(f.get("createdAt"), "fulfillment createdAt")
        for info in f.get("trackingInfo") or ():
            if isinstance(info, dict) and plain_text(info.get("number")):
                out.append(
                    Shipment(
                        carrier=plain_text(info.get("company")),
                        tracking_number=plain_text(info["number"]),
                        tracking_url=plain_text(info.get("url")),
                        shipped_at=shipped,
                    )
                )
    return out


def _payments(raw: Mapping[str, Any]) -> list[Payment]:
    out = []
    for t in raw.get("transactions") or ():
        if isinstance(t, dict) and t.get("kind") in _PAYMENT_KINDS and t.get("status") == "SUCCESS":
            out.append(
                Payment(
                    method=plain_text(t.get("gateway")),
                    amount=money(t.get("amountSet"), "transaction"),
                    transaction_id=plain_text(t.get("id")),
                    paid_at=_time(t.get("processedAt"), "processedAt"),
                )
            )
    return out


def _refunds(raw: Mapping[str, Any], currency: str) -> list[Refund]:
    """Amount, date and note of each refund. Its units are not listed as refunded items: an order's line
    quantities are already ``currentQuantity`` (what is left after refunds), so counting them again as refunded
    would give the stock back twice."""
    out = []
    for r in raw.get("refunds") or ():
        if not isinstance(r, dict) or not r.get("id"):
            continue
        bag = sub_object(r, "totalRefundedSet")
        code = plain_text((bag.get("shopMoney") or {}).get("currencyCode")) or currency
        out.append(
            Refund(
                external_id=plain_text(r["id"]),
                amount=abs(money(bag, "refund totalRefundedSet")),
                currency=code,
                reason=plain_text(r.get("note")),
                refunded_at=_time(r.get("createdAt"), "refund createdAt"),
            )
        )
    return out


def order_from_shopify(raw: Any, statuses: StatusMap | None = None) -> Order:
    """One Shopify order as a domain Order; raises RecordError if it cannot be read."""
    statuses = statuses or StatusMap()
    if not isinstance(raw, dict) or not raw.get("id"):
        raise RecordError("the record is not an order object with an id")
    return read_record(
        lambda: _order(raw, statuses),
        also=(AttributeError,),
        hint="Unexpected data in the order; check its currency, dates and items in Shopify.",
    )


def _order(raw: dict[str, Any], statuses: StatusMap) -> Order:
    created = _time(raw.get("createdAt"), "createdAt", required=True)
    updated = _time(raw.get("updatedAt"), "updatedAt") or created
    included = bool(raw.get("taxesIncluded", True))
    # a cancelled or refunded order keeps what was ordered; an edited one shows what is left
    current = not raw.get("cancelledAt") and raw.get("displayFinancialStatus") != "REFUNDED"
    items = [_line_item(line, included, current) for line in nodes(raw.get("lineItems"))]
    shipping_lines = [s for s in nodes(raw.get("shippingLines")) if isinstance(s, dict)]
    shipping = sum((money(s.get("discountedPriceSet"), "shipping line") for s in shipping_lines), Decimal(0))
    if not included:
        shipping += sum((_tax(s.get("taxLines"), "shipping line")[0] for s in shipping_lines), Decimal(0))
    email = plain_text(raw.get("email"))
    invoice = _address(raw.get("billingAddress"), email=email)
    delivery = _address(raw.get("shippingAddress") or raw.get("billingAddress"))
    customer = sub_object(raw, "customer")
    payments = _payments(raw)
    shipments = _shipments(raw)
    state, key = statuses.state_for(raw)
    gateways = [plain_text(g) for g in raw.get("paymentGatewayNames") or () if plain_text(g)]
    return Order(
        external_id=raw["id"],
        number=plain_text(raw.get("name")) or raw["id"],
        state=state,
        currency=plain_text(raw.get("currencyCode")),
        created_at=created,
        updated_at=updated,
        total=money(raw.get("totalPriceSet"), "totalPriceSet", default=None),
        items=items,
        paid_at=min((p.paid_at for p in payments if p.paid_at), default=None),
        shipped_at=min((s.shipped_at for s in shipments if s.shipped_at), default=None),
        buyer=Buyer(
            external_id=plain_text(customer.get("id")),
            email=plain_text(customer.get("email")) or email,
            first_name=plain_text(customer.get("firstName")) or invoice.first_name,
            last_name=plain_text(customer.get("lastName")) or invoice.last_name,
            phone=plain_text(customer.get("phone") or raw.get("phone")),
        ),
        invoice_address=invoice,
        shipping_address=delivery,
        shipping_cost=shipping,
        tax_total=money(raw.get("totalTaxSet"), "totalTaxSet"),
        payment_method=", ".join(gateways),
        payments=payments,
        shipments=shipments,
        tags=[plain_text(t) for t in raw.get("tags") or ()],
        channel_status=key,
        buyer_note=plain_text(raw.get("note")),
        refunds=_refunds(raw, plain_text(raw.get("currencyCode"))),
    )


def orders_from_shopify(
    records: Iterable[Any], statuses: StatusMap | None = None
) -> tuple[list[Order], list[Quarantined]]:
    return map_records(records, lambda raw: order_from_shopify(raw, statuses), quarantine)


def quarantine(raw: Any, exc: RecordError) -> Quarantined:
    name = raw.get("name") if isinstance(raw, dict) else None
    return quarantine_record(raw, exc, label=f"Shopify order {name}" if name else "")


# --- articles --------------------------------------------------------------------------------------------


def variant_from_shopify(raw: Mapping[str, Any]) -> ArticleVariant:
    """A variant; its inventory item id (what stock is set on) is kept in ``attributes["inventory_item_id"]``.
    Its stock is the 'available' quantity at the stock location where that was read (``inventoryLevel``; none
    when the item is not stocked there), else ``inventoryQuantity``, Shopify's sum over all locations."""
    item = sub_object(raw, "inventoryItem")
    options = {
        plain_text(o.get("name")): plain_text(o.get("value"))
        for o in raw.get("selectedOptions") or ()
        if isinstance(o, dict)
    }
    tracked = bool(item.get("tracked"))
    price = raw.get("price")
    return ArticleVariant(
        external_id=plain_text(raw.get("id")),
        sku=plain_text(raw.get("sku")),
        ean=plain_text(raw.get("barcode")),
        title=plain_text(raw.get("title")),
        price=None if price in (None, "") else to_decimal(price, field="price"),
        stock=_stock(raw, item) if tracked else None,
        manages_stock=tracked,
        attributes={**options, "inventory_item_id": plain_text(item.get("id"))},
    )


def _stock(raw: Mapping[str, Any], item: Mapping[str, Any]) -> Decimal | None:
    if "inventoryLevel" not in item:
        return Decimal(raw["inventoryQuantity"]) if raw.get("inventoryQuantity") is not None else None
    level = item["inventoryLevel"]
    if not isinstance(level, dict):
        return None  # not stocked at the location the hub sets: nothing there to compare or show
    for quantity in level.get("quantities") or ():
        if isinstance(quantity, dict) and quantity.get("name") == "available":
            return to_decimal(quantity.get("quantity"), field="inventoryLevel.available")
    raise RecordError("the variant's inventory level lists no 'available' quantity")


def article_from_shopify(raw: Any, variants: Iterable[Mapping[str, Any]] | None = None) -> Article:
    """A product with all its variants (``variants`` given when they needed paging of their own)."""
    if not isinstance(raw, dict) or not raw.get("id"):
        raise RecordError("the record is not a product object with an id")
    return read_record(lambda: _article(raw, variants), hint="Unexpected data in the product.")


def _article(raw: dict[str, Any], variants: Iterable[Mapping[str, Any]] | None) -> Article:
    mapped = [variant_from_shopify(v) for v in (variants if variants is not None else nodes(raw.get("variants")))]
    single = mapped[0] if len(mapped) == 1 else None
    return Article(
        external_id=raw["id"],
        title=plain_text(raw.get("title")),
        sku=single.sku if single else "",
        ean=single.ean if single else "",
        price=single.price if single else None,
        stock=single.stock if single else None,
        manages_stock=any(v.manages_stock for v in mapped),
        updated_at=_time(raw.get("updatedAt"), "updatedAt"),
        variants=mapped,
    )
