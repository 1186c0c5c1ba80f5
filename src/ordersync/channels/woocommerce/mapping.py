"""WooCommerce REST v3 JSON ⇄ domain objects. Pure functions: no I/O, trivially testable.

Conventions WooCommerce imposes and how they are read:

* Dates: every timestamp comes twice, ``date_x`` in the shop's timezone and ``date_x_gmt`` in UTC, both
  without an offset. Only the ``_gmt`` fields are read, as UTC.
* Money: amounts are strings with the shop's decimals ("29.35"); the per-rate ``taxes[]`` of a line are
  not rounded ("12.483") and the line-item ``price`` is a float or an int: neither is used for amounts.
  Amounts here are gross (incl. tax), as the buyer paid them: a line's ``total`` (after coupons) plus its
  ``total_tax``, rounded half up to the decimals of the order's ``total`` (should a plugin or a ``dp``
  argument send more); fees become items so that items and shipping add up to the total.
* Stock: a variation with ``manage_stock: "parent"`` has none of its own; it shows and sells its parent's.
* Tracking is not a core field; it is read from order meta (see :mod:`.tracking`).

A record that cannot be understood raises :class:`RecordError` with a hint for the seller; the caller
quarantines it and carries on (invariant 5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, Literal, overload

from ...domain import Address, Article, ArticleVariant, Buyer, Order, OrderItem, Payment, Refund, RefundItem, to_decimal
from ...domain.timeutil import parse_utc
from ..sdk.errors import RecordError
from ..sdk.mapping import (
    CENT,
    map_records,
    plain_text,
    quarantine_record,
    read_amount,
    read_record,
    sub_object,
    unit_price,
)
from ..sdk.records import Quarantined
from .statuses import StatusMap
from .tracking import TRACKING_PLUGIN_KEY, shipments_from_meta

EAN_META_KEYS = ("_global_unique_id", "_ean", "_gtin", "_ts_gtin", "ean", "gtin")


@dataclass(frozen=True, slots=True)
class MappingConfig:
    statuses: StatusMap = field(default_factory=StatusMap)
    tracking_meta_key: str = TRACKING_PLUGIN_KEY


# --- small readers -------------------------------------------------------------------------------


@overload
def _utc(raw: Mapping[str, Any], name: str, *, required: Literal[True]) -> datetime: ...
@overload
def _utc(raw: Mapping[str, Any], name: str, *, required: bool = False) -> datetime | None: ...
def _utc(raw: Mapping[str, Any], name: str, *, required: bool = False) -> datetime | None:
    text = raw.get(f"{name}_gmt")
    if not text:
        if required:
            raise RecordError(
                f"{name}_gmt is missing",
                hint="The shop sent no UTC timestamp; check the "
                "WordPress timezone setting and the plugin that created the order.",
            )
        return None
    try:
        return parse_utc(str(text), where=f"{name}_gmt", assume_utc=True)
    except ValueError as exc:
        raise RecordError(str(exc), hint="The shop sent a malformed date.") from None


def _meta(meta_data: Any, key: str) -> Any:
    for entry in meta_data if isinstance(meta_data, list) else ():
        if isinstance(entry, dict) and entry.get("key") == key:
            return entry.get("value")
    return None


def _nonzero(value: Any) -> bool:
    try:
        return bool(to_decimal(value))
    except ValueError:
        return False


def _places(raw: Mapping[str, Any]) -> Decimal:
    """The order's money precision: the exponent of its ``total`` ("29.35" -> 0.01), 0.01 if unreadable."""
    try:
        exponent = to_decimal(raw.get("total")).as_tuple().exponent
    except ValueError:
        return CENT
    return Decimal(1).scaleb(exponent) if isinstance(exponent, int) and exponent <= 0 else CENT


def _address(raw: Any, *, with_contact: bool) -> Address:
    get = raw.get if isinstance(raw, dict) else _NOTHING.get
    text = plain_text
    first_name, last_name, company = text(get("first_name")), text(get("last_name")), text(get("company"))
    zip_code, city, state, phone = text(get("postcode")), text(get("city")), text(get("state")), text(get("phone"))
    contact = {"email": text(get("email"))} if with_contact else {}
    line1, line2, country = text(get("address_1")), text(get("address_2")), text(get("country")) or None
    try:
        return Address.from_lines(
            line1,
            line2,
            country=country,
            first_name=first_name,
            last_name=last_name,
            company=company,
            zip=zip_code,
            city=city,
            state=state,
            phone=phone,
            **contact,
        )
    except ValueError as exc:
        raise RecordError(str(exc), hint="The address has an unknown country code.") from None


_NOTHING: Mapping[str, Any] = MappingProxyType({})


# --- orders ----------------------------------------------------------------------------------------


def _tax_rates(raw: Mapping[str, Any]) -> dict[Any, Decimal]:
    rates: dict[Any, Decimal] = {}
    for line in raw.get("tax_lines") or ():
        if isinstance(line, dict) and line.get("rate_percent") not in (None, ""):
            try:
                rates[line.get("rate_id")] = to_decimal(line["rate_percent"])
            except ValueError:
                continue
    return rates


def _line_item(line: Any, rates: Mapping[Any, Decimal], places: Decimal = CENT) -> OrderItem:
    if not isinstance(line, dict):
        raise RecordError(
            "a line item is not an object",
            hint="The order's items are damaged; a plugin may have written them. Open the order in WooCommerce.",
        )
    name = plain_text(line.get("name")) or f"#{line.get('id')}"
    if line.get("total") in (None, ""):
        raise RecordError(
            f"line item {name!r} has no total",
            hint="The item has no price; edit the order in WooCommerce and recalculate it.",
        )
    quantity, net, tax = _line_amounts(line, name)
    gross = (net + tax).quantize(places, ROUND_HALF_UP)
    rate = None
    for t in line.get("taxes") or ():  # the first rate the line was taxed with
        if isinstance(t, dict) and t.get("id") in rates and _nonzero(t.get("total")):
            rate = rates[t["id"]]
            break
    if rate is None and net and tax:
        rate = (tax / net * 100).quantize(CENT)
    attributes = {
        plain_text(m.get("display_key") or m.get("key")): plain_text(m.get("display_value") or m.get("value"))
        for m in line.get("meta_data") or ()
        if isinstance(m, dict) and not str(m.get("key", "")).startswith("_") and isinstance(m.get("value"), (str, int))
    }
    try:
        return OrderItem(
            external_id=plain_text(line.get("id")),
            title=name,
            quantity=quantity,
            unit_price=unit_price(gross, quantity),
            total_price=gross,
            sku=plain_text(line.get("sku")),
            tax_rate=rate,
            product_external_id=plain_text(line.get("product_id") or ""),
            variant_external_id=plain_text(line.get("variation_id") or ""),
            attributes=attributes,
        )
    except ValueError as exc:
        raise RecordError(str(exc), hint="An item has an invalid quantity.") from None


def _line_amounts(line: dict[str, Any], name: str) -> tuple[Decimal, Decimal, Decimal]:
    """A line's quantity, total and total_tax; the message of the first that is not a number names it and the
    line (the messages are only written then)."""
    quantity, total, total_tax = line.get("quantity"), line.get("total"), line.get("total_tax")
    try:
        return (
            to_decimal(quantity),
            to_decimal(total),
            _ZERO if total_tax is None or total_tax == "" else to_decimal(total_tax),
        )
    except ValueError:
        where = f"line item {name!r}"
        read_amount(quantity, f"{where}: quantity")
        read_amount(total, f"{where}: total")
        read_amount(total_tax, f"{where}: total_tax", default=_ZERO)
        raise  # not reached: the same values failed above


_ZERO = Decimal(0)


def _fee_item(line: Any, places: Decimal = CENT) -> OrderItem:
    name = plain_text(line.get("name")) or "Fee"
    gross = (
        read_amount(line.get("total"), f"fee {name!r}: total")
        + read_amount(line.get("total_tax"), f"fee {name!r}: total_tax", default=Decimal(0))
    ).quantize(places, ROUND_HALF_UP)
    return OrderItem(
        external_id=f"fee:{plain_text(line.get('id'))}",
        title=name,
        quantity=Decimal(1),
        unit_price=gross,
        total_price=gross,
        dont_adjust_stock=True,
    )


RefundDetails = Mapping[str, list[Any]]  # order id → its refunds as GET /orders/{id}/refunds returns them


def has_refunds(raw: Any) -> bool:
    return isinstance(raw, dict) and bool(raw.get("refunds")) and str(raw.get("id", "")).isdigit()


def order_from_wc(raw: Any, config: MappingConfig | None = None, refunds: RefundDetails | None = None) -> Order:
    """One WooCommerce order as a domain Order; raises RecordError if it cannot be read. ``refunds`` holds the
    refund details of orders that have refunds (the order itself lists only id, reason and total)."""
    config = config or MappingConfig()
    if not isinstance(raw, dict) or raw.get("id") in (None, ""):
        raise RecordError("the record is not an order object with an id")
    return read_record(
        lambda: _order(raw, config, refunds or {}),
        hint="Unexpected data in the order; check its currency, dates and items in WooCommerce.",
    )


def _refund_item(line: Any, by_product: Mapping[tuple[str, str], str]) -> RefundItem | None:
    if not isinstance(line, dict):
        return None
    target = plain_text(_meta(line.get("meta_data"), "_refunded_item_id")) or by_product.get(
        (plain_text(line.get("product_id") or ""), plain_text(line.get("variation_id") or "")), ""
    )
    if not target:
        return None
    quantity = abs(read_amount(line.get("quantity"), "refund line: quantity", default=Decimal(0)))
    amount = abs(
        read_amount(line.get("total"), "refund line: total", default=Decimal(0))
        + read_amount(line.get("total_tax"), "refund line: total_tax", default=Decimal(0))
    )
    return RefundItem(item_external_id=target, quantity=quantity, amount=amount)


def _refunds(raw: dict[str, Any], currency: str, details: list[Any]) -> list[Refund]:
    """Each refund the order lists, with its date and items where the refund's detail was read. Amounts
    are positive (WooCommerce lists a refund's total as a negative string)."""
    summaries = raw.get("refunds") or ()
    if not summaries:  # most orders: nothing to read
        return []
    full = {plain_text(d.get("id")): d for d in details if isinstance(d, dict)}
    by_product = {
        (plain_text(line.get("product_id") or ""), plain_text(line.get("variation_id") or "")): plain_text(
            line.get("id")
        )
        for line in raw.get("line_items") or ()
        if isinstance(line, dict)
    }
    out = []
    for summary in summaries:
        if not isinstance(summary, dict):
            continue
        rid = plain_text(summary.get("id"))
        detail = full.get(rid, {})
        amount = abs(read_amount(detail.get("amount") or summary.get("total"), f"refund {rid}: total"))
        items = [i for i in (_refund_item(line, by_product) for line in detail.get("line_items") or ()) if i]
        out.append(
            Refund(
                external_id=rid,
                amount=amount,
                currency=currency,
                reason=plain_text(detail.get("reason") or summary.get("reason")),
                refunded_at=_utc(detail, "date_created"),
                items=items,
            )
        )
    return out


def _order(raw: dict[str, Any], config: MappingConfig, refund_details: RefundDetails) -> Order:
    created = _utc(raw, "date_created", required=True)
    updated = _utc(raw, "date_modified") or created
    paid_at = _utc(raw, "date_paid")
    status = plain_text(raw.get("status"))
    rates, places = _tax_rates(raw), _places(raw)
    items = [_line_item(line, rates, places) for line in raw.get("line_items") or ()]
    items += [_fee_item(line, places) for line in raw.get("fee_lines") or () if isinstance(line, dict)]
    billing = sub_object(raw, "billing")
    invoice = _address(billing, with_contact=True)
    shipping = _address(raw.get("shipping"), with_contact=False)
    if not (shipping.street or shipping.city):  # virtual goods: WooCommerce leaves shipping blank
        shipping = _address(billing, with_contact=True)
    total = read_amount(raw.get("total"), "total")
    method = plain_text(raw.get("payment_method_title") or raw.get("payment_method"))
    payments = (
        [Payment(method=method, amount=total, transaction_id=plain_text(raw.get("transaction_id")), paid_at=paid_at)]
        if paid_at
        else []
    )
    shipments = shipments_from_meta(raw.get("meta_data"), config.tracking_meta_key)
    if config.tracking_meta_key != TRACKING_PLUGIN_KEY:
        known = {s.tracking_number for s in shipments}
        shipments += [s for s in shipments_from_meta(raw.get("meta_data")) if s.tracking_number not in known]
    shipped_at = min((s.shipped_at for s in shipments if s.shipped_at), default=None)
    if shipped_at is None and status == "completed":
        shipped_at = _utc(raw, "date_completed")
    return Order(
        external_id=plain_text(raw["id"]),
        number=plain_text(raw.get("number")) or plain_text(raw["id"]),
        state=config.statuses.state_for(status, paid=paid_at is not None),
        currency=plain_text(raw.get("currency")),
        created_at=created,
        updated_at=updated,
        total=total,
        items=items,
        paid_at=paid_at,
        shipped_at=shipped_at,
        buyer=Buyer(
            external_id=plain_text(raw.get("customer_id") or ""),
            email=invoice.email,
            first_name=invoice.first_name,
            last_name=invoice.last_name,
            phone=invoice.phone,
        ),
        invoice_address=invoice,
        shipping_address=shipping,
        shipping_cost=read_amount(raw.get("shipping_total"), "shipping_total", default=Decimal(0))
        + read_amount(raw.get("shipping_tax"), "shipping_tax", default=Decimal(0)),
        tax_total=read_amount(raw.get("total_tax"), "total_tax", default=Decimal(0)),
        payment_method=method,
        payments=payments,
        shipments=shipments,
        channel_status=status,
        buyer_note=plain_text(raw.get("customer_note")),
        refunds=_refunds(raw, plain_text(raw.get("currency")), refund_details.get(plain_text(raw["id"])) or []),
    )


def orders_from_wc(
    records: Iterable[Any], config: MappingConfig | None = None, refunds: RefundDetails | None = None
) -> tuple[list[Order], list[Quarantined]]:
    config = config or MappingConfig()  # one for the batch: order_from_wc would make one per order
    return map_records(records, lambda raw: order_from_wc(raw, config, refunds), quarantine)


def quarantine(raw: Any, exc: RecordError) -> Quarantined:
    number = raw.get("number") if isinstance(raw, dict) else None
    return quarantine_record(raw, exc, label=f"WooCommerce order #{number}" if number else "")


# --- articles --------------------------------------------------------------------------------------


def _ean(raw: Mapping[str, Any]) -> str:
    direct = plain_text(raw.get("global_unique_id"))  # WooCommerce 9.2+: "GTIN, UPC, EAN or ISBN"
    if direct:
        return direct
    return next((plain_text(v) for k in EAN_META_KEYS if (v := _meta(raw.get("meta_data"), k))), "")


def _optional_amount(value: Any, where: str) -> Decimal | None:
    return None if value in (None, "") else read_amount(value, where)


def variant_from_wc(raw: Mapping[str, Any]) -> ArticleVariant:
    attributes = {
        plain_text(a.get("name")): plain_text(a.get("option"))
        for a in raw.get("attributes") or ()
        if isinstance(a, dict)
    }
    from_parent = raw.get("manage_stock") == "parent"  # the API shows the parent's quantity then
    manages = bool(raw.get("manage_stock")) and not from_parent
    return ArticleVariant(
        external_id=plain_text(raw.get("id")),
        sku=plain_text(raw.get("sku")),
        ean=_ean(raw),
        title=plain_text(raw.get("name")) or ", ".join(f"{k}: {v}" for k, v in attributes.items()),
        price=_optional_amount(raw.get("price"), "variation price"),
        stock=_optional_amount(raw.get("stock_quantity"), "stock_quantity") if manages or from_parent else None,
        manages_stock=manages,
        attributes=attributes,
        stock_from_product=from_parent,
    )


def article_from_wc(raw: Any, variations: Iterable[Mapping[str, Any]] = ()) -> Article:
    if not isinstance(raw, dict) or raw.get("id") in (None, ""):
        raise RecordError("the record is not a product object with an id")
    return read_record(lambda: _article(raw, variations), hint="Unexpected data in the product.")


def _article(raw: dict[str, Any], variations: Iterable[Mapping[str, Any]]) -> Article:
    manages = bool(raw.get("manage_stock"))
    stock = _optional_amount(raw.get("stock_quantity"), "stock_quantity") if manages else None
    variants = [variant_from_wc(v) for v in variations]
    for variant in variants:
        if variant.stock_from_product and variant.stock is None:
            variant.stock = stock
    return Article(
        external_id=plain_text(raw["id"]),
        title=plain_text(raw.get("name")),
        sku=plain_text(raw.get("sku")),
        ean=_ean(raw),
        price=_optional_amount(raw.get("price"), "price"),
        stock=stock,
        manages_stock=manages,
        updated_at=_utc(raw, "date_modified"),
        variants=variants,
    )
