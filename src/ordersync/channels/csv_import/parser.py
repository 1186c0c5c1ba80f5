"""A CSV file of orders in, domain orders and explained rejections out. Pure: no database, no network.

Rows with the same order number are one order (one row per item is the common export shape; a row with
only order columns and rows with only item columns work as well). Order-level cells may be left empty on
the rows after the first, but where two rows of one order both fill an order-level column they must agree.

Nothing is silently dropped: every non-blank data row ends up either in an order or in ``rejected`` with
its row number, the column and the reason. An order is imported whole or not at all: when one of its rows
is rejected, its other rows are rejected too, each saying which row caused it. Row numbers count lines of
the file as a spreadsheet shows them (the header is row 1); a cell with line breaks spans several lines
and the record is numbered by its first.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ...domain import Address, Buyer, Order, OrderItem, OrderState, Shipment
from ...domain.money import check_currency
from .dialect import Dialect, FileFormatError, detect
from .profiles import FIELD_BY_NAME, REQUIRED, Mapping, column_key
from .values import parse_country, parse_datetime, parse_decimal

Progress = Callable[[int, int], None]  # (rows done, rows in the file)
MAX_LENGTH = {
    "order_number": 100,
    "external_id": 100,
    "item_id": 100,
    "item_sku": 100,
    "item_ean": 20,
    "channel_status": 50,
}
_CENTI_CENT = Decimal("0.0001")  # the store keeps four decimal places
MAX_HEADER_CELL = 200
FIELD_SIZE_LIMIT = 1_000_000  # one cell; the stdlib default (128 KiB) would reject long HTML notes


@dataclass(frozen=True, slots=True)
class Rejection:
    row: int  # 1 = the header; 0 = the file as a whole
    column: str  # the file's column name, "" when the reason concerns the whole row
    reason: str
    order_number: str = ""

    def __str__(self) -> str:
        where = "file" if self.row == 0 else f"row {self.row}"
        return f"{where}{f', column {self.column!r}' if self.column else ''}: {self.reason}"


@dataclass(slots=True)
class ParserConfig:
    mapping: Mapping
    timezone: ZoneInfo
    currency: str = "EUR"
    decimal_separator: str = "auto"
    date_format: str = ""
    encoding: str = "auto"
    delimiter: str = ""
    quotechar: str = ""


@dataclass
class ParseResult:
    dialect: Dialect | None = None
    header: list[str] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    order_rows: dict[str, list[int]] = field(default_factory=dict)  # order number -> its rows
    rejected: list[Rejection] = field(default_factory=list)
    data_rows: list[int] = field(default_factory=list)  # every non-blank row after the header
    ignored_columns: list[str] = field(default_factory=list)
    file_error: str = ""

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.file_error


@dataclass
class _Row:
    number: int
    order: dict[str, Any]
    item: dict[str, Any] | None
    errors: list[Rejection]


class _OrderProblem(ValueError):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field_name = field_name


def parse_csv(data: bytes, config: ParserConfig, *, progress: Progress | None = None) -> ParseResult:
    result = ParseResult()
    try:
        text, result.dialect = detect(
            data, encoding=config.encoding, delimiter=config.delimiter, quotechar=config.quotechar
        )
    except FileFormatError as exc:
        return _fail(result, 0, "", str(exc))
    records = _read_records(text, result.dialect, result)
    if not records:
        return _fail(result, 1, "", "the file has no header row")
    header_row, header = records[0]
    if header is None:  # already rejected by _read_records, which says why
        return _fail(result, header_row, "", "the header row cannot be read as CSV")
    too_long = next(((i, h) for i, h in enumerate(header) if len(h) > MAX_HEADER_CELL), None)
    if too_long is not None:  # a column name is short; this is a data file without a header, or not CSV
        index, name = too_long
        return _fail(
            result,
            header_row,
            "",
            f"header cell {index + 1} has {len(name):,} characters (it starts "
            f"{name[:40]!r}); a column name has at most {MAX_HEADER_CELL}: is "
            "the first row the header, and is this a CSV file?",
        )
    result.header = header
    try:
        columns = _resolve_columns(header, config.mapping)
    except _OrderProblem as exc:
        return _fail(result, header_row, exc.field_name, str(exc))
    used = set(columns.values())
    result.ignored_columns = [h for i, h in enumerate(header) if i not in used and h.strip()]
    groups: dict[str, list[_Row]] = {}
    total = len(records) - 1
    for done, (number, cells) in enumerate(records[1:], 1):
        if cells is None or not any(c.strip() for c in cells):
            if cells is not None and progress:
                progress(done, total)
            continue
        result.data_rows.append(number)
        row = _parse_row(number, cells, header, columns, config)
        key = row.order.get("order_number", "")
        if not key:
            result.rejected.extend(
                row.errors or [Rejection(number, _col(header, columns, "order_number"), "the order number is empty")]
            )
        else:
            groups.setdefault(key, []).append(row)
        if progress:
            progress(done, total)
    for key, rows in groups.items():
        _build_group(key, rows, header, columns, config, result)
    _reject_shared_ids(result, header, columns)
    result.rejected.sort(key=lambda r: (r.row, r.column))
    return result


def _reject_shared_ids(result: ParseResult, header: list[str], columns: dict[str, int]) -> None:
    """Two order numbers whose external id is the same (order "0" with no id and order "00" with id "0")
    would be one order to the hub, the later silently replacing the earlier: reject both, saying why."""
    owners: dict[str, list[Order]] = {}
    for order in result.orders:
        owners.setdefault(order.external_id, []).append(order)
    for external_id, orders in owners.items():
        if len(orders) < 2:
            continue
        numbers = ", ".join(repr(o.number) for o in orders)
        for order in orders:
            result.orders.remove(order)
            for row in result.order_rows.get(order.number, []):
                result.rejected.append(
                    Rejection(
                        row,
                        _col(header, columns, "external_id"),
                        f"orders {numbers} share the external id {external_id!r}; each order needs its own",
                        order.number,
                    )
                )
            result.order_rows.pop(order.number, None)


def _fail(result: ParseResult, row: int, column: str, reason: str) -> ParseResult:
    result.file_error = reason
    result.rejected.append(Rejection(row, column, reason))
    return result


def _read_records(text: str, dialect: Dialect, result: ParseResult) -> list[tuple[int, list[str] | None]]:
    """(first line number, cells) of every record; an unreadable record is rejected and becomes None."""
    previous_limit = csv.field_size_limit(FIELD_SIZE_LIMIT)
    try:
        reader = csv.reader(
            io.StringIO(text, newline=""),
            delimiter=dialect.delimiter,
            quotechar=dialect.quotechar,
            skipinitialspace=False,
        )
        records: list[tuple[int, list[str] | None]] = []
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                result.rejected.append(Rejection(start, "", f"the row cannot be read as CSV: {exc}"))
                result.data_rows.append(start)
                records.append((start, None))
                if reader.line_num < start:
                    break
                continue
            records.append((start, cells))
        return records
    finally:
        csv.field_size_limit(previous_limit)


def _resolve_columns(header: list[str], mapping: Mapping) -> dict[str, int]:
    """Our field -> index of its column. Required and explicitly mapped columns must exist."""
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        positions.setdefault(column_key(name), []).append(index)
    expected = set(REQUIRED) | set(mapping.explicit)
    if mapping.profile != "ordersync":
        expected |= set(mapping.columns)
    for name in REQUIRED:
        if name not in mapping.columns:
            raise _OrderProblem(
                "",
                f"profile {mapping.profile!r} does not know which column holds {name}; "
                f"map it in the connection's column_map, e.g. {name}=<your column>",
            )
    columns: dict[str, int] = {}
    for field_name, column in mapping.columns.items():
        found = positions.get(column_key(column), [])
        if len(found) > 1:
            raise _OrderProblem(
                column,
                f"the column {column!r} (for {field_name}) appears {len(found)} times in "
                f"the header (columns {', '.join(str(i + 1) for i in found)})",
            )
        if found:
            columns[field_name] = found[0]
        elif field_name in expected:
            raise _OrderProblem(
                column,
                f"the header has no column {column!r} (for {field_name}); found: "
                f"{', '.join(repr(h) for h in header[:40])}",
            )
    return columns


def _col(header: list[str], columns: dict[str, int], field_name: str) -> str:
    index = columns.get(field_name)
    return header[index] if index is not None else field_name


def _parse_row(number: int, cells: list[str], header: list[str], columns: dict[str, int], config: ParserConfig) -> _Row:
    row = _Row(number, {}, None, [])
    if len(cells) != len(header):
        extra = cells[len(header) :]
        if len(cells) < len(header) or any(c.strip() for c in extra):
            row.errors.append(
                Rejection(number, "", f"the row has {len(cells)} cells but the header has {len(header)} columns")
            )
    item: dict[str, Any] = {}
    for field_name, index in columns.items():
        text = cells[index].strip() if index < len(cells) else ""
        if not text:
            continue
        spec = FIELD_BY_NAME[field_name]
        try:
            value = _convert(spec.kind, field_name, text, config)
        except ValueError as exc:
            row.errors.append(Rejection(number, header[index], str(exc)))
            continue
        (item if spec.level == "item" else row.order)[field_name] = value
    if "order_number" in row.order:
        for rejection in row.errors:
            object.__setattr__(rejection, "order_number", row.order["order_number"])
    if item:
        try:
            row.item = _item_values(item)
        except _OrderProblem as exc:
            row.errors.append(
                Rejection(number, _col(header, columns, exc.field_name), str(exc), row.order.get("order_number", ""))
            )
    return row


def _convert(kind: str, field_name: str, text: str, config: ParserConfig) -> Any:
    if field_name in MAX_LENGTH and len(text) > MAX_LENGTH[field_name]:
        raise ValueError(f"{len(text)} characters, at most {MAX_LENGTH[field_name]} are allowed")
    if field_name == "currency":
        return check_currency(text)
    if kind == "decimal":
        return parse_decimal(text, decimal_separator=config.decimal_separator)
    if kind == "datetime":
        return parse_datetime(text, config.timezone, date_format=config.date_format)
    if kind == "country":
        return parse_country(text)
    if kind == "state":
        return OrderState.parse(text)
    return " ".join(text.split()) if field_name in ("order_number", "external_id", "item_id") else text


def _item_values(item: dict[str, Any]) -> dict[str, Any]:
    quantity = item.get("item_quantity", Decimal(1))
    if quantity < 0:
        raise _OrderProblem("item_quantity", f"the quantity {quantity} is negative")
    unit, line = item.get("item_unit_price"), item.get("item_total_price")
    if unit is None and line is None:
        raise _OrderProblem("item_unit_price", "the item has no price (item_unit_price or item_total_price)")
    if line is None:
        line = _fit(unit * quantity)
    if unit is None:
        unit = _fit(line / quantity) if quantity else line
    title = item.get("item_title") or item.get("item_sku")
    if not title:
        raise _OrderProblem("item_title", "the item has neither a title nor a SKU")
    return {**item, "item_quantity": quantity, "item_unit_price": unit, "item_total_price": line, "item_title": title}


def _fit(value: Decimal) -> Decimal:
    """At most the four decimal places the store keeps (``3,50 × 2`` stays ``7.00``, ``10 / 3`` is ``3.3333``)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        return value.quantize(_CENTI_CENT, rounding=ROUND_HALF_UP).normalize()
    return value


def _build_group(
    key: str, rows: list[_Row], header: list[str], columns: dict[str, int], config: ParserConfig, result: ParseResult
) -> None:
    rejected = [r for row in rows for r in row.errors]
    merged: dict[str, Any] = {}
    first_row: dict[str, int] = {}
    for row in rows:
        if row.errors:
            continue
        for name, value in row.order.items():
            if name not in merged:
                merged[name], first_row[name] = value, row.number
            elif merged[name] != value:
                rejected.append(
                    Rejection(
                        row.number,
                        _col(header, columns, name),
                        f"order {key}: {_show(value)} here but {_show(merged[name])} in row "
                        f"{first_row[name]}; the rows of one order must agree",
                        key,
                    )
                )
    if not rejected:
        try:
            order = _order(key, merged, [r.item for r in rows if r.item is not None], config)
        except _OrderProblem as exc:
            rejected.append(Rejection(rows[0].number, _col(header, columns, exc.field_name), str(exc), key))
        except ValueError as exc:
            rejected.append(Rejection(rows[0].number, "", f"order {key}: {exc}", key))
        else:
            result.orders.append(order)
            result.order_rows[key] = [r.number for r in rows]
            return
    bad = sorted({r.row for r in rejected})
    result.rejected.extend(rejected)
    for row in rows:
        if row.number not in bad:
            result.rejected.append(
                Rejection(
                    row.number,
                    "",
                    f"order {key} is not imported because row"
                    f"{'s' if len(bad) > 1 else ''} {', '.join(map(str, bad))} of it "
                    f"{'were' if len(bad) > 1 else 'was'} rejected",
                    key,
                )
            )


def _show(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return repr(str(value)) if not isinstance(value, Decimal) else str(value)


def _order(number: str, v: dict[str, Any], items: list[dict[str, Any]], config: ParserConfig) -> Order:
    if "created_at" not in v:
        raise _OrderProblem("created_at", f"order {number}: no row gives the order date")
    external_id = v.get("external_id") or number
    order_items = [
        OrderItem(
            external_id=i.get("item_id") or f"{external_id}-{n}",
            title=i["item_title"],
            quantity=i["item_quantity"],
            unit_price=i["item_unit_price"],
            total_price=i["item_total_price"],
            sku=i.get("item_sku", ""),
            ean=i.get("item_ean", ""),
            tax_rate=i.get("item_tax_rate"),
            attributes={"status": i["item_status"]} if i.get("item_status") else {},
        )
        for n, i in enumerate(items, 1)
    ]
    shipping_cost = v.get("shipping_cost", Decimal(0))
    total = v.get("total")
    if total is None:
        total = sum((i.total_price for i in order_items), Decimal(0)) + shipping_cost
    invoice = _address(v, "invoice")
    shipping = _address(v, "shipping")
    if shipping == Address():
        shipping = dataclasses.replace(invoice)
    shipments = []
    if v.get("tracking_number"):
        shipments.append(Shipment(v.get("carrier", ""), v["tracking_number"], shipped_at=v.get("shipped_at")))
    return Order(
        external_id=external_id,
        number=number,
        state=_state(number, v, config.mapping),
        currency=v.get("currency") or config.currency,
        created_at=v["created_at"],
        updated_at=v.get("updated_at") or v["created_at"],
        total=total,
        items=order_items,
        paid_at=v.get("paid_at"),
        shipped_at=v.get("shipped_at"),
        buyer=Buyer(
            email=v.get("buyer_email") or invoice.email,
            first_name=invoice.first_name,
            last_name=invoice.last_name,
            phone=v.get("buyer_phone") or invoice.phone,
        ),
        invoice_address=invoice,
        shipping_address=shipping,
        shipping_cost=shipping_cost,
        tax_total=v.get("tax_total", Decimal(0)),
        payment_method=v.get("payment_method", ""),
        shipments=shipments,
        channel_status=v.get("channel_status", ""),
        buyer_note=v.get("buyer_note", ""),
    )


def _state(number: str, v: dict[str, Any], mapping: Mapping) -> OrderState:
    if "state" in v:
        return v["state"]
    status = v.get("channel_status", "")
    if status and mapping.status_map:
        state = mapping.status_map.get(status.casefold())
        if state is None:
            raise _OrderProblem(
                "channel_status",
                f"order {number}: the status {status!r} is not in the status "
                f"map (known: {', '.join(mapping.status_map)}); add it to the "
                "connection's status_map",
            )
        return state
    if v.get("shipped_at"):
        return OrderState.SHIPPED
    if v.get("paid_at"):
        return OrderState.PAID
    return OrderState.ORDERED


def _address(v: dict[str, Any], prefix: str) -> Address:
    def get(name: str) -> Any:
        return v.get(f"{prefix}_{name}", "")

    fields = {
        name: get(name) for name in ("first_name", "last_name", "company", "zip", "city", "state", "email", "phone")
    }
    if get("house_number"):
        return Address(
            street=get("street"),
            house_number=get("house_number"),
            line2=get("line2"),
            country=get("country") or None,
            **fields,
        )
    return Address.from_lines(get("street"), get("line2"), country=get("country") or None, **fields)
