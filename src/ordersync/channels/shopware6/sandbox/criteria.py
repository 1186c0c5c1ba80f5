"""Shopware's search Criteria as the Admin API applies them (``POST /api/search/{entity}``).

From the vendor's OpenAPI (``Criteria``, ``EqualsFilter``, ``RangeFilter``, ``MultiNotFilter``,
``SimpleFilter``): ``filter`` is a list combined with AND; ``multi`` combines ``queries`` with
``operator`` and/or (default and), ``not`` negates them; ``equals`` compares one field (``null`` matches a
missing or null value); ``range`` takes gt/gte/lt/lte. ``sort`` entries have ``field`` and ``order``
(ASC/DESC). ``page`` starts at 1 and ``limit`` sets the page size. ``total-count-mode``: ``none`` (the
default: total = the records of this page), ``exact`` (all hits), ``next-pages`` (hits up to the next few
pages). ``associations`` names the related entities to load; without it they are left out of the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

#: relation keys the sandbox leaves out unless ``associations`` asks for them (Shopware loads none of
#: these by default)
ASSOCIATIONS = frozenset(
    {
        "lineItems",
        "deliveries",
        "transactions",
        "addresses",
        "orderCustomer",
        "currency",
        "stateMachineState",
        "shippingOrderAddress",
        "shippingMethod",
        "paymentMethod",
        "country",
        "billingAddress",
    }
)
MAX_LIMIT = 500


class CriteriaError(ValueError):
    """A criteria the API refuses (400 with FRAMEWORK__INVALID_CRITERIA_... in Shopware)."""


def value_at(record: Any, path: str) -> Any:
    current = record
    for part in path.split("."):
        if not isinstance(current, dict):
            return None
        current = current.get(part)
    return current


def _comparable(value: Any) -> Any:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        # Shopware keeps dates in UTC ("Y-m-d H:i:s.v"); a date without zone in a filter is read as UTC
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


def matches(record: Any, flt: Any) -> bool:
    if not isinstance(flt, dict) or "type" not in flt:
        raise CriteriaError(f"a filter must be an object with a type, not {flt!r}")
    kind = flt["type"]
    if kind in ("multi", "not"):
        queries = flt.get("queries")
        if not isinstance(queries, list):
            raise CriteriaError(f"{kind} filter needs a list of queries")
        results = [matches(record, q) for q in queries]
        op = str(flt.get("operator") or "and").lower()
        combined = any(results) if op in ("or", "nor") else all(results)
        if op in ("nor", "nand"):
            combined = not combined
        return not combined if kind == "not" else combined
    field = flt.get("field")
    if not isinstance(field, str) or not field:
        raise CriteriaError(f"{kind} filter needs a field")
    value = value_at(record, field)
    if kind == "equals":
        expected = flt.get("value")
        return value is None if expected is None else str(value) == str(expected)
    if kind == "equalsAny":
        wanted = flt.get("value")
        wanted = wanted.split("|") if isinstance(wanted, str) else wanted
        return str(value) in {str(w) for w in wanted or []}
    if kind == "contains":
        return value is not None and str(flt.get("value")) in str(value)
    if kind == "prefix":
        return value is not None and str(value).startswith(str(flt.get("value")))
    if kind == "range":
        params = flt.get("parameters")
        if not isinstance(params, dict) or not params:
            raise CriteriaError("range filter needs parameters")
        if value is None:
            return False
        left = _comparable(value)
        for op, bound in params.items():
            right = _comparable(bound)
            try:
                ok = {"gt": left > right, "gte": left >= right, "lt": left < right, "lte": left <= right}[op]
            except KeyError:
                raise CriteriaError(f"range parameter {op!r} is not gt, gte, lt or lte") from None
            except TypeError:
                raise CriteriaError(f"range on {field} compares {value!r} with {bound!r}") from None
            if not ok:
                return False
        return True
    raise CriteriaError(f"filter type {kind!r} is not supported")


def _path_key(path: str) -> Callable[[dict[str, Any]], tuple[bool, str]]:
    """The sort key on one field path, missing values last (made per path: the sorts run in a loop)."""
    return lambda record: (value_at(record, path) is None, str(value_at(record, path)))


def search(records: list[dict[str, Any]], criteria: dict[str, Any]) -> tuple[list[dict[str, Any]], int, list]:
    """The page of records the criteria select, the total as ``total-count-mode`` counts it, and all hits."""
    if not isinstance(criteria, dict):
        raise CriteriaError("the criteria must be a JSON object")
    hits = records
    ids = criteria.get("ids")
    if ids is not None:
        wanted = set(ids if isinstance(ids, list) else str(ids).split("|"))
        hits = [r for r in hits if r.get("id") in wanted]
    for flt in criteria.get("filter") or []:
        hits = [r for r in hits if matches(r, flt)]
    for entry in reversed(criteria.get("sort") or []):
        if not isinstance(entry, dict) or not entry.get("field"):
            raise CriteriaError("a sort entry needs a field")
        desc = str(entry.get("order") or "ASC").upper() == "DESC"
        hits = sorted(hits, key=_path_key(entry["field"]), reverse=desc)
    limit, page = criteria.get("limit"), criteria.get("page", 1)
    if limit is not None and (not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT):
        raise CriteriaError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    if not isinstance(page, int) or page < 1:
        raise CriteriaError("page must be a whole number from 1")
    offset = (page - 1) * limit if limit else 0
    rows = hits[offset : offset + limit] if limit else hits
    mode = criteria.get("total-count-mode", "none")
    if mode in (1, "exact"):
        total = len(hits)
    elif mode in (2, "next-pages"):
        total = min(len(hits), offset + (limit or len(hits)) * 6)
    elif mode in (0, "none", None):
        total = len(rows)
    else:
        raise CriteriaError(f"total-count-mode {mode!r} is not none, exact or next-pages")
    return rows, total, hits


def project(record: Any, wanted: Any) -> Any:
    """The record with only the associations ``wanted`` (a Criteria ``associations`` tree) asks for."""
    tree = wanted if isinstance(wanted, dict) else {}
    if isinstance(record, list):
        return [project(r, tree) for r in record]
    if not isinstance(record, dict):
        return record
    out = {}
    for key, value in record.items():
        if key in ASSOCIATIONS:
            if key not in tree:
                continue
            sub = tree[key].get("associations", {}) if isinstance(tree[key], dict) else {}
            out[key] = project(value, sub)
        else:
            out[key] = value
    return out
