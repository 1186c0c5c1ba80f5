"""Reading a German order mail: labelled fields, address blocks, item lines or item tables, amounts.

The shops' templates are not published, so the parsers do not depend on one layout. They read what every
documented order mail contains (order number, items with SKU, quantity and price, buyer and shipping
address, payment method, shipping costs, total: see docs/email-import.md) by the German labels these
fields carry, in the plain-text part or in the HTML part rendered as lines (table cells joined by " | ").
Whatever is read is checked: items plus shipping minus discounts must give the total, or the mail is
quarantined with the figures. A value that is missing or ambiguous is an error naming the field, never a
guess.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from ...sdk.errors import RecordError

BERLIN = ZoneInfo("Europe/Berlin")
MAX_ITEMS = 500

_AMOUNT = r"-?\s?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d{1,2})?|-?\s?\d+\.\d{2}"
_CURRENCIES = {
    "€": "EUR",
    "EUR": "EUR",
    "EURO": "EUR",
    "CHF": "CHF",
    "FR.": "CHF",
    "£": "GBP",
    "GBP": "GBP",
    "$": "USD",
    "USD": "USD",
    "DKK": "DKK",
    "SEK": "SEK",
    "PLN": "PLN",
    "CZK": "CZK",
}
_CUR = r"(?:€|EUR|Euro|CHF|Fr\.|£|GBP|\$|USD|DKK|SEK|PLN|CZK)"
_MONEY = re.compile(rf"(?P<c1>{_CUR})?\s?(?P<amount>{_AMOUNT})\s?(?P<c2>{_CUR})?(?![\d,.]*\d)", re.I)

LABELS: dict[str, tuple[str, ...]] = {
    "number": (
        "bestellnummer",
        "bestell-nr.",
        "bestell-nr",
        "bestellnr.",
        "bestellnr",
        "bestellung nr.",
        "bestellung nr",
        "bestellung",
        "auftragsnummer",
        "auftrags-nr.",
    ),
    "date": ("bestelldatum", "bestellt am", "datum der bestellung", "datum"),
    "billing": ("rechnungsadresse", "rechnungsanschrift", "rechnungsempfänger"),
    "shipping": ("lieferadresse", "versandadresse", "lieferanschrift", "versandanschrift"),
    "email": ("e-mail-adresse", "e-mail", "email"),
    "phone": ("telefonnummer", "telefon", "tel."),
    "payment": ("zahlungsart", "zahlungsmethode", "bezahlt mit", "zahlweise"),
    "shipping_cost": ("versandkosten", "versandgebühr", "versand", "lieferkosten"),
    "subtotal": ("zwischensumme", "warenwert"),
    "discount": ("rabatt", "gutschein", "nachlass", "preisnachlass"),
    "total": ("gesamtsumme", "gesamtbetrag", "bestellsumme", "rechnungsbetrag", "gesamtpreis", "summe", "gesamt"),
    "tax": ("enthaltene mwst.", "enthaltene mwst", "inkl. mwst.", "mwst.", "mwst", "umsatzsteuer"),
    "note": ("anmerkung des kunden", "anmerkung", "kommentar", "nachricht des kunden", "bemerkung"),
    "shipping_method": ("versandart", "lieferart"),
}
_SECTION_KEYS = ("billing", "shipping")
_ITEM_HEADERS = {
    "title": ("artikel", "produkt", "bezeichnung", "artikelbezeichnung", "produktname", "name"),
    "sku": ("art.-nr.", "artikelnummer", "artikel-nr.", "art.nr.", "sku", "artikelnr."),
    "quantity": ("menge", "anzahl", "stück", "stk.", "anz."),
    "unit": ("einzelpreis", "preis", "stückpreis", "preis/stück"),
    "total": ("gesamtpreis", "gesamt", "summe", "betrag", "zwischensumme"),
}
_SKU_INLINE = re.compile(
    r"\(?\s*(?:Art\.?-?\s?Nr\.?|Artikelnummer|Artikel-Nr\.?|SKU)\s*:?\s*(?P<sku>[^\s()|,;]+)\s*\)?", re.I
)
_ITEM_LINE = re.compile(r"(?P<qty>\d{1,5})\s?(?:x|×|stk\.?|stück)\s+(?P<rest>.+)", re.I)
_COUNTRIES = {
    "deutschland": "DE",
    "germany": "DE",
    "österreich": "AT",
    "oesterreich": "AT",
    "austria": "AT",
    "schweiz": "CH",
    "switzerland": "CH",
    "liechtenstein": "LI",
    "luxemburg": "LU",
    "belgien": "BE",
    "niederlande": "NL",
    "frankreich": "FR",
    "italien": "IT",
    "spanien": "ES",
    "portugal": "PT",
    "dänemark": "DK",
    "schweden": "SE",
    "finnland": "FI",
    "norwegen": "NO",
    "polen": "PL",
    "tschechien": "CZ",
    "tschechische republik": "CZ",
    "slowakei": "SK",
    "ungarn": "HU",
    "slowenien": "SI",
    "kroatien": "HR",
    "irland": "IE",
    "griechenland": "GR",
    "estland": "EE",
    "lettland": "LV",
    "litauen": "LT",
    "rumänien": "RO",
    "bulgarien": "BG",
    "malta": "MT",
    "zypern": "CY",
    "vereinigtes königreich": "GB",
    "großbritannien": "GB",
}
# the old European postal prefixes ("A-1010 Wien", "D-12345 Berlin")
_POSTAL_PREFIX = {
    "A": "AT",
    "D": "DE",
    "CH": "CH",
    "FL": "LI",
    "L": "LU",
    "B": "BE",
    "NL": "NL",
    "F": "FR",
    "I": "IT",
    "DK": "DK",
    "PL": "PL",
    "CZ": "CZ",
}
_PLAIN_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/.]{0,63}")
_ZIP_CITY = re.compile(r"(?:(?P<cc>[A-Z]{1,2})-)?(?P<zip>\d{4,5})\s+(?P<city>\S.*)")


@dataclass(slots=True)
class Item:
    title: str
    quantity: Decimal
    unit_price: Decimal
    total_price: Decimal
    sku: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class AddressBlock:
    company: str = ""
    first_name: str = ""
    last_name: str = ""
    street_line: str = ""
    line2: str = ""
    zip: str = ""
    city: str = ""
    country: str | None = None
    email: str = ""
    phone: str = ""


@dataclass(slots=True)
class ReadOrder:
    number: str
    items: list[Item]
    total: Decimal
    currency: str
    billing: AddressBlock
    shipping: AddressBlock
    shipping_cost: Decimal = Decimal("0")
    discount: Decimal = Decimal("0")
    tax: Decimal = Decimal("0")
    ordered_at: datetime | None = None
    payment_method: str = ""
    shipping_method: str = ""
    note: str = ""


# -- small readers ---------------------------------------------------------------------------------------------


def parse_amount(text: str, *, where: str) -> tuple[Decimal, str]:
    """The last amount in ``text`` with its currency ("" when none is written). German by default
    (1.234,56); 12.50 with exactly two decimals after a dot and no comma is read as a decimal point."""
    matches = _amounts(text) or list(_MONEY.finditer(text))
    if not matches:
        raise RecordError(f"{where}: no amount in {text[:80]!r}")
    m = matches[-1]
    raw = m["amount"].replace(" ", "")
    if "," in raw:
        number = raw.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d+\.\d{2}", raw):
        number = raw
    else:
        number = raw.replace(".", "")
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise RecordError(f"{where}: {m.group(0)!r} is not an amount") from None
    symbol = (m["c1"] or m["c2"] or "").upper()
    return value, _CURRENCIES.get(symbol, "")


def _amounts(text: str) -> list[re.Match]:
    return [
        m
        for m in _MONEY.finditer(text)
        if "," in m["amount"] or m["c1"] or m["c2"] or re.search(r"\.\d{2}$", m["amount"])
    ]


def _label_of(line: str) -> tuple[str, str] | None:
    """(key, value) when the line starts with a known label followed by ':' '|' '#' or the end."""
    low = line.lower()
    for key, names in LABELS.items():
        for name in names:
            if low.startswith(name):
                rest = line[len(name) :]
                m = re.match(r"\s*(?:[:|#]\s*|\s*$)", rest)
                if m is None:
                    continue
                if not m.group(0).strip(" ") and rest.strip():
                    continue  # "Versand erfolgt ..." is prose, not the label "Versand"
                return key, rest[m.end() :].strip(" :|#")
    return None


def _german_date(text: str) -> datetime | None:
    m = re.search(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(?:um\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?)?", text)
    if not m:
        return None
    day, month, year, hour, minute, second = (int(g) if g else 0 for g in m.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=BERLIN)
    except ValueError:
        raise RecordError(f"order date {m.group(0)!r} is not a valid date") from None


def country_code(text: str) -> str | None:
    name = text.strip().strip(".").lower()
    if name in _COUNTRIES:
        return _COUNTRIES[name]
    if re.fullmatch(r"[a-z]{2}", name):
        import pycountry

        if pycountry.countries.get(alpha_2=name.upper()) is not None:
            return name.upper()
    return None


def _split_name(line: str) -> tuple[str, str]:
    line = re.sub(r"^(?:Herr|Frau|Divers|Firma)\s+", "", line.strip(), flags=re.I)
    parts = line.rsplit(" ", 1)
    return (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])


def read_address(lines: list[str], *, where: str) -> AddressBlock:
    """Name (and company), street, "zip city", country; "E-Mail:" and "Telefon:" lines anywhere in it."""
    block = AddressBlock()
    body: list[str] = []
    for line in lines:
        label = _label_of(line)
        if label and label[0] == "email":
            block.email = label[1]
        elif label and label[0] == "phone":
            block.phone = label[1]
        elif "@" in line and " " not in line.strip():
            block.email = line.strip()
        else:
            body.append(line.replace(" | ", " ").strip())
    zips = [(i, z) for i, line in enumerate(body) if (z := _ZIP_CITY.fullmatch(line))]
    if not zips:
        raise RecordError(
            f"{where}: no line with postcode and city in {' / '.join(body)[:160]!r}",
            hint="Expected a line like '12345 Berlin'.",
        )
    at, m = zips[-1]
    block.zip, block.city = m["zip"], m["city"].strip()
    after = [line for line in body[at + 1 :] if line]
    if after:
        block.country = country_code(after[0])
        if block.country is None:
            raise RecordError(
                f"{where}: country {after[0]!r} is not known",
                hint="Write the country in German or English, or as ISO code (DE, AT, CH).",
            )
    elif m["cc"]:
        block.country = _POSTAL_PREFIX.get(m["cc"]) or country_code(m["cc"])
    before = [line for line in body[:at] if line]
    if not before:
        raise RecordError(f"{where}: no name and street before {body[at]!r}")
    block.street_line = before[-1]
    names = before[:-1]
    if len(names) >= 3:  # company, name, address addition
        block.company, name, block.line2 = names[0], names[1], " ".join(names[2:])
    elif len(names) == 2:
        block.company, name = names
    elif names:
        name = names[0]
    else:
        raise RecordError(f"{where}: no name above the street {block.street_line!r}")
    block.first_name, block.last_name = _split_name(name)
    return block


# -- items ---------------------------------------------------------------------------------------------------


def _item_from_line(line: str, *, where: str) -> Item | None:
    m = _ITEM_LINE.fullmatch(line)
    if m is None:
        return None
    rest = m["rest"]
    sku = ""
    if s := _SKU_INLINE.search(rest):
        sku = s["sku"]
        rest = (rest[: s.start()] + " " + rest[s.end() :]).strip()
    amounts = _amounts(rest)
    if not amounts:
        return None
    qty = Decimal(m["qty"])
    total = parse_amount(amounts[-1].group(0), where=where)[0]
    unit = parse_amount(amounts[-2].group(0), where=where)[0] if len(amounts) >= 2 else None
    cut = amounts[0].start() if len(amounts) >= 1 else len(rest)
    title = re.sub(r"\s*(?:à|á|je|@|zu|=|\|)\s*$", "", rest[:cut].strip(" -–|:")).strip(" -–|:")
    if unit is None:
        unit = (total / qty).quantize(Decimal("0.01")) if qty else total
    if not title:
        raise RecordError(f"{where}: item line {line[:80]!r} has no article name")
    return Item(title, qty, unit, total, sku)


def _table_columns(line: str) -> dict[str, int] | None:
    cells = [c.strip().lower().rstrip(":") for c in line.split(" | ")]
    if len(cells) < 3:
        return None
    cols: dict[str, int] = {}
    for i, cell in enumerate(cells):
        for key, names in _ITEM_HEADERS.items():
            if cell in names and key not in cols:
                cols[key] = i
                break
    if {"title", "quantity"} <= cols.keys() and ("total" in cols or "unit" in cols):
        return cols
    return None


def _item_from_row(line: str, cols: dict[str, int], *, where: str) -> Item | None:
    cells = [c.strip() for c in line.split(" | ")]
    if len(cells) <= max(cols.values()):
        return None
    qty_text = re.sub(r"\s*(?:x|×|stk\.?|stück)$", "", cells[cols["quantity"]], flags=re.I)
    if not re.fullmatch(r"\d{1,5}", qty_text):
        return None
    qty = Decimal(qty_text)
    title = cells[cols["title"]]
    if not title:
        raise RecordError(f"{where}: item row {line[:80]!r} has no article name")
    unit = parse_amount(cells[cols["unit"]], where=where)[0] if "unit" in cols else None
    total = parse_amount(cells[cols["total"]], where=where)[0] if "total" in cols else None
    if total is None:
        if unit is None:  # _table_columns only takes a header with a total or a unit column
            raise ValueError(f"item columns {cols} have neither a total nor a unit price")
        total = unit * qty
    elif unit is None:
        unit = (total / qty).quantize(Decimal("0.01")) if qty else total
    sku = cells[cols["sku"]] if "sku" in cols else ""
    if not sku and (s := _SKU_INLINE.search(title)):
        sku, title = s["sku"], (title[: s.start()] + title[s.end() :]).strip()
    return Item(title, qty, unit, total, sku)


def read_items(lines: list[str], *, where: str) -> list[Item]:
    """Item lines ("2 x Seife (Art.-Nr. S-1) à 4,50 € = 9,00 €") or an item table with a header row.
    A line "Art.-Nr.: X" or "Variante: Y" right under an item belongs to it."""
    items: list[Item] = []
    cols: dict[str, int] | None = None
    for line in lines:
        if cols is not None:
            item = _item_from_row(line, cols, where=where)
            if item is not None:
                items.append(item)
                continue
            if line.count(" | ") >= len(cols) - 1 and _label_of(line) is None:
                cols = None
        if (found := _table_columns(line)) is not None:
            cols = found
            continue
        item = _item_from_line(line, where=where)
        if item is not None:
            items.append(item)
        elif items and (label := re.fullmatch(r"(Art\.?-?\s?Nr\.?|Artikelnummer|SKU)\s*:\s*(\S+)", line, re.I)):
            items[-1].sku = items[-1].sku or label[2]
        elif items and (attr := re.fullmatch(r"(Variante|Größe|Farbe|Ausführung)\s*:\s*(.+)", line, re.I)):
            items[-1].attributes[attr[1]] = attr[2].strip()
        if len(items) > MAX_ITEMS:
            raise RecordError(f"{where}: more than {MAX_ITEMS} items", hint="Not an order mail.")
    return items


def items_from_csv(data: bytes, *, where: str) -> list[Item]:
    """Items from a CSV attachment with a header row naming article, quantity and price columns."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";"
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return []
    header = " | ".join(c.strip() for c in rows[0])
    cols = _table_columns(header)
    if cols is None:
        return []
    items = []
    for n, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        item = _item_from_row(" | ".join(c.strip() for c in row), cols, where=f"{where}, row {n}")
        if item is None:
            raise RecordError(f"{where}, row {n}: {row!r} is not an item row (quantity must be a whole number)")
        items.append(item)
    return items


# -- the whole mail -----------------------------------------------------------------------------------------


def _sections(lines: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Single labelled values, and the address sections (lines after "Rechnungsadresse" up to a blank
    line or the next label). A label with no value on its line takes the next non-empty line."""
    values: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    i = 0
    while i < len(lines):
        label = _label_of(lines[i])
        if label is None:
            i += 1
            continue
        key, value = label
        if key in _SECTION_KEYS:
            block = [value] if value else []
            i += 1
            while i < len(lines) and not block and not lines[i]:
                i += 1
            while i < len(lines) and lines[i]:
                nxt = _label_of(lines[i])
                if nxt is not None and nxt[0] not in ("email", "phone"):
                    break
                block.append(lines[i])
                i += 1
            sections.setdefault(key, block)
            continue
        if not value and i + 1 < len(lines) and lines[i + 1] and _label_of(lines[i + 1]) is None:
            value = lines[i + 1]
            i += 1
        if key != "number" or _PLAIN_NUMBER.fullmatch(value.lstrip("# ")):
            values.setdefault(key, value)
        i += 1
    return values, sections


def read_order(
    text: str, *, subject: str = "", number_hint: re.Pattern | None = None, default_currency: str = "EUR"
) -> ReadOrder:
    lines = text.split("\n")
    values, sections = _sections(lines)
    number = (values.get("number") or "").strip()
    if number_hint is not None and not number:
        m = number_hint.search(subject)
        number = m["number"] if m else number
    number = number.lstrip("#").strip()
    if not number:
        raise RecordError(
            "no order number (label 'Bestellnummer' or the subject) found",
            hint="Only order confirmation mails can be imported.",
        )
    if not _PLAIN_NUMBER.fullmatch(number):
        raise RecordError(f"order number {number[:80]!r} is not a plain order number")
    where = f"order {number}"
    items = read_items(lines, where=where)
    if "total" not in values:
        raise RecordError(f"{where}: no total ('Gesamtsumme', 'Summe', 'Gesamt') found")
    total, currency = parse_amount(values["total"], where=f"{where}, total")
    shipping_cost = Decimal("0")
    if values.get("shipping_cost"):
        if re.search(r"kostenlos|gratis|frei", values["shipping_cost"], re.I):
            shipping_cost = Decimal("0")
        else:
            shipping_cost = parse_amount(values["shipping_cost"], where=f"{where}, shipping costs")[0]
    discount = Decimal("0")
    if values.get("discount") and _amounts(values["discount"]):
        discount = abs(parse_amount(values["discount"], where=f"{where}, discount")[0])
    tax = Decimal("0")
    if values.get("tax") and _amounts(values["tax"]):
        tax = parse_amount(values["tax"], where=f"{where}, tax")[0]
    billing_lines = sections.get("billing") or sections.get("shipping")
    if not billing_lines:
        raise RecordError(f"{where}: no address ('Rechnungsadresse' or 'Lieferadresse') found")
    billing = read_address(billing_lines, where=f"{where}, billing address")
    shipping = (
        read_address(sections["shipping"], where=f"{where}, shipping address") if sections.get("shipping") else billing
    )
    if not billing.email and values.get("email"):
        billing.email = values["email"]
    if not billing.phone and values.get("phone"):
        billing.phone = values["phone"]
    ordered_at = _german_date(values.get("date", "")) if values.get("date") else None
    return ReadOrder(
        number=number,
        items=items,
        total=total,
        currency=currency or default_currency,
        billing=billing,
        shipping=shipping,
        shipping_cost=shipping_cost,
        discount=discount,
        tax=tax,
        ordered_at=ordered_at,
        payment_method=values.get("payment", "")[:100],
        shipping_method=values.get("shipping_method", "")[:100],
        note=values.get("note", "")[:2000],
    )


def check_sums(order: ReadOrder) -> None:
    """Items + shipping - discount must equal the total: a mail we misread must not become an order."""
    where = f"order {order.number}"
    if not order.items:
        raise RecordError(
            f"{where}: no items found",
            hint="Expected lines like '2 x Article (Art.-Nr. X) "
            "à 4,50 € = 9,00 €' or an item table with Artikel/Menge/Preis columns.",
        )
    for item in order.items:
        if item.quantity <= 0:
            raise RecordError(f"{where}: item {item.title[:60]!r} has quantity {item.quantity}")
    goods = sum((i.total_price for i in order.items), Decimal("0"))
    expected = goods + order.shipping_cost - order.discount
    if abs(expected - order.total) > Decimal("0.01"):
        raise RecordError(
            f"{where}: items {goods} + shipping {order.shipping_cost} - discount {order.discount} "
            f"= {expected}, but the mail's total is {order.total}",
            hint="The mail was read wrongly or is incomplete; check it in the mailbox.",
        )
