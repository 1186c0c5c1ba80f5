"""Column-mapping profiles: which column of a file holds which of our fields.

Our fields are listed once in ``FIELDS`` (documented column by column in docs/csv-import.md). The generic
``ordersync`` profile reads columns named exactly like our fields. A preset encodes a platform's export
format, but only the columns its public documentation confirms (``Preset.source`` says where); a seller
maps the rest, and may override any column, with the connection's ``column_map`` setting, written as JSON
(``{"order_number": "Bestellnummer"}``) or as lines ``order_number=Bestellnummer``.

Column names are compared without regard to case, surrounding spaces, and the difference between space,
``-`` and ``_`` (``Order-Status`` finds ``order_status``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ...domain import OrderState
from ..sdk.settings import SettingsError


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    kind: str  # text | decimal | datetime | country | state | bool
    level: str  # order | item
    help: str


_ADDRESS = (
    ("first_name", "first name"),
    ("last_name", "last name"),
    ("company", "company"),
    ("street", "street line; the house number is split off unless {p}_house_number is given"),
    ("house_number", "house number"),
    ("line2", "address addition (c/o, floor)"),
    ("zip", "postcode"),
    ("city", "city"),
    ("state", "state or region"),
    ("country", "ISO code (DE, DEU) or name (Deutschland)"),
    ("email", "e-mail address"),
    ("phone", "phone number"),
)

FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "order_number",
        "text",
        "order",
        "the order number the buyer sees; rows with the same number are one order (required)",
    ),
    FieldSpec("external_id", "text", "order", "the channel's id of the order, if it differs from the number"),
    FieldSpec("created_at", "datetime", "order", "when the order was placed (required)"),
    FieldSpec("updated_at", "datetime", "order", "when the order last changed (default: created_at)"),
    FieldSpec("state", "state", "order", "ordersync state: id 1-17 or name (Bestellt, Paid, Versendet, ...)"),
    FieldSpec("channel_status", "text", "order", "the platform's own status text, translated by the status map"),
    FieldSpec("currency", "text", "order", "ISO 4217 code (default: the connection's currency)"),
    FieldSpec("total", "decimal", "order", "order total incl. shipping and tax (default: items + shipping)"),
    FieldSpec("shipping_cost", "decimal", "order", "shipping cost (default 0)"),
    FieldSpec("tax_total", "decimal", "order", "tax contained in the total (default 0)"),
    FieldSpec("payment_method", "text", "order", "payment method as the platform names it"),
    FieldSpec("paid_at", "datetime", "order", "when the payment arrived"),
    FieldSpec("shipped_at", "datetime", "order", "when the order was shipped"),
    FieldSpec("carrier", "text", "order", "carrier of the shipment"),
    FieldSpec("tracking_number", "text", "order", "tracking number of the shipment"),
    FieldSpec("buyer_email", "text", "order", "buyer's e-mail (default: invoice_email)"),
    FieldSpec("buyer_phone", "text", "order", "buyer's phone (default: invoice_phone)"),
    FieldSpec("buyer_note", "text", "order", "the buyer's note to the seller"),
    *(
        FieldSpec(
            f"{p}_{name}", "country" if name == "country" else "text", "order", f"{label} address: {text.format(p=p)}"
        )
        for p, label in (("invoice", "invoice"), ("shipping", "shipping"))
        for name, text in _ADDRESS
    ),
    FieldSpec("item_id", "text", "item", "the channel's id of the line (default: order number and line number)"),
    FieldSpec("item_sku", "text", "item", "article number (SKU)"),
    FieldSpec("item_ean", "text", "item", "EAN/GTIN"),
    FieldSpec("item_title", "text", "item", "article title (default: the SKU)"),
    FieldSpec("item_quantity", "decimal", "item", "quantity (default 1)"),
    FieldSpec("item_unit_price", "decimal", "item", "gross price of one unit"),
    FieldSpec("item_total_price", "decimal", "item", "gross price of the line (default: unit price × quantity)"),
    FieldSpec("item_tax_rate", "decimal", "item", "tax rate in percent (19 or 19,00)"),
    FieldSpec("item_status", "text", "item", "the platform's status of this line (kept as an attribute)"),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
REQUIRED = ("order_number", "created_at")


def column_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().lstrip("\ufeff")).strip("_").casefold()


@dataclass(frozen=True, slots=True)
class Preset:
    """A platform's export format as far as its public documentation confirms it."""

    name: str
    title: str
    columns: dict[str, str]  # our field -> their column
    status_map: dict[str, OrderState] = field(default_factory=dict)  # their status (casefolded) -> state
    source: str = ""  # where the columns were confirmed
    note: str = ""


GENERIC = Preset(
    "ordersync", "ordersync (generic)", {f.name: f.name for f in FIELDS}, source="this project: docs/csv-import.md"
)

# Avocadostore's order export (CSV, current format since 03/2024): the columns "order-status" and
# "lineitem-status" and their values are documented in Avocadostore's help centre article "Wie kann ich
# meine Bestellungen exportieren?" (support.avocadostore.market, article 10072873968018). The article
# names no other column, so every other field must be mapped by the seller.
AVOCADOSTORE = Preset(
    "avocadostore",
    "Avocadostore order export (CSV)",
    {"channel_status": "order-status", "item_status": "lineitem-status"},
    {
        "pending": OrderState.PAID,  # "unbearbeitet"; the export only holds paid, valid orders
        "accepted": OrderState.CONFIRMED,  # "angenommen" by the seller
        "shipped": OrderState.SHIPPED,  # "versendet"
        "cancelled": OrderState.CANCELLED,  # "storniert"
        "return_announced": OrderState.RECLAMATION,  # "Retoure angemeldet"
        "returned": OrderState.RETURNED,  # "Retoure angekommen"
    },
    source="https://support.avocadostore.market/hc/de/articles/10072873968018 (order-status, lineitem-status "
    "and their values)",
    note="Only the status columns are confirmed; map order_number, created_at and the item columns in column_map.",
)

PRESETS: dict[str, Preset] = {p.name: p for p in (GENERIC, AVOCADOSTORE)}


def parse_column_map(raw: object) -> dict[str, str]:
    """The seller's mapping: a dict, a JSON object, or lines ``our_field=their column`` (``#`` comments).
    Unknown fields are an error that lists the known ones."""
    if raw in (None, ""):
        return {}
    if isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        text = str(raw).strip()
        if text.startswith("{"):
            try:
                data = json.loads(text)
            except ValueError as exc:
                raise SettingsError(f"setting 'column_map': not valid JSON: {exc}") from None
            if not isinstance(data, dict):
                raise SettingsError("setting 'column_map': the JSON must be an object of field: column")
            pairs = list(data.items())
        else:
            pairs = []
            for number, line in enumerate(re.split(r"\r\n|\r|\n|;(?=\s*[a-z_]+\s*=)", text), 1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                if "=" not in line:
                    raise SettingsError(f"setting 'column_map', line {number}: {line!r} is not field=column")
                key, value = line.split("=", 1)
                pairs.append((key, value))
    result: dict[str, str] = {}
    for key, value in pairs:
        name = str(key).strip()
        if name not in FIELD_BY_NAME:
            raise SettingsError(
                f"setting 'column_map': {name!r} is not one of our fields; known: {', '.join(FIELD_BY_NAME)}"
            )
        if not isinstance(value, str):
            raise SettingsError(f"setting 'column_map': the column for {name!r} must be text")
        result[name] = value.strip()
    return result


def parse_status_map(raw: object) -> dict[str, OrderState]:
    """``their status = our state`` pairs (as the 'mapping' setting type gives them)."""
    result: dict[str, OrderState] = {}
    for status, state in (raw or {}).items():  # type: ignore[attr-defined]
        try:
            result[str(status).strip().casefold()] = OrderState.parse(str(state))
        except ValueError as exc:
            raise SettingsError(f"setting 'status_map', entry {status!r}: {exc}") from None
    return result


@dataclass(frozen=True, slots=True)
class Mapping:
    """A profile with the seller's overrides applied: field -> column, and status text -> state.
    ``explicit`` holds the fields the seller mapped: their columns must exist in the file."""

    profile: str
    columns: dict[str, str]
    status_map: dict[str, OrderState]
    explicit: frozenset[str] = frozenset()

    @classmethod
    def build(cls, profile: str, column_map: object = None, status_map: object = None) -> Mapping:
        preset = PRESETS.get(profile)
        if preset is None:
            raise SettingsError(f"unknown CSV profile {profile!r}; known: {', '.join(PRESETS)}")
        overrides = parse_column_map(column_map)
        columns = dict(preset.columns)
        for name, column in overrides.items():
            if column:
                columns[name] = column
            else:  # "field=" switches a preset's column off
                columns.pop(name, None)
        return cls(
            profile,
            columns,
            {**preset.status_map, **parse_status_map(status_map)},
            frozenset(n for n, c in overrides.items() if c),
        )
