"""Bad input (issue 6): the CSV parser never crashes, explains every rejection, and loses nothing else.

Two generators, 10,000 cases each:

* structured: valid orders rendered the way real exports vary (delimiter, encoding, decimal and date style,
  quoting, line endings, column order, continuation rows) with bad rows mixed in. Every valid order must
  come out exactly as generated, every bad row must be rejected with a reason, and every row must be
  accounted for.
* raw: arbitrary bytes, and text built from CSV's own special characters under a real header, with cells
  drawn from the shapes that break value parsers. No exception, and every row accounted for.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from conftest import IN_CI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ordersync.channels.csv_import.parser import parse_csv

from .conftest import config

# CI replays one fixed sample of 10,000 cases (a red run is reproducible); other runs draw new ones.
FUZZ = settings(
    max_examples=10_000,
    deadline=None,
    derandomize=IN_CI,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
BERLIN = ZoneInfo("Europe/Berlin")
COLUMNS = [
    "order_number",
    "created_at",
    "shipping_cost",
    "invoice_country",
    "item_sku",
    "item_title",
    "item_quantity",
    "item_unit_price",
]
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Titles: anything printable a buyer or seller might type, including the CSV specials, but not the
# characters that only some line splitters treat as line ends (row numbers are counted like the csv module).
titles = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85")
    | st.sampled_from(list(";,\"\t|\r\n'")),
    min_size=1,
    max_size=30,
).filter(lambda t: t.strip())
money = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2)
stamps = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31, 23, 59)).map(
    lambda d: d.replace(second=0, microsecond=0, fold=0)
)
items = st.tuples(st.text("ABCDEFGHJK0123456789-", min_size=1, max_size=12), titles, st.integers(1, 99), money)
orders = st.tuples(stamps, money, st.sampled_from(["DE", "AT", "CH", ""]), st.lists(items, min_size=1, max_size=3))
BAD_KINDS = ("quantity", "date", "country", "cells", "no_number", "price", "currency_like_total")


def _amount(value: Decimal, style: str) -> str:
    if style == "de":
        return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    if style == "en":
        return f"{value:,.2f}"
    return f"{value:.2f}".replace(".", ",")  # plain decimal comma


def _date(value: datetime, style: str) -> str:
    return {
        "de": value.strftime("%d.%m.%Y %H:%M"),
        "de2": value.strftime("%d.%m.%y"),
        "iso": value.strftime("%Y-%m-%dT%H:%M:00"),
    }[style]


def _expected_time(value: datetime, style: str) -> datetime:
    local = value.replace(hour=0, minute=0) if style == "de2" else value
    return local.replace(tzinfo=BERLIN).astimezone(UTC)


@st.composite
def export_files(draw):
    generated = draw(st.lists(orders, min_size=1, max_size=6))
    bad = draw(st.lists(st.sampled_from(BAD_KINDS), max_size=2))
    style = {
        "delimiter": draw(st.sampled_from([";", ",", "\t", "|"])),
        "amount": draw(st.sampled_from(["de", "en", "plain"])),
        "date": draw(st.sampled_from(["de", "de2", "iso"])),
        "eol": draw(st.sampled_from(["\r\n", "\n"])),
        "repeat": draw(st.booleans()),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
        "order": draw(st.permutations(COLUMNS)),
    }
    rows: list[tuple[str, dict[str, str], str]] = []  # (kind, cells, order number)
    for n, (stamp, shipping, country, lines) in enumerate(generated):
        for i, (sku, title, qty, price) in enumerate(lines):
            first = i == 0 or style["repeat"]
            rows.append(
                (
                    "valid",
                    {
                        "order_number": f"V{n}",
                        "created_at": _date(stamp, style["date"]) if first else "",
                        "shipping_cost": _amount(shipping, style["amount"]) if first else "",
                        "invoice_country": country if first else "",
                        "item_sku": sku,
                        "item_title": title,
                        "item_quantity": str(qty),
                        "item_unit_price": _amount(price, style["amount"]),
                    },
                    f"V{n}",
                )
            )
    for k, kind in enumerate(bad):
        cells = {
            "order_number": f"B{k}",
            "created_at": "01.02.2026 10:00",
            "shipping_cost": "0",
            "invoice_country": "DE",
            "item_sku": "S",
            "item_title": "T",
            "item_quantity": "1",
            "item_unit_price": "1",
        }
        if kind == "quantity":
            cells["item_quantity"] = draw(st.sampled_from(["x", "1..2", "-", "١"]))
        elif kind == "date":
            cells["created_at"] = draw(st.sampled_from(["32.13.2026", "gestern", "2026-02-30", "1.1."]))
        elif kind == "country":
            cells["invoice_country"] = "Atlantis"
        elif kind == "no_number":
            cells["order_number"] = ""
        elif kind == "price":
            cells["item_unit_price"] = draw(st.sampled_from(["", "1,2,3,4", "€", "1e3"]))
        elif kind == "currency_like_total":
            cells["shipping_cost"] = "9999999999999,99"
        rows.insert(draw(st.integers(0, len(rows))), (kind, cells, cells["order_number"]))
    return generated, style, rows


def _render(style, rows) -> tuple[bytes, dict[int, str], dict[str, list[int]]]:
    """The file, the expected row number of each bad row, and the rows of each valid order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style["delimiter"], lineterminator=style["eol"])
    # csv.writer quotes only the characters of its own line terminator: with "\n" a lone "\r" would go out
    # unquoted (and be a line end to every reader). Exports quote such cells, so quote those rows fully.
    quoting_all = csv.writer(buffer, delimiter=style["delimiter"], lineterminator=style["eol"], quoting=csv.QUOTE_ALL)
    writer.writerow(style["order"])
    bad_rows: dict[int, str] = {}
    valid_rows: dict[str, list[int]] = {}
    for kind, cells, number in rows:
        row_number = len(_LINE_BREAK.findall(buffer.getvalue())) + 1
        values = [cells[c] for c in style["order"]]
        if kind == "cells":
            values = values[:-1]
        (quoting_all if any("\r" in v or "\n" in v for v in values) else writer).writerow(values)
        if kind == "valid":
            valid_rows.setdefault(number, []).append(row_number)
        else:
            bad_rows[row_number] = kind
    text = buffer.getvalue()
    encoding = style["encoding"]
    try:
        data = text.encode(encoding)
        if encoding == "cp1252" and data.decode("utf-8", "ignore") != text and _is_utf8(data):
            data = text.encode("utf-8")  # these cp1252 bytes happen to be valid UTF-8: not decidable
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    return data, bad_rows, valid_rows


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _accounted(result) -> None:
    """Every rejection says where and why; every row is in an order or rejected, never both, never lost."""
    assert all(r.reason.strip() for r in result.rejected)
    if result.file_error:
        assert result.rejected and result.orders == []
        return
    imported = {row for rows in result.order_rows.values() for row in rows}
    rejected = {r.row for r in result.rejected}
    assert imported.isdisjoint(rejected)
    assert imported | rejected == set(result.data_rows)
    assert all(r.row >= 2 for r in result.rejected)


@pytest.mark.slow
@FUZZ
@given(export_files())
def test_valid_orders_survive_any_export_style_and_bad_rows_are_explained(case):
    generated, style, rows = case
    data, bad_rows, valid_rows = _render(style, rows)
    result = parse_csv(data, config())
    assert not result.file_error, result.rejected
    _accounted(result)
    by_number = {o.number: o for o in result.orders}
    assert set(by_number) == {f"V{n}" for n in range(len(generated))}
    assert result.order_rows == valid_rows
    for n, (stamp, shipping, country, lines) in enumerate(generated):
        order = by_number[f"V{n}"]
        assert order.created_at == _expected_time(stamp, style["date"])
        assert order.shipping_cost == shipping and (order.invoice_address.country or "") == country
        assert [(i.sku, i.title, i.quantity, i.unit_price) for i in order.items] == [
            (sku, title.strip(), qty, price) for sku, title, qty, price in lines
        ]
        assert order.total == sum(qty * price for _, _, qty, price in lines) + shipping
    assert {r.row for r in result.rejected} == set(bad_rows)


SPECIALS = ";,\"'\t|\r\n .-€0123456789aZäß"
CELLS = st.one_of(
    st.text(SPECIALS, max_size=12),
    st.sampled_from(
        [
            "",
            "1.234,56",
            "1,234.56",
            "-0",
            "99999999999999999",
            "0,00001",
            "27.11.26",
            "31.02.2026",
            "2026-11-27T14:05:00+14:00",
            "0001-01-01T00:00:00",
            "9999-12-31 23:59",
            "DE",
            "XX",
            "\x00",
            "Bestellt",
            "17",
            "18",
            "EUR",
            "€",
            "1e309",
            "NaN",
            "nan",
            "١٢٣",
            "1 1/2",
        ]
    ),
    st.text(max_size=8),
)
RAW_COLUMNS = COLUMNS + [
    "state",
    "currency",
    "total",
    "paid_at",
    "item_total_price",
    "invoice_street",
    "item_tax_rate",
    "external_id",
]


@st.composite
def raw_files(draw):
    kind = draw(st.sampled_from(["bytes", "specials", "header+cells"]))
    if kind == "bytes":
        return draw(st.binary(max_size=600))
    if kind == "specials":
        return draw(st.text(SPECIALS, max_size=300)).encode(draw(st.sampled_from(["utf-8", "utf-16"])))
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    header = draw(st.lists(st.sampled_from(RAW_COLUMNS), min_size=2, max_size=10, unique=True))
    header = ["order_number", "created_at"] + [c for c in header if c not in ("order_number", "created_at")]
    lines = [delimiter.join(header)]
    for _ in range(draw(st.integers(0, 8))):
        cells = draw(st.lists(CELLS, min_size=len(header) - 1, max_size=len(header) + 1))
        lines.append(delimiter.join(cells))
    return "\r\n".join(lines).encode(draw(st.sampled_from(["utf-8", "cp1252"])), "replace")


@pytest.mark.slow
@FUZZ
@given(raw_files(), st.sampled_from([{}, {"status_map": {"offen": "Ordered"}}, {"decimal_separator": ","}]))
def test_arbitrary_input_never_crashes_and_every_row_is_accounted_for(data, options):
    result = parse_csv(data, config(**options))
    _accounted(result)
    for order in result.orders:
        assert order.created_at.tzinfo is not None and order.currency
        assert all(len(i.external_id) <= 200 for i in order.items)
