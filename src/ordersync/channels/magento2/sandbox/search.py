"""Magento's ``searchCriteria`` query grammar, from Adobe's "Search using REST endpoints" page and the admin
schema: ``searchCriteria[filterGroups][G][filters][F][field|value|conditionType]`` (the docs also write
``filter_groups``/``condition_type``; Magento accepts both spellings), ``[sortOrders][N][field|direction]``,
``[pageSize]``, ``[currentPage]``. Filters within a group are OR-ed, groups are AND-ed; ``conditionType``
defaults to ``eq``. A ``currentPage`` past the end answers the LAST page again (Magento clamps the page to
the collection's last page; magento/magento2#3787, #26986) while ``search_criteria`` in the answer echoes the
page asked for, so a client must stop by ``total_count``."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

_KEY = re.compile(r"searchCriteria((?:\[[A-Za-z_0-9]+\])+)$")
_ALIASES = {
    "filter_groups": "filterGroups",
    "condition_type": "conditionType",
    "sort_orders": "sortOrders",
    "page_size": "pageSize",
    "current_page": "currentPage",
}


class SearchError(ValueError):
    """A criteria Magento cannot run: 400 with its message."""


def parse(query: Mapping[str, str]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for key, value in query.items():
        match = _KEY.match(key)
        if match is None:
            continue
        parts = [_ALIASES.get(p, p) for p in re.findall(r"\[([^\]]+)\]", match.group(1))]
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise SearchError(f'"{key}" is not a valid search criteria parameter.')
        node[parts[-1]] = value
    groups = []
    for _, group in sorted((tree.get("filterGroups") or {}).items(), key=lambda kv: int(kv[0])):
        filters = []
        for _, f in sorted((group.get("filters") or {}).items(), key=lambda kv: int(kv[0])):
            if not f.get("field"):
                raise SearchError('"field" is required for a filter.')
            filters.append(
                {"field": f["field"], "value": f.get("value", ""), "condition_type": f.get("conditionType", "eq")}
            )
        groups.append({"filters": filters})
    sorts = [
        {"field": s.get("field", ""), "direction": (s.get("direction") or "ASC").upper()}
        for _, s in sorted((tree.get("sortOrders") or {}).items(), key=lambda kv: int(kv[0]))
    ]
    criteria: dict[str, Any] = {"filter_groups": groups}
    if sorts:
        criteria["sort_orders"] = sorts
    for name, out in (("pageSize", "page_size"), ("currentPage", "current_page")):
        if name in tree:
            if not str(tree[name]).isdigit():
                raise SearchError(
                    f'The "{tree[name]}" value\'s type is invalid. The "int" type was expected. Verify and try again.'
                )
            criteria[out] = int(tree[name])
    return criteria


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _compare(have: Any, op: str, want: str) -> bool:
    if op in ("in", "nin"):
        hit = str(have) in [w.strip() for w in want.split(",")]
        return hit if op == "in" else not hit
    if op == "like":
        pattern = "^" + re.escape(want).replace("%", ".*") + "$"
        return re.match(pattern, str(have), re.IGNORECASE) is not None
    if op in ("null", "notnull"):
        return (have is None) == (op == "null")
    if have is None:
        return False
    a, b = _number(have), _number(want)
    left: Any  # both Decimals when both are numbers, else both texts
    right: Any
    left, right = (a, b) if a is not None and b is not None else (str(have), want)
    ops = {
        "eq": left == right,
        "neq": left != right,
        "gt": left > right,
        "gteq": left >= right,
        "lt": left < right,
        "lteq": left <= right,
        "from": left >= right,
        "to": left <= right,
    }
    if op not in ops:
        raise SearchError(f'Invalid condition type "{op}".')
    return ops[op]


def run(
    rows: list[dict[str, Any]], criteria: dict[str, Any], *, fields: set[str], page_cap: int | None = None
) -> tuple[list[dict[str, Any]], int, int]:
    """The page of ``rows`` the criteria select, the total count and the page Magento answered."""
    for group in criteria["filter_groups"]:
        for f in group["filters"]:
            if f["field"] not in fields:
                raise SearchError(f"Column not found: 1054 Unknown column '{f['field']}' in 'where clause'")
    hits = [
        r
        for r in rows
        if all(
            any(_compare(r.get(f["field"]), f["condition_type"], str(f["value"])) for f in g["filters"])
            for g in criteria["filter_groups"]
            if g["filters"]
        )
    ]
    for sort in reversed(criteria.get("sort_orders", [])):
        if sort["field"] not in fields:
            raise SearchError(f"Column not found: 1054 Unknown column '{sort['field']}' in 'order clause'")
        hits.sort(
            key=lambda r: (
                _number(r.get(sort["field"])) is None,
                _number(r.get(sort["field"]))
                if _number(r.get(sort["field"])) is not None
                else str(r.get(sort["field"])),
            ),
            reverse=sort["direction"] == "DESC",
        )
    size = criteria.get("page_size") or 0
    if page_cap:
        size = min(size or page_cap, page_cap)
    if not size:
        return hits, len(hits), 1
    last = max(1, math.ceil(len(hits) / size))
    page = min(max(1, criteria.get("current_page") or 1), last)  # past the end: the last page again
    return hits[(page - 1) * size : page * size], len(hits), page
