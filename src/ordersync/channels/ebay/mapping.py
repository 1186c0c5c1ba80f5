"""eBay Sell Fulfillment ``Order`` records -> domain orders. Pure functions, no I/O.

Field names are those of eBay's OAS3 contract ``sell_fulfillment_v1_oas3.json`` (v1.20.7) [spec]:
``Order{orderId, creationDate, lastModifiedDate, orderPaymentStatus, orderFulfillmentStatus, cancelStatus,
pricingSummary{priceSubtotal, deliveryCost, tax, total}, buyer{username, buyerRegistrationAddress},
fulfillmentStartInstructions[{shippingStep{shipTo}}], lineItems[...], salesRecordReference,
buyerCheckoutNotes, ebayCollectAndRemitTax}``. Amounts are ``Amount{value (string), currency}``.

Rules the connector relies on:

* Only orders whose checkout is complete are imported (the seed's footnote 4). In the Fulfillment API that
  is ``orderPaymentStatus`` PAID (or a refund state, which presupposes payment); PENDING and FAILED orders
  are skipped, not quarantined - they are not orders yet, and come back once paid (their modification time
  moves).
* ``pricingSummary.total`` includes eBay's "Collect and Remit" tax only when ``fieldGroups=TAX_BREAKDOWN`` is
  asked for [spec], which the client always does, so the hub's total is what the buyer paid. The tax eBay
  collects and remits (UK/EU VAT, US sales tax) is not the seller's to pay: it is added to ``tax_total`` as
  the order's tax, and named in the tag ``ebay-collects-tax`` and a comment with its amount.
* ``lineItemCost`` is unit price x quantity before discounts [spec]; ``discountedLineItemCost`` (when sent)
  is the line's price after them.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ordersync.channels.sdk.errors import RecordError
from ordersync.channels.sdk.mapping import (
    map_records,
    plain_text,
    quarantine_record,
    read_amount,
    read_record,
    unit_price,
)
from ordersync.channels.sdk.records import Quarantined
from ordersync.domain import Address, Buyer, Comment, Order, OrderItem, OrderState, Payment
from ordersync.domain.timeutil import parse_utc

ORDER_ID, CREATED, MODIFIED = "orderId", "creationDate", "lastModifiedDate"
PAYMENT_STATUS, FULFILLMENT_STATUS = "orderPaymentStatus", "orderFulfillmentStatus"
LINE_ITEMS, PRICING = "lineItems", "pricingSummary"
#: payment states that mean the checkout was completed [spec: OrderPaymentStatusEnum]
CHECKOUT_COMPLETE = frozenset({"PAID", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"})
COLLECTED_TAG = "ebay-collects-tax"
HINT = "Unexpected data in the eBay order; open it in Seller Hub."


def checkout_complete(raw: Any) -> bool:
    return isinstance(raw, dict) and raw.get(PAYMENT_STATUS) in CHECKOUT_COMPLETE


def state_of(raw: dict[str, Any]) -> OrderState:
    cancel = (raw.get("cancelStatus") or {}).get("cancelState")
    if cancel == "CANCELED" or raw.get(PAYMENT_STATUS) == "FULLY_REFUNDED":
        return OrderState.CANCELLED
    return {"FULFILLED": OrderState.SHIPPED, "IN_PROGRESS": OrderState.PARTIALLY_SHIPPED}.get(
        raw.get(FULFILLMENT_STATUS, ""), OrderState.PAID
    )


def channel_status(raw: dict[str, Any]) -> str:
    cancel = (raw.get("cancelStatus") or {}).get("cancelState") or "NONE_REQUESTED"
    parts = [raw.get(PAYMENT_STATUS), raw.get(FULFILLMENT_STATUS)]
    if cancel != "NONE_REQUESTED":
        parts.append(cancel)
    return "/".join(str(p) for p in parts if p)


def _amount(container: Any, where: str, currency: str | None = None, *, default: Decimal | None = None) -> Decimal:
    if container is None and default is not None:
        return default
    if not isinstance(container, dict):
        raise RecordError(f"{where}: expected an Amount object, got {container!r}"[:200], hint=HINT)
    if currency is not None and container.get("currency") not in (None, currency):
        raise RecordError(
            f"{where}: currency {container.get('currency')!r} differs from the order's {currency}", hint=HINT
        )
    return read_amount(container.get("value"), where, default=default)


def _time(value: Any, where: str) -> Any:
    if not value:
        raise RecordError(f"{where} is missing", hint=HINT)
    return parse_utc(str(value))


def _address(contact: Any, email: str = "") -> Address:
    if not isinstance(contact, dict):
        return Address()
    addr = contact.get("contactAddress") or {}
    # eBay sends one fullName; the last word is taken as the last name ("Erika Mustermann")
    first, _, last = plain_text(contact.get("fullName")).rpartition(" ")
    street = " ".join(p for p in (plain_text(addr.get("addressLine1")), plain_text(addr.get("addressLine2"))) if p)
    return Address(
        first_name=first,
        last_name=last,
        company=plain_text(contact.get("companyName")),
        street=street,
        zip=plain_text(addr.get("postalCode")),
        city=plain_text(addr.get("city")),
        state=plain_text(addr.get("stateOrProvince")),
        country=plain_text(addr.get("countryCode")) or None,
        email=plain_text(contact.get("email")) or email,
        phone=plain_text((contact.get("primaryPhone") or {}).get("phoneNumber")),
    )


def _ship_to(raw: dict[str, Any]) -> Any:
    for instruction in raw.get("fulfillmentStartInstructions") or []:
        step = (instruction or {}).get("shippingStep") or {}
        if step.get("shipTo"):
            return step["shipTo"]
    return None


def _line(raw: Any, n: int, currency: str) -> tuple[OrderItem, Decimal, Decimal]:
    """The line, its tax, and the part of it eBay collects and remits."""
    where = f"line {n}"
    if not isinstance(raw, dict) or not raw.get("lineItemId"):
        raise RecordError(f"{where}: not a line item with a lineItemId", hint=HINT)
    quantity = raw.get("quantity")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise RecordError(f"{where}: quantity {quantity!r} is not a positive whole number", hint=HINT)
    cost = _amount(raw.get("lineItemCost"), f"{where}: lineItemCost", currency)
    paid = _amount(raw.get("discountedLineItemCost"), f"{where}: discountedLineItemCost", currency, default=cost)
    tax = sum((_amount(t.get("amount"), f"{where}: taxes", currency) for t in raw.get("taxes") or []), Decimal(0))
    collected = sum(
        (
            _amount(t.get("amount"), f"{where}: ebayCollectAndRemitTaxes", currency)
            for t in raw.get("ebayCollectAndRemitTaxes") or []
        ),
        Decimal(0),
    )
    aspects = {
        plain_text(a.get("name")): plain_text(a.get("value"))
        for a in raw.get("variationAspects") or []
        if isinstance(a, dict) and a.get("name")
    }
    qty = Decimal(quantity)
    item = OrderItem(
        external_id=str(raw["lineItemId"]),
        title=plain_text(raw.get("title")),
        quantity=qty,
        unit_price=unit_price(paid, qty),
        total_price=paid,
        sku=plain_text(raw.get("sku")),
        product_external_id=plain_text(raw.get("legacyItemId")),
        variant_external_id=plain_text(raw.get("legacyVariationId")),
        attributes=aspects,
    )
    return item, tax, collected


def _order(raw: dict[str, Any]) -> Order:
    if raw.get(PAYMENT_STATUS) is None:
        raise RecordError("orderPaymentStatus is missing: whether the checkout is complete cannot be told", hint=HINT)
    pricing = raw.get(PRICING)
    if not isinstance(pricing, dict) or not isinstance(pricing.get("total"), dict):
        raise RecordError("pricingSummary.total is missing", hint=HINT)
    currency = plain_text(pricing["total"].get("currency"))
    total = _amount(pricing["total"], "pricingSummary.total", currency)
    lines = raw.get(LINE_ITEMS)
    if not isinstance(lines, list) or not lines:
        raise RecordError("the order has no lineItems", hint=HINT)
    read = [_line(line, n, currency) for n, line in enumerate(lines, 1)]
    line_tax = sum((t for _, t, _ in read), Decimal(0))
    collected = sum((c for _, _, c in read), Decimal(0))
    tax = _amount(pricing.get("tax"), "pricingSummary.tax", currency, default=line_tax)
    if collected and tax < collected:  # an answer without TAX_BREAKDOWN leaves collected tax out of "tax"
        tax += collected
    buyer = raw.get("buyer") or {}
    registration = buyer.get("buyerRegistrationAddress") or {}
    email = plain_text(registration.get("email"))
    invoice = _address(registration)
    shipping = _address(_ship_to(raw), email) if _ship_to(raw) else invoice
    payments = [
        Payment(
            method=plain_text(p.get("paymentMethod")),
            amount=_amount(p.get("amount"), "payment", None),
            transaction_id=plain_text(p.get("paymentReferenceId")),
            paid_at=parse_utc(p["paymentDate"]) if p.get("paymentDate") else None,
        )
        for p in (raw.get("paymentSummary") or {}).get("payments") or []
        if isinstance(p, dict)
    ]
    order = Order(
        external_id=str(raw[ORDER_ID]),
        number=plain_text(raw.get("salesRecordReference")) or str(raw[ORDER_ID]),
        state=state_of(raw),
        currency=currency,
        created_at=_time(raw.get(CREATED), CREATED),
        updated_at=_time(raw.get(MODIFIED), MODIFIED),
        total=total,
        items=[i for i, _, _ in read],
        paid_at=next((p.paid_at for p in payments if p.paid_at), None),
        buyer=Buyer(
            external_id=plain_text(buyer.get("username")),
            email=email,
            first_name=invoice.first_name,
            last_name=invoice.last_name,
            phone=invoice.phone,
        ),
        invoice_address=invoice,
        shipping_address=shipping,
        shipping_cost=_amount(pricing.get("deliveryCost"), "pricingSummary.deliveryCost", currency, default=Decimal(0)),
        tax_total=tax,
        payment_method=payments[0].method if payments else "",
        payments=payments,
        channel_status=channel_status(raw),
        buyer_note=plain_text(raw.get("buyerCheckoutNotes")),
    )
    if collected:
        order.tags.append(COLLECTED_TAG)
        order.comments.append(
            Comment(
                text=f"eBay collects and remits {collected} {currency} tax (VAT/sales tax) for this order",
                author="eBay",
            )
        )
    return order


def order_from_ebay(raw: Any) -> Order:
    if not isinstance(raw, dict) or raw.get(ORDER_ID) in (None, ""):
        raise RecordError("the record is not an order object with an orderId", hint=HINT)
    return read_record(lambda: _order(raw), hint=HINT)


def _quarantine(raw: Any, exc: RecordError) -> Quarantined:
    q = quarantine_record(raw, exc, label=f"eBay order {raw.get(ORDER_ID) if isinstance(raw, dict) else ''}".strip())
    if isinstance(raw, dict) and raw.get(ORDER_ID):
        q.external_id = str(raw[ORDER_ID])
    return q


def orders_from_ebay(records: Iterable[Any]) -> tuple[list[Order], list[Quarantined]]:
    """Orders with completed checkout, mapped; the rest of a page's records quarantined one by one."""
    wanted = [r for r in records if not isinstance(r, dict) or r.get(PAYMENT_STATUS) is None or checkout_complete(r)]
    return map_records(wanted, order_from_ebay, _quarantine)
