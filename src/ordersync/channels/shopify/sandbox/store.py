"""The shop's state behind the sandbox: orders, catalogue, inventory, webhooks, bulk operations. One lock.

Orders are listed as Shopify lists them: filtered by the search syntax of the ``query`` argument (the
``field:op value`` terms the connector uses, joined by AND; unknown terms are ignored, as Shopify ignores them
with a search warning), sorted by ``sortKey`` with the id as tie-breaker, and paged by opaque cursors that
encode (sort value, id). A cursor names a position, not an offset, so an order that changes while a window is
paged moves behind the cursor instead of shifting the pages.
"""

from __future__ import annotations

import base64
import bisect
import json
import re
import threading
from datetime import UTC, datetime
from typing import Any

from .data import build_catalogue, build_order, gid, iso, order_times

_TERM = re.compile(r"^\s*([a-z_]+):(>=|<=|>|<|=)?\s*(?:'([^']*)'|\"([^\"]*)\"|(\S+))\s*$")
_SORT = {"UPDATED_AT": "updatedAt", "CREATED_AT": "createdAt", "PROCESSED_AT": "processedAt", "ID": None}
_DATE_FIELDS = {"updated_at": "updatedAt", "created_at": "createdAt", "processed_at": "processedAt"}


class SearchError(ValueError):
    pass


def epoch(text: str) -> float:
    value = datetime.fromisoformat(text.strip())
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def parse_search(query: str | None) -> list[tuple[str, str, float]]:
    """``updated_at:>='2025-01-01T00:00:00Z' AND …`` → [(field, op, epoch)] for the date terms."""
    terms = []
    for raw in re.split(r"\s+AND\s+", query or "", flags=re.IGNORECASE):
        if not raw.strip():
            continue
        match = _TERM.match(raw)
        if match is None:
            continue
        name, op, *values = match.groups()
        if name in _DATE_FIELDS:
            text = next(v for v in values if v is not None)
            try:
                terms.append((_DATE_FIELDS[name], op or "=", epoch(text)))
            except ValueError:
                raise SearchError(f"invalid date in search term {raw.strip()!r}") from None
    return terms


def _matches(obj: dict[str, Any], terms: list[tuple[str, str, float]]) -> bool:
    for field, op, value in terms:
        if not obj.get(field):
            return False
        have = epoch(obj[field])
        if not {"=": have == value, ">=": have >= value, "<=": have <= value, ">": have > value, "<": have < value}[op]:
            return False
    return True


def encode_cursor(key: tuple[Any, ...]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def decode_cursor(cursor: str) -> tuple[Any, ...]:
    try:
        return tuple(json.loads(base64.urlsafe_b64decode(cursor.encode())))
    except ValueError:
        raise SearchError(f"invalid cursor {cursor!r}") from None


def _number(gid_text: str) -> int:
    return int(str(gid_text).rsplit("/", 1)[-1])


class ShopStore:
    def __init__(self, *, seed: int, orders: int, products: int, anchor: int, history_days: int) -> None:
        self.seed, self.n_orders, self.n_products = seed, orders, products
        self.anchor, self.history_days = anchor, history_days
        self.lock = threading.RLock()
        self.page_cap: int | None = None
        self.load()

    def load(self) -> None:
        with self.lock:
            self.products = build_catalogue(self.seed, self.n_products, self.anchor)
            self.variants = {v["id"]: v for p in self.products for v in p["variants"]}
            self.items = {v["inventoryItem"]["id"]: v for v in self.variants.values()}
            self.locations = {
                gid("Location", 81_000_000 + n): {
                    "__typename": "Location",
                    "id": gid("Location", 81_000_000 + n),
                    "name": name,
                    "isActive": True,
                }
                for n, name in ((1, "Lager Berlin"), (2, "Ladengeschäft"))
            }
            self.levels = {
                (item, loc): v["inventoryQuantity"] for item, v in self.items.items() for loc in self.locations
            }
            variants = list(self.variants.values())
            self.orders: dict[str, dict[str, Any]] = {}
            for n, (created, updated) in enumerate(
                order_times(self.seed, self.n_orders, self.anchor, self.history_days), 1
            ):
                order = build_order(self.seed, n, created, updated, variants)
                self.orders[order["id"]] = order
            self.next_number = self.n_orders + 1
            self.webhooks: dict[str, dict[str, Any]] = {}
            self.bulk: dict[str, dict[str, Any]] = {}
            self.bulk_files: dict[str, bytes] = {}
            self.sequence = 0
            self.version = 0
            self._sorted: dict[str, tuple[int, list[tuple[Any, ...]], list[dict[str, Any]]]] = {}
            self._customers: tuple[int, list[dict[str, Any]]] | None = None

    def next_id(self) -> int:
        with self.lock:
            self.sequence += 1
            return 90_000_000 + self.sequence

    def touch(self, order: dict[str, Any], when: float | None = None) -> None:
        """Mark an order changed now (Shopify's updatedAt has whole seconds)."""
        with self.lock:
            order["updatedAt"] = iso(when if when is not None else datetime.now(UTC).timestamp())
            self.version += 1

    def add_order(self, created: int, updated: int, **options: Any) -> dict[str, Any]:
        with self.lock:
            n = self.next_number
            self.next_number += 1
            order = build_order(self.seed, n, created, updated, list(self.variants.values()), **options)
            self.orders[order["id"]] = order
            self.version += 1
            return order

    # listing ---------------------------------------------------------------------------------------
    def _key(self, obj: dict[str, Any], sort_field: str | None) -> tuple[Any, ...]:
        return (epoch(obj[sort_field]) if sort_field else 0, _number(obj["id"]))

    def _listing(self, kind: str, sort_key: str) -> tuple[list[tuple[Any, ...]], list[dict[str, Any]]]:
        sort_field = (
            _SORT.get(sort_key, "updatedAt")
            if kind == "orders"
            else ("updatedAt" if sort_key == "UPDATED_AT" else None)
        )
        cache_key = f"{kind}:{sort_key}"
        cached = self._sorted.get(cache_key)
        if cached is None or cached[0] != self.version:
            source = {
                "orders": lambda: self.orders.values(),
                "products": lambda: self.products,
                "productVariants": lambda: self.variants.values(),
                "inventoryItems": lambda: [v["inventoryItem"] for v in self.variants.values()],
                "locations": lambda: self.locations.values(),
                "customers": self.customers,
            }[kind]()
            rows = sorted(((self._key(o, sort_field), o) for o in source), key=lambda r: r[0])
            cached = (self.version, [r[0] for r in rows], [r[1] for r in rows])
            self._sorted[cache_key] = cached
        return cached[1], cached[2]

    def customers(self) -> list[dict[str, Any]]:
        """The shop's customers: one per customer id of the orders, first seen when their first order was."""
        cached = self._customers
        if cached is not None and cached[0] == self.version:
            return cached[1]
        found: dict[str, dict[str, Any]] = {}
        for order in sorted(self.orders.values(), key=lambda o: o["createdAt"]):
            ref = order.get("customer")
            if not ref or not ref.get("id"):
                continue
            customer = found.setdefault(ref["id"], {**ref, "createdAt": order["createdAt"]})
            customer["updatedAt"] = max(customer.get("updatedAt") or "", order["updatedAt"])
        result = list(found.values())
        self._customers = (self.version, result)
        return result

    def page(
        self,
        kind: str,
        *,
        first: int | None,
        after: str | None,
        query: str | None,
        sort_key: str,
        reverse: bool = False,
    ) -> tuple[list[tuple[tuple[Any, ...], dict[str, Any]]], bool]:
        """(key, object) pairs of one page and whether more follow; ``first`` None = everything (bulk)."""
        terms = parse_search(query)
        if first is not None and kind == "orders" and self.page_cap:  # conformance profile: small pages
            first = min(first, self.page_cap)
        with self.lock:
            keys, objs = self._listing(kind, sort_key)
            order = range(len(keys) - 1, -1, -1) if reverse else range(len(keys))
            start = 0
            if after:
                position = decode_cursor(after)
                if reverse:
                    start = len(keys) - bisect.bisect_left(keys, position)
                else:
                    start = bisect.bisect_right(keys, position)
            out: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
            more = False
            for index in list(order)[start:]:
                obj = objs[index]
                if not _matches(obj, terms):
                    continue
                if first is not None and len(out) >= first:
                    more = True
                    break
                out.append((keys[index], obj))
            return out, more

    def in_window(self, query: str | None) -> list[dict[str, Any]]:
        terms = parse_search(query)
        with self.lock:
            return [o for o in self.orders.values() if _matches(o, terms)]
