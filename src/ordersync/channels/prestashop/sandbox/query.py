"""The webservice's list parameters, as PrestaShop's documentation describes them.

``filter[field]=[value]`` (exact), ``[a|b]`` (any of), ``[a,b]`` (interval, both ends included), ``>[a]`` and
``<[a]``; a date field may only be filtered with ``date=1``. ``sort=[field_ASC]`` or ``[a_ASC,b_DESC]``;
``limit=N`` or ``limit=offset,N``; ``display=full`` or ``display=[f1,f2]`` (without it, only ids are listed).
A malformed parameter is an error 400 in the vendor's format (raised here as ``QueryError``) with the codes a
PrestaShop 9 shop answers with [3p: a deployment's notes]: 32 unknown filter field (also a date filter
without ``date=1``), 35 unknown display field, 36 malformed display, 38 unknown sort field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

DATE_FIELDS = {"date_add", "date_upd", "invoice_date", "delivery_date"}
_FILTER = re.compile(r"^filter\[([a-z0-9_]+)\]$")
_SORT = re.compile(r"^([a-z0-9_]+)_(ASC|DESC)$")


class QueryError(ValueError):
    """A list parameter PrestaShop would refuse; ``code`` is the webservice error code."""

    def __init__(self, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.code = code


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def _key(value: Any) -> tuple[int, Any]:
    """Numbers compare as numbers, everything else as text (dates are 'YYYY-MM-DD HH:MM:SS')."""
    return _text_key(str(value))


@lru_cache(maxsize=1 << 16)
def _text_key(text: str) -> tuple[int, Any]:
    """Remembered: every list call compares every record's ids and dates (a page of a window of 10,000 orders
    sorts all 10,000), and parsing each as a Decimal again made the sandbox, not the client, the slow side."""
    number = _number(text)
    return (0, number) if number is not None else (1, text)


def _field_key(field: str) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    """The sort key on one field (made per field: the sorts run in a loop)."""
    return lambda record: _key(record.get(field, ""))


def _predicate(field: str, raw: str) -> Callable[[Any], bool]:
    if raw.startswith(">[") and raw.endswith("]"):
        low = _key(raw[2:-1])
        return lambda v: _key(v) > low
    if raw.startswith("<[") and raw.endswith("]"):
        high = _key(raw[2:-1])
        return lambda v: _key(v) < high
    if not (raw.startswith("[") and raw.endswith("]")):
        raise QueryError(f"The filter of '{field}' is malformed: {raw!r}", 0)
    inner = raw[1:-1]
    if "," in inner and "|" not in inner:
        low_text, _, high_text = inner.partition(",")
        low, high = _key(low_text.strip()), _key(high_text.strip())
        return lambda v: low <= _key(v) <= high
    options = {_key(part) for part in inner.split("|")}
    return lambda v: _key(v) in options


def filters(query: Mapping[str, str], fields: tuple[str, ...]) -> list[tuple[str, Callable[[Any], bool]]]:
    dated = query.get("date") == "1"
    found = []
    for name, raw in query.items():
        match = _FILTER.match(name)
        if not match:
            continue
        field = match.group(1)
        if field not in fields:
            raise QueryError(f"This filter does not exist: '{field}'. Did you mean one of: " + ", ".join(fields), 32)
        if field in DATE_FIELDS and not dated:
            raise QueryError(f"This filter does not exist: '{field}' (a date filter needs date=1)", 32)
        found.append((field, _predicate(field, raw)))
    return found


def sorting(query: Mapping[str, str], fields: tuple[str, ...]) -> list[tuple[str, bool]]:
    raw = query.get("sort")
    if raw is None:
        return [("id", False)]
    if not (raw.startswith("[") and raw.endswith("]")):
        raise QueryError(f"The 'sort' value is malformed: {raw!r}", 38)
    order = []
    for part in raw[1:-1].split(","):
        match = _SORT.match(part.strip())
        if not match or match.group(1) not in fields:
            raise QueryError(f"Unable to sort by '{part.strip()}': use a field of the resource with _ASC or _DESC", 38)
        order.append((match.group(1), match.group(2) == "DESC"))
    return order


def limit(query: Mapping[str, str]) -> tuple[int, int | None]:
    raw = query.get("limit")
    if raw is None:
        return 0, None
    parts = raw.split(",")
    if len(parts) > 2 or not all(p.strip().isdigit() for p in parts):
        raise QueryError(f"The 'limit' value is malformed: {raw!r} (use N or offset,N)", 0)
    if len(parts) == 1:
        return 0, int(parts[0])
    return int(parts[0]), int(parts[1])


def display(query: Mapping[str, str], fields: tuple[str, ...]) -> tuple[str, ...] | None:
    """None = full; else the fields to show (``("id",)`` without the parameter)."""
    raw = query.get("display")
    if raw is None:
        return ("id",)
    if raw == "full":
        return None
    if not (raw.startswith("[") and raw.endswith("]")):
        raise QueryError(f"The 'display' value is malformed: {raw!r}", 36)
    wanted = tuple(p.strip() for p in raw[1:-1].split(",") if p.strip())
    unknown = [w for w in wanted if w not in fields and w != "associations"]
    if unknown:
        raise QueryError(
            f"Unable to display this field '{unknown[0]}'. However, these are available: " + ", ".join(fields), 35
        )
    return wanted


def select(records: list[dict[str, Any]], query: Mapping[str, str], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Filtered, sorted and limited records (not yet cut to ``display``)."""
    tests = filters(query, fields)  # parsed once per request, not once per record
    hits = [r for r in records if all(test(r.get(field, "")) for field, test in tests)]
    for field, descending in reversed(sorting(query, fields)):
        hits.sort(key=_field_key(field), reverse=descending)
    start, count = limit(query)
    return hits[start:] if count is None else hits[start : start + count]
