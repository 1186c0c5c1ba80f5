"""What a forward carries: the order as JSON (HTTP), and as CSV and PDF attachments (e-mail).

All three are built from one plain dict, so a supplier reading the PDF, a script reading the CSV and a
service receiving the JSON see the same numbers. Amounts stay decimal strings in the dict; never floats.
The JSON keeps ISO 8601 times and plain decimals for machines; the CSV and PDF are written in the target's
language by ``ordersync.formatting`` (05.12.2026 and 1234,56 in a German CSV, so German Excel reads the
numbers as numbers; 05/12/2026 and 1234.56 in English), with the date in the seller's time zone. The CSV's
column names stay the same in both languages, so a script reading it needs no language switch.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

from fpdf import FPDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import formatting
from ..domain import OrderState
from ..mail.compose import address_line
from ..store.models import ArticleRow, Connection, OrderItemRow, OrderRow

CSV_COLUMNS = (
    "order_number",
    "order_date",
    "shop",
    "buyer_name",
    "buyer_email",
    "ship_company",
    "ship_name",
    "ship_street",
    "ship_house_number",
    "ship_line2",
    "ship_zip",
    "ship_city",
    "ship_country",
    "ship_phone",
    "sku",
    "ean",
    "title",
    "quantity",
    "unit_price",
    "total_price",
    "currency",
    "supplier",
)
ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "street",
    "house_number",
    "line2",
    "zip",
    "city",
    "country",
    "email",
    "phone",
)


def _address(data: dict) -> dict:
    return {k: (data or {}).get(k) or "" for k in ADDRESS_FIELDS}


def order_document(s: Session, order: OrderRow) -> dict:
    """The order as forwarded: stable field names, amounts as decimal strings."""
    data = json.loads(order.data)
    conn = s.get(Connection, order.connection_id) if order.connection_id else None
    from .rules import article_of_item

    linked = s.execute(
        select(OrderItemRow.external_id, OrderItemRow.sku, ArticleRow.supplier)
        .join(ArticleRow, article_of_item())
        .where(OrderItemRow.order_id == order.id, ArticleRow.account_id == order.account_id)
    ).all()
    by_id = {r.external_id: r.supplier for r in linked if r.external_id}
    by_sku = {r.sku: r.supplier for r in linked if r.sku}
    shipping = _address(data.get("shipping_address"))
    if not any(shipping[k] for k in ("street", "city", "last_name")):
        shipping = _address(data.get("invoice_address"))
    items = []
    for item in data.get("items", []):
        supplier = by_id.get(item.get("external_id") or "") or by_sku.get(item.get("sku") or "") or ""
        items.append(
            {
                "sku": item.get("sku", ""),
                "ean": item.get("ean", ""),
                "title": item.get("title", ""),
                "quantity": item["quantity"],
                "unit_price": item["unit_price"],
                "total_price": item["total_price"],
                "supplier": supplier,
            }
        )
    state = OrderState(order.state)
    return {
        "id": order.id,
        "number": order.number,
        "external_id": order.external_id,
        "shop": conn.name if conn else "",
        "channel": conn.system if conn else "",
        "state": int(state),
        "state_name": state.name_en,
        "created_at": order.created_at.isoformat(),
        "currency": order.currency,
        "total": _amount(order.total),
        "shipping_cost": _amount(order.shipping_cost),
        "buyer": {"name": order.buyer_name, "email": order.buyer_email},
        "invoice_address": _address(data.get("invoice_address")),
        "shipping_address": shipping,
        "items": items,
        "buyer_note": data.get("buyer_note", ""),
    }


def order_csv(doc: dict, language: str = "de") -> bytes:
    """One row per item, order columns repeated; semicolons and a BOM so German Excel opens it as is.
    Amounts have no thousands separator: a spreadsheet reads 1234,56 as a number, and so does a script."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    a = doc["shipping_address"]
    ordered = formatting.date(doc["created_at"], language)
    for item in doc["items"]:
        writer.writerow(
            _inert(cell)
            for cell in (
                doc["number"],
                ordered,
                doc["shop"],
                doc["buyer"]["name"],
                doc["buyer"]["email"],
                a["company"],
                f"{a['first_name']} {a['last_name']}".strip(),
                a["street"],
                a["house_number"],
                a["line2"],
                a["zip"],
                a["city"],
                a["country"],
                a["phone"],
                item["sku"],
                item["ean"],
                item["title"],
                formatting.number(str(item["quantity"]), language, grouping=False),
                formatting.amount(item["unit_price"], language, grouping=False),
                formatting.amount(item["total_price"], language, grouping=False),
                doc["currency"],
                item["supplier"],
            )
        )
    return out.getvalue().encode("utf-8-sig")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def _inert(cell) -> str:
    """A cell a spreadsheet shows as text, never runs: one starting like a formula (=, +, -, @, tab, CR) gets
    a leading single quote, as OWASP's CSV injection advice says. A plain number (a negative amount) stays."""
    text = "" if cell is None else str(cell)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _amount(value: Decimal) -> str:
    """Cents always written (25.80, not 25.8); more places kept where the channel gave them."""
    value = Decimal(value)
    exponent = value.as_tuple().exponent  # a letter ('n', 'N', 'F') only for NaN and infinity
    return f"{value.quantize(Decimal('0.01')) if isinstance(exponent, int) and exponent >= -2 else value:f}"


_PDF_ENCODING = "windows-1252"


def _latin1(text: str) -> str:
    """The PDF core fonts are written in Windows-1252 (all German letters, €, typographic quotes and
    dashes); anything outside it becomes '?' rather than failing the forward."""
    return text.encode(_PDF_ENCODING, "replace").decode(_PDF_ENCODING)


def order_pdf(doc: dict, language: str = "de") -> bytes:
    de = language == "de"
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = _PDF_ENCODING
    pdf.set_title(_latin1(f"{'Bestellung' if de else 'Order'} {doc['number']}"))
    pdf.set_creator("ordersync")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, _latin1(f"{'Bestellung' if de else 'Order'} {doc['number']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    lines = [
        f"{'Datum' if de else 'Date'}: {formatting.date(doc['created_at'], language)}",
        f"Shop: {doc['shop']}",
        f"{'Lieferadresse' if de else 'Ship to'}: {address_line(doc['shipping_address'])}",
    ]
    if doc["shipping_address"]["phone"]:
        lines.append(f"{'Telefon' if de else 'Phone'}: {doc['shipping_address']['phone']}")
    if doc["buyer_note"]:
        lines.append(f"{'Hinweis' if de else 'Note'}: {doc['buyer_note']}")
    for line in lines:
        pdf.multi_cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (30, 90, 18, 26, 26)
    heads = (
        "SKU",
        "Artikel" if de else "Item",
        "Menge" if de else "Qty",
        "Einzelpreis" if de else "Unit",
        "Summe" if de else "Total",
    )
    pdf.set_font("Helvetica", "B", 10)
    for w, h in zip(widths, heads, strict=True):
        pdf.cell(w, 7, h, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 10)
    for item in doc["items"]:
        cells = (
            item["sku"],
            item["title"][:60],
            formatting.number(str(item["quantity"]), language),
            formatting.money(item["unit_price"], doc["currency"], language),
            formatting.money(item["total_price"], doc["currency"], language),
        )
        for w, c, align in zip(widths, cells, "LLRRR", strict=True):
            pdf.cell(w, 7, _latin1(c), border=1, align=align)
        pdf.ln()
    pdf.ln(2)
    total = formatting.money(doc["total"], doc["currency"], language)
    pdf.cell(0, 7, _latin1(f"{'Gesamt' if de else 'Total'}: {total}"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
