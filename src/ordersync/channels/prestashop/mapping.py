"""PrestaShop order JSON (``GET /api/orders?display=full&output_format=JSON``) → domain Order. Pure functions.

Facts [docs: PrestaShop 8 webservice, blank schema of ``orders``]: money fields are texts with six decimals
(``total_paid_tax_incl`` is what the buyer pays, ``total_shipping_tax_incl`` the shipping); the lines are
``associations.order_rows`` (``product_quantity``, ``unit_price_tax_incl``, ``product_reference`` = the SKU,
``product_attribute_id`` = the combination, 0 for none); the order points at its addresses, customer and
currency by id (``id_address_delivery``, ``id_address_invoice``, ``id_customer``, ``id_currency``), which the
connector reads in one call per resource and page and hands in as ``Lookups``. ``current_state`` is an
order_state id (see ``states``). Dates are naive 'YYYY-MM-DD HH:MM:SS' in the shop's time zone (PS_TIMEZONE;
[docs/3p], not stated in the webservice docs), hence the zone setting. Address fields ``firstname``,
``lastname``, ``address1``, ``address2``, ``postcode``, ``city``, ``phone``, ``phone_mobile``, ``id_country``
and country ``iso_code`` come from the docs' examples (no blank file for them in the specs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from ...domain import Address, Buyer, Order, OrderItem, to_decimal
from ...domain.money import check_currency
from ..sdk.errors import RecordError
from ..sdk.mapping import map_records, quarantine_record, read_record
from ..sdk.records import Quarantined
from .states import StateMap

TOTAL, TOTAL_NET, SHIPPING = "total_paid_tax_incl", "total_paid_tax_excl", "total_shipping_tax_incl"
ROWS = ("associations", "order_rows")
HINT = "Unexpected data in the order; open it in the PrestaShop back office."


@dataclass
class Lookups:
    """What the order's ids point at, read by the connector for a page of orders."""

    zone: tzinfo
    states: StateMap
    order_states: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    currencies: Mapping[str, str] = field(default_factory=dict)  # id -> ISO code
    countries: Mapping[str, str] = field(default_factory=dict)  # id -> ISO code
    addresses: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    customers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, list):  # a multilingual field: [{"id": "1", "value": "..."}]
        value = next((v.get("value") for v in value if isinstance(v, dict)), "")
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise RecordError(f"{key} is {type(value).__name__}, not a text", hint=HINT)
    return str(value).strip()


def amount(raw: Mapping[str, Any], key: str, where: str = "") -> Decimal:
    try:
        value = to_decimal(raw.get(key), field=f"{where}{key}")
    except ValueError as exc:
        raise RecordError(str(exc), hint="An amount is missing or not a number.") from None
    cents = value.quantize(Decimal("0.01"))
    return cents if cents == value else value.normalize()


def shop_time(raw: Mapping[str, Any], key: str, zone: tzinfo) -> datetime:
    value = text(raw, key)
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise RecordError(f"{key} {value!r} is not a PrestaShop date (YYYY-MM-DD HH:MM:SS)", hint=HINT) from None
    return parsed.replace(tzinfo=zone)


def ids_of(records: Iterable[Any], key: str) -> set[str]:
    """The ids ``key`` points at in a page of raw orders (to read them in one call)."""
    return {
        str(r.get(key))
        for r in records
        if isinstance(r, dict) and str(r.get(key, "")).isdigit() and str(r.get(key)) != "0"
    }


def _address(raw: Mapping[str, Any], key: str, look: Lookups, email: str) -> Address:
    ident = text(raw, key)
    record = look.addresses.get(ident)
    if record is None:
        raise RecordError(f"{key} {ident!r}: no such address in the shop", hint=HINT)
    country_id = text(record, "id_country")
    country = look.countries.get(country_id)
    if country is None:
        raise RecordError(f"address {ident}: id_country {country_id!r} is unknown", hint=HINT)
    phone = text(record, "phone") or text(record, "phone_mobile")
    try:
        return Address.from_lines(
            text(record, "address1"),
            text(record, "address2"),
            first_name=text(record, "firstname"),
            last_name=text(record, "lastname"),
            company=text(record, "company"),
            zip=text(record, "postcode"),
            city=text(record, "city"),
            country=country,
            phone=phone,
            email=email,
        )
    except ValueError as exc:
        raise RecordError(f"address {ident}: {exc}", hint=HINT) from None


def _line(raw: Any, index: int) -> OrderItem:
    where = f"order row {index + 1}: "
    if not isinstance(raw, dict):
        raise RecordError(f"{where}is {type(raw).__name__}, not an object", hint=HINT)
    quantity = amount(raw, "product_quantity", where)
    if quantity <= 0 or quantity != quantity.to_integral_value():
        raise RecordError(f"{where}product_quantity {quantity} is not a positive whole number", hint=HINT)
    unit = amount(raw, "unit_price_tax_incl", where)
    attribute = text(raw, "product_attribute_id")
    return OrderItem(
        external_id=text(raw, "id") or str(index + 1),
        title=text(raw, "product_name"),
        quantity=quantity,
        unit_price=unit,
        total_price=unit * quantity,
        sku=text(raw, "product_reference"),
        ean=text(raw, "product_ean13"),
        product_external_id=text(raw, "product_id"),
        variant_external_id="" if attribute in ("", "0") else attribute,
    )


def _rows(raw: Mapping[str, Any]) -> list[Any]:
    associations = raw.get(ROWS[0])
    if associations in (None, [], {}):
        return []
    if not isinstance(associations, dict):
        raise RecordError(f"associations is {type(associations).__name__}, not an object", hint=HINT)
    rows = associations.get(ROWS[1], [])
    if not isinstance(rows, list):
        raise RecordError(f"associations.order_rows is {type(rows).__name__}, not a list", hint=HINT)
    return rows


def _order(raw: dict[str, Any], look: Lookups) -> Order:
    currency_id = text(raw, "id_currency")
    if currency_id not in look.currencies:
        raise RecordError(f"id_currency {currency_id!r} is not a currency of the shop", hint=HINT)
    try:
        currency = check_currency(look.currencies[currency_id])
    except ValueError as exc:
        raise RecordError(str(exc), hint=HINT) from None
    customer = look.customers.get(text(raw, "id_customer"), {})
    email = text(customer, "email")
    state_id = text(raw, "current_state")
    state_record = look.order_states.get(state_id)
    total, net = amount(raw, TOTAL), amount(raw, TOTAL_NET)
    return Order(
        external_id=text(raw, "id"),
        number=text(raw, "reference") or text(raw, "id"),
        state=look.states.hub_state(state_id, state_record),
        currency=currency,
        created_at=shop_time(raw, "date_add", look.zone),
        updated_at=shop_time(raw, "date_upd", look.zone),
        total=total,
        tax_total=total - net,
        shipping_cost=amount(raw, SHIPPING),
        items=[_line(row, i) for i, row in enumerate(_rows(raw))],
        buyer=Buyer(
            external_id=text(raw, "id_customer"),
            email=email,
            first_name=text(customer, "firstname"),
            last_name=text(customer, "lastname"),
        ),
        invoice_address=_address(raw, "id_address_invoice", look, email),
        shipping_address=_address(raw, "id_address_delivery", look, email),
        payment_method=text(raw, "payment"),
        channel_status=text(state_record, "name") if state_record else state_id,
    )


def order_from_prestashop(raw: Any, look: Lookups) -> Order:
    if not isinstance(raw, dict) or raw.get("id") in (None, ""):
        raise RecordError("the record is not an order object with an id", hint=HINT)
    return read_record(lambda: _order(raw, look), hint=HINT)


def orders_from_prestashop(records: Iterable[Any], look: Lookups) -> tuple[list[Order], list[Quarantined]]:
    return map_records(
        records,
        lambda raw: order_from_prestashop(raw, look),
        lambda raw, exc: quarantine_record(
            raw, exc, label=f"PrestaShop order {raw.get('id') if isinstance(raw, dict) else ''}"
        ),
    )
