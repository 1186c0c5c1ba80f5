"""Issue 16 item 17: the forwarding CSV never hands a spreadsheet a formula. Cells starting with =, +, -, @,
tab or CR get a leading single quote (OWASP's advice on CSV injection); plain numbers stay numbers."""

from __future__ import annotations

import csv
import io

from ordersync.forwarding.documents import CSV_COLUMNS, order_csv

ADDRESS = {
    "company": "@SUM(A1:A9)",
    "first_name": '=HYPERLINK("http://evil.example","x")',
    "last_name": "",
    "street": "+49 Straße",
    "house_number": "5",
    "line2": "\tcmd",
    "zip": "10115",
    "city": "\rBerlin",
    "country": "DE",
    "phone": "-1+1",
}


def _rows(doc: dict) -> list[dict]:
    text = order_csv(doc).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_cells_that_start_like_a_formula_are_neutralised():
    doc = {
        "number": "=1+1",
        "created_at": "2026-01-01T00:00:00Z",
        "shop": "shop",
        "currency": "EUR",
        "buyer": {"name": "-2+3", "email": "@x"},
        "shipping_address": ADDRESS,
        "items": [
            {
                "sku": "=cmd|' /C calc'!A0",
                "ean": "",
                "title": "Tasse",
                "quantity": "-1",
                "unit_price": "-12.50",
                "total_price": "12.50",
                "supplier": "+supplier",
            }
        ],
    }
    (row,) = _rows(doc)
    cells = [row[c] for c in CSV_COLUMNS]
    starting = [c for c in cells if c and c[0] in "=+-@\t\r"]
    assert starting == ["-1", "-12,50"]  # numbers only (German, the default language: decimal comma)
    assert "'=1+1" in cells and "'-2+3" in cells and "'@x" in cells and "'@SUM(A1:A9)" in cells
    assert "'=cmd|' /C calc'!A0" in cells and "'+supplier" in cells and "'\tcmd" in cells and "'\rBerlin" in cells
    assert "'-1+1" in cells and "Tasse" in cells and "12,50" in cells
