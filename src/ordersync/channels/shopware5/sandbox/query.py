"""Shopware 5's list parameters: ``start``, ``limit``, ``filter[n][property|expression|value|operator]`` and
``sort[n][property|direction]`` (shopware5/devdocs ``rest-api/index.md``, "Filter", "Sort", "Limit / Offset").

A filter without ``expression`` compares with LIKE, as Shopware's ``QueryBuilder::addFilter`` does for a
string value (and every value from a query string is one); a non-empty ``operator`` joins the condition with
OR to everything before it (Doctrine's ``orWhere``), otherwise AND. Dates compare as the shop stores them:
local time without a zone, so ``2024-05-01 10:00:00`` and ``2024-05-01T10:00:00`` are the same bound.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

_KEY = re.compile(r"^(filter|sort)\[(\d+)\]\[(\w+)\]$")
EXPRESSIONS = ("=", "!=", "<>", ">", ">=", "<", "<=", "LIKE")


class BadQuery(ValueError):
    pass


def _parts(query: Mapping[str, str]) -> tuple[dict[int, dict[str, str]], dict[int, dict[str, str]]]:
    filters: dict[int, dict[str, str]] = {}
    sorts: dict[int, dict[str, str]] = {}
    for key, value in query.items():
        m = _KEY.match(key)
        if m:
            (filters if m.group(1) == "filter" else sorts).setdefault(int(m.group(2)), {})[m.group(3)] = value
    return filters, sorts


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if re.match(r"^\d{4}-\d{2}-\d{2}", text):
            try:
                parsed = datetime.fromisoformat(text.replace(" ", "T")[:19])
                return parsed.replace(tzinfo=None)
            except ValueError:
                return text
        return text
    return value


def _compare(left: Any, expression: str, right: str) -> bool:
    if left is None:
        return False
    if isinstance(left, (int, float)) and not isinstance(left, bool):
        try:
            r: Any = float(right)
        except ValueError:
            raise BadQuery(f"value {right!r} is not a number") from None
        left = float(left)
    else:
        left, r = _comparable(str(left)), _comparable(right)
        if type(left) is not type(r):
            left, r = str(left), str(r)
    if expression == "LIKE":
        pattern = "^" + re.escape(str(r)).replace("%", ".*").replace("_", ".") + "$"
        return re.match(pattern, str(left), re.IGNORECASE) is not None
    ops: dict[str, Callable[[Any, Any], bool]] = {
        "=": lambda a, b: a == b,
        "!=": lambda a, b: a != b,
        "<>": lambda a, b: a != b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
    }
    return ops[expression](left, r)


def _field_key(key: str) -> Callable[[dict[str, Any]], tuple[bool, Any]]:
    """The sort key on one record key, missing values last (made per key: the sorts run in a loop)."""
    return lambda record: (record.get(key) is None, _comparable(record.get(key)))


def select(
    records: list[dict[str, Any]], query: Mapping[str, str], fields: Mapping[str, str], default_limit: int = 1000
) -> tuple[list[dict[str, Any]], int]:
    """The page of ``records`` the query asks for and the total it counts. ``fields`` maps a filter or sort
    property to the record key it reads (the entity's field names, which differ from the JSON's for some)."""
    filters, sorts = _parts(query)
    hits = []
    conditions = []
    for n in sorted(filters):
        f = filters[n]
        prop, expression = f.get("property", ""), (f.get("expression") or "LIKE").upper()
        if prop not in fields:
            raise BadQuery(f"[Semantical Error] filter property {prop!r} is not a field of this resource")
        if expression not in EXPRESSIONS or "value" not in f:
            raise BadQuery(f"filter {n}: expression {expression!r} or its value is not supported")
        conditions.append((fields[prop], expression, f["value"], bool(f.get("operator"))))
    for record in records:
        ok: bool | None = None
        for key, expression, value, either in conditions:
            hit = _compare(record.get(key), expression, value)
            ok = hit if ok is None else (ok or hit) if either else (ok and hit)
        if ok is None or ok:
            hits.append(record)
    for n in sorted(sorts, reverse=True):
        prop = sorts[n].get("property", "")
        if prop not in fields:
            raise BadQuery(f"[Semantical Error] sort property {prop!r} is not a field of this resource")
        hits.sort(key=_field_key(fields[prop]), reverse=sorts[n].get("direction", "ASC").upper() == "DESC")
    start, limit = _number(query, "start", 0), _number(query, "limit", default_limit)
    return hits[start : start + limit], len(hits)


def _number(query: Mapping[str, str], name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise BadQuery(f"{name} must be a whole number, not {raw!r}")
    return int(raw)
