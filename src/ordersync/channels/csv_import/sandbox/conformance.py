"""The CSV export server's conformance profile (see ``sdk.sandbox.CONFORMANCE_ACTIONS``).

An export file is the platform's whole current view of its orders: a new order is new rows, a change is a
changed row, a deleted order is rows gone, and the file is read at once (no pages, so nothing can shift
between pages). A record a reader cannot use has a quantity that is a word.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ...sdk.sandbox import SandboxMixin

BOM = b"\xef\xbb\xbf"
STATUS = 2
QUANTITY = 14


def _amount(text: str) -> Decimal:
    """A German amount as the export writes it: "1.234,56"."""
    return Decimal(text.replace(".", "").replace(",", "."))


def _ids(body: dict[str, Any]) -> list[str]:
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids:
        raise ValueError("'ids' must be a non-empty list of order numbers")
    return [str(i) for i in ids]


if TYPE_CHECKING:
    from collections.abc import Callable

    from .app import _File


class CsvConformance(SandboxMixin):
    """Mixed into ``CsvSandbox``: the profile actions, editing ``orders.csv`` row by row."""

    if TYPE_CHECKING:  # set by the sandbox class this is mixed into
        files: dict[str, _File]
        put: Callable[[str, bytes], _File]

    header = ""  # the export's header line, set by the sandbox

    def conformance_profile(self) -> dict[str, Any]:
        return {
            "orders_read": {"method": "GET", "path": "/files/*"},
            "writes": {},
            "pages": False,
            "rate_limit": None,
            "throttled": 0,
        }

    def _orders(self) -> dict[str, list[list[str]]]:
        """Order number -> its rows (cells); the export has no quoted cells for these rows."""
        text = self.files["orders.csv"].content.removeprefix(BOM).decode("utf-8")
        orders: dict[str, list[list[str]]] = {}
        for line in text.split("\r\n")[1:]:
            if line:
                cells = line.split(";")
                orders.setdefault(cells[0], []).append(cells)
        return orders

    def _write(self, orders: dict[str, list[list[str]]]) -> None:
        lines = [self.header, *(";".join(cells) for rows in orders.values() for cells in rows)]
        self.put("orders.csv", BOM + ("\r\n".join(lines) + "\r\n").encode("utf-8"))

    def _row(self, number: int, quantity: str = "1") -> list[str]:
        placed = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%d.%m.%Y %H:%M")
        return [
            str(number),
            placed,
            "offen",
            "EUR",
            "Anna",
            "Müller",
            "Hauptstraße 5",
            "10115",
            "Berlin",
            "DE",
            f"kunde{number}@example.org",
            "4,90",
            "TS-01",
            "Bio-Baumwoll-Shirt",
            quantity,
            "24,90",
            "19",
        ]

    def _add(self, count: int, quantity: str = "1") -> list[str]:
        orders = self._orders()
        start = max([int(n) for n in orders if n.isdigit()] or [10000]) + 1
        new = {str(n): [self._row(n, quantity)] for n in range(start, start + count)}
        self._write({**orders, **new})
        return list(new)

    def conform_create(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"ids": self._add(int(body.get("count", 1)))}

    def conform_modify(self, body: dict[str, Any]) -> dict[str, Any]:
        orders = self._orders()
        for number in _ids(body):
            if number not in orders:
                raise LookupError(f"no order {number} in the export")
            first = orders[number][0]
            first[STATUS] = "bezahlt" if first[STATUS] != "bezahlt" else "offen"
        self._write(orders)
        return {"ids": _ids(body)}

    def conform_hide(self, body: dict[str, Any]) -> dict[str, Any]:
        orders = self._orders()
        for number in _ids(body):
            if orders.pop(number, None) is None:
                raise LookupError(f"no order {number} in the export")
        self._write(orders)
        return {"ids": _ids(body)}

    def conform_malformed(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"id": self._add(1, quantity="zwei")[0], "marker": "zwei", "where": "reason"}

    def conform_view(self, body: dict[str, Any]) -> dict[str, Any]:
        rows = self._orders().get(str(body["id"]))
        if rows is None:
            raise LookupError(f"no order {body['id']} in the export")
        items = sum(_amount(r[15]) * int(r[QUANTITY]) for r in rows)
        return {
            "status": [rows[0][STATUS]],
            "tracking": [],
            "messages": [],
            "total": f"{items + _amount(rows[0][11]):.2f}",
            "currency": rows[0][3],
        }
