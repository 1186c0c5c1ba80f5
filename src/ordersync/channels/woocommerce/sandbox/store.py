"""The shop's state: orders (lazily built, pre-serialized, indexed by modification time), notes, products.

Listing speed matters (a benchmark imports thousands of orders per second from here), so an order's JSON is
serialized once and kept as bytes; a list response is a join of cached bytes. Query results are cached per
parameter set and dropped whenever anything changes (``version``). All access goes through one lock: the
ASGI handlers, the control API (in a worker thread) and tests calling in directly share this state.
"""

from __future__ import annotations

import bisect
import json
import re
import threading
from datetime import UTC, datetime
from typing import Any

from .data import (
    SITE_TZ,
    STATUS_NAMES,
    OrderRow,
    build_catalogue,
    build_order,
    dates,
    order_flags,
    order_notes,
    order_rows,
)

PAID_STATUSES = ("processing", "completed")
CACHE_LIMIT = 50_000  # generated bodies kept; changed orders are always kept


def dump(obj: Any) -> bytes:
    """JSON as WordPress sends it: compact, ASCII with \\u escapes, and slashes escaped."""
    return json.dumps(obj, separators=(",", ":")).replace("/", "\\/").encode()


def bound(text: str, gmt: bool) -> int:
    """A date argument as WordPress's WP_Date_Query applies it: the value becomes a site-local wall-clock
    time (an offset in it is converted to the site zone, none means site time), and that wall clock is
    compared with the GMT column when ``dates_are_gmt`` is set, else with the local one. So with
    ``dates_are_gmt`` send naive UTC; ``...Z`` is shifted by the site's UTC offset."""
    text = text.strip().replace("t", "T").replace("z", "Z").replace(" ", "T", 1)
    value = datetime.fromisoformat(text.replace("Z", "+00:00")).replace(microsecond=0)
    if value.tzinfo is not None:
        value = value.astimezone(SITE_TZ).replace(tzinfo=None)
    return int(value.replace(tzinfo=UTC if gmt else SITE_TZ).timestamp())


def _epoch_gmt(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def set_dates(obj: dict, prefix: str, epoch: int | None) -> None:
    obj.update(dates(prefix, epoch))


def merge_meta(meta: list[dict], changes: list[Any], next_id: Any) -> bool:
    """WooCommerce's update_meta_data: match by id, else by key, else append. Returns whether anything changed."""
    changed = False
    for item in changes:
        if not isinstance(item, dict) or "key" not in item:
            continue
        hit = next((m for m in meta if item.get("id") and m["id"] == item["id"]), None) or next(
            (m for m in meta if m["key"] == item["key"]), None
        )
        if hit is None:
            meta.append({"id": next_id(), "key": item["key"], "value": item.get("value")})
            changed = True
        elif hit["value"] != item.get("value") or hit["key"] != item["key"]:
            hit.update(key=item["key"], value=item.get("value"))
            changed = True
    return changed


class WooStore:
    def __init__(
        self,
        *,
        seed: int,
        orders: int,
        products: int,
        catalog_seed: int,
        anchor: int,
        history_days: int = 180,
        parent_stock_share: float = 0.35,
    ) -> None:
        self.seed, self.n_orders, self.n_products = seed, orders, products
        self.parent_stock_share = parent_stock_share
        self.catalog_seed, self.anchor, self.history_days = catalog_seed, anchor, history_days
        self.lock = threading.RLock()
        self.load()

    def load(self) -> None:
        with self.lock:
            self.products, self.variations, self.sellables = build_catalogue(
                self.catalog_seed, self.n_products, self.anchor, self.parent_stock_share
            )
            self.parent_of = {v: p["id"] for p in self.products.values() for v in p["variations"]}
            rows = order_rows(self.seed, self.n_orders, self.anchor, self.history_days)
            self.rows = {r.id: r for r in rows}
            self.ids = [r.id for r in rows]
            self.by_modified = sorted((r.modified, r.id) for r in rows)
            self.cache: dict[int, bytes] = {}
            self.changed: dict[int, bytes] = {}
            self.notes: dict[int, list[dict]] = {}
            self.product_cache: dict[int, bytes] = {}
            self.queries: dict[tuple, tuple[int, list[int]]] = {}
            self.version = 0
            self.next_index = len(rows)
            self.next_order_id = (rows[-1].id if rows else 999) + 2
            self._ids = iter(range(90_000_000, 10**10))

    def new_id(self) -> int:
        return next(self._ids)

    # orders -------------------------------------------------------------------------------------
    def order_bytes(self, oid: int) -> bytes | None:
        with self.lock:
            body = self.changed.get(oid) or self.cache.get(oid)
            if body is None:
                row = self.rows.get(oid)
                if row is None:
                    return None
                if len(self.cache) >= CACHE_LIMIT:  # bounded: a 100k-order shop stays well under 200 MB
                    for old in list(self.cache)[: CACHE_LIMIT // 2]:
                        del self.cache[old]
                body = self.cache[oid] = dump(build_order(self.seed, row, self.sellables))
            return body

    def order(self, oid: int) -> dict | None:
        body = self.order_bytes(oid)
        return None if body is None else json.loads(body)

    def existing_order(self, oid: int) -> dict:
        """An order the caller has already found (its id came from the index or a checked request)."""
        order = self.order(oid)
        if order is None:
            raise LookupError(f"no order with id {oid}")
        return order

    def save_order(self, order: dict, modified: int | None) -> None:
        """Store a changed order; ``modified`` (epoch) moves it in the index and stamps date_modified."""
        with self.lock:
            oid, row = order["id"], self.rows[order["id"]]
            if modified is not None:
                set_dates(order, "date_modified", modified)
                if modified != row.modified:
                    self.by_modified.pop(bisect.bisect_left(self.by_modified, (row.modified, oid)))
                    bisect.insort(self.by_modified, (modified, oid))
                    row.modified = modified
            row.status = order["status"]
            if {"id", "order_key", "status", "total"} <= order.keys() and "payment_url" in order:
                order.update(order_flags(order))
            self.changed[oid] = dump(order)
            self.cache.pop(oid, None)
            self.version += 1

    def add_row(self, created: int, modified: int, status: str) -> OrderRow:
        with self.lock:
            row = OrderRow(self.next_order_id, self.next_index, status, created, modified)
            self.next_order_id += 1
            self.next_index += 1
            self.rows[row.id] = row
            bisect.insort(self.ids, row.id)
            bisect.insort(self.by_modified, (modified, row.id))
            self.version += 1
            return row

    def remove_order(self, oid: int) -> None:
        with self.lock:
            row = self.rows.pop(oid)
            self.ids.remove(oid)
            self.by_modified.remove((row.modified, oid))
            for d in (self.cache, self.changed, self.notes):
                d.pop(oid, None)
            self.version += 1

    def query_orders(
        self,
        *,
        statuses: list[str],
        windows: dict[str, int],
        include: list[int],
        exclude: list[int],
        orderby: str,
        order: str,
        search: str = "",
        customer: int | None = None,
        product: int | None = None,
    ) -> list[int]:
        key = (
            tuple(statuses),
            tuple(sorted(windows.items())),
            tuple(include),
            tuple(exclude),
            orderby,
            order,
            search,
            customer,
            product,
        )
        with self.lock:
            hit = self.queries.get(key)
            if hit is not None and hit[0] == self.version:
                return hit[1]
            ids = self._compute(statuses, windows, include, exclude, orderby, search, customer, product)
            ids = ids[::-1] if order == "desc" and orderby != "include" else ids
            if len(self.queries) > 64:
                self.queries.clear()
            self.queries[key] = (self.version, ids)
            return ids

    def _compute(
        self,
        statuses: list[str],
        windows: dict[str, int],
        include: list[int],
        exclude: list[int],
        orderby: str,
        search: str,
        customer: int | None,
        product: int | None,
    ) -> list[int]:
        m_lo, m_hi = windows.get("modified_after"), windows.get("modified_before")
        c_lo, c_hi = windows.get("after"), windows.get("before")
        if orderby == "modified":
            lo = 0 if m_lo is None else bisect.bisect_right(self.by_modified, (m_lo, 10**12))
            hi = len(self.by_modified) if m_hi is None else bisect.bisect_left(self.by_modified, (m_hi, -1))
            base = [oid for _, oid in self.by_modified[lo:hi]]
        elif orderby == "include":
            base = [i for i in dict.fromkeys(include) if i in self.rows]
        else:  # date, id, title, slug: ids rise with creation time
            base = self.ids
        any_status = "any" in statuses
        wanted = set(statuses)
        inc, exc = set(include), set(exclude)
        rows, out = self.rows, []
        for oid in base:
            r = rows[oid]
            if r.status == "trash" if any_status else r.status not in wanted:
                continue
            if (inc and oid not in inc) or oid in exc:
                continue
            if (m_lo is not None and r.modified <= m_lo) or (m_hi is not None and r.modified >= m_hi):
                continue
            if (c_lo is not None and r.created <= c_lo) or (c_hi is not None and r.created >= c_hi):
                continue
            out.append(oid)
        if search or customer is not None or product is not None:
            out = [oid for oid in out if self._matches(oid, search, customer, product)]
        return out

    def _matches(self, oid: int, search: str, customer: int | None, product: int | None) -> bool:
        body = self.order_bytes(oid)
        if body is None:  # not reached: the ids come from self.rows, under the lock
            raise LookupError(f"no order with id {oid}")
        order = json.loads(body)
        if customer is not None and order.get("customer_id") != customer:
            return False
        if product is not None and all(i.get("product_id") != product for i in order.get("line_items", [])):
            return False
        return not search or search.lower() in body.decode("unicode_escape").lower()

    def order_notes(self, oid: int) -> list[dict]:
        with self.lock:
            if oid not in self.notes:
                return order_notes(self.rows[oid], self.existing_order(oid))
            return self.notes[oid]

    def add_note(self, oid: int, text: str, *, customer_note: bool, author: str, epoch: int) -> dict:
        with self.lock:
            note = {
                "id": self.new_id(),
                "author": author,
                **dates("date_created", epoch),
                "note": text,
                "customer_note": customer_note,
            }
            self.notes[oid] = [note, *self.order_notes(oid)]
            return note

    def update_order(self, oid: int, body: dict, epoch: int) -> tuple[dict, dict[str, Any]]:
        """Apply a PUT body as WooCommerce does; returns the order and what changed (field -> new value)."""
        with self.lock:
            order = self.existing_order(oid)
            changes: dict[str, Any] = {}
            for field in ("customer_note", "transaction_id", "payment_method", "payment_method_title"):
                if field in body and order[field] != body[field]:
                    order[field] = changes[field] = body[field]
            for field in ("billing", "shipping"):
                patch = {k: v for k, v in (body.get(field) or {}).items() if k in order[field]}
                if any(order[field][k] != v for k, v in patch.items()):
                    order[field].update(patch)
                    changes[field] = patch
            if body.get("meta_data") and merge_meta(order["meta_data"], body["meta_data"], self.new_id):
                changes["meta_data"] = body["meta_data"]
            status = body.get("status") or (
                "processing"
                if body.get("set_paid")
                and not order["date_paid"]
                and order["status"] in ("pending", "on-hold", "failed")
                else None
            )
            if body.get("set_paid") and not order["date_paid"]:
                set_dates(order, "date_paid", epoch)
                changes["date_paid"] = order["date_paid_gmt"]
            if status and status != order["status"]:
                old, order["status"] = order["status"], status
                changes["status"] = status
                if status in PAID_STATUSES and not order["date_paid"]:
                    set_dates(order, "date_paid", epoch)
                if status == "completed" and not order["date_completed"]:
                    set_dates(order, "date_completed", epoch)
                self.add_note(
                    oid,
                    f"Order status changed from {STATUS_NAMES.get(old, old)} to {STATUS_NAMES.get(status, status)}.",
                    customer_note=False,
                    author="system",
                    epoch=epoch,
                )
            if changes:
                self.save_order(order, epoch)
            return order, changes

    # products -----------------------------------------------------------------------------------
    def product_bytes(self, pid: int) -> bytes | None:
        with self.lock:
            if pid not in self.product_cache:
                if pid in self.products:
                    self.product_cache[pid] = dump(self.products[pid])
                elif pid in self.variations:
                    self.product_cache[pid] = dump(self.variation_as_product(pid))
                else:
                    return None
            return self.product_cache[pid]

    def variation_view(self, vid: int) -> dict:
        """A variation as the API shows it: one whose own ``manage_stock`` is false while its parent manages
        stock says ``"parent"`` and shows the parent's quantity and status (WC_Product_Variation's view
        context); its stored fields stay its own, so a write of ``manage_stock: true`` detaches it."""
        var = self.variations[vid]
        parent = self.products[self.parent_of[vid]]
        if var["manage_stock"] is False and parent["manage_stock"] is True:
            return {
                **var,
                "manage_stock": "parent",
                "stock_quantity": parent["stock_quantity"],
                "stock_status": parent["stock_status"],
            }
        return var

    def variation_as_product(self, vid: int) -> dict:
        """A variation seen through /products (e.g. a SKU search finds it): product fields, type variation."""
        var, parent = self.variation_view(vid), self.products[self.parent_of[vid]]
        product = {**parent, **{k: v for k, v in var.items() if k in parent}}
        product.update(
            name=f"{parent['name']} - {', '.join(a['option'] for a in var['attributes'])}",
            type="variation",
            parent_id=parent["id"],
            variations=[],
            images=[var["image"]],
            attributes=var["attributes"],
            slug=f"{parent['slug']}-{vid}",
        )
        return product

    def query_products(
        self,
        *,
        windows: dict[str, int],
        include: list[int],
        exclude: list[int],
        orderby: str,
        order: str,
        type_: str | None,
        skus: list[str],
        search: str,
        status: str,
    ) -> list[int]:
        with self.lock:
            pool = list(self.products.values())
            if skus:
                pool = [p for p in pool + [self.variation_as_product(v) for v in self.variations] if p["sku"] in skus]
            out = []
            for p in pool:
                created, modified = _epoch_gmt(p["date_created_gmt"]), _epoch_gmt(p["date_modified_gmt"])
                if (include and p["id"] not in include) or p["id"] in exclude or (type_ and p["type"] != type_):
                    continue
                if status != "any" and p["status"] != status:
                    continue
                if search and search.lower() not in (p["name"] + " " + p["sku"]).lower():
                    continue
                if not _in_windows(windows, created, modified):
                    continue
                out.append(p)
            keys = {
                "id": lambda p: p["id"],
                "modified": lambda p: (p["date_modified_gmt"], p["id"]),
                "title": lambda p: (p["name"], p["id"]),
                "slug": lambda p: (p["slug"], p["id"]),
                "price": lambda p: (float(p["price"] or 0), p["id"]),
                "popularity": lambda p: (p["total_sales"], p["id"]),
                "rating": lambda p: (p["average_rating"], p["id"]),
                "include": lambda p: include.index(p["id"]) if p["id"] in include else 0,
            }
            out.sort(
                key=keys.get(orderby, lambda p: (p["date_created_gmt"], p["id"])),
                reverse=order == "desc" and orderby != "include",
            )
            return [p["id"] for p in out]

    def update_stock_item(self, item: dict, body: dict, epoch: int) -> dict[str, Any]:
        """PUT semantics for a product or variation: stock is only kept when stock is managed (else
        WooCommerce clears stock_quantity and ignores the number sent)."""
        with self.lock:
            changes: dict[str, Any] = {}
            body = dict(body)
            if isinstance(body.get("manage_stock"), (str, int)):  # batch items skip validation: wc_string_to_bool
                body["manage_stock"] = str(body["manage_stock"]).lower() in ("1", "yes", "true", "on")
            for field in ("name", "sku", "regular_price", "sale_price", "status", "backorders", "manage_stock"):
                if field in body and field in item and item[field] != body[field]:
                    item[field] = changes[field] = body[field]
            if changes.get("regular_price") is not None or "sale_price" in changes:
                item["price"] = item["sale_price"] or item["regular_price"]
            if item.get("manage_stock") is True and "stock_quantity" in body:
                qty = _stock_amount(body["stock_quantity"])
                if item["stock_quantity"] != qty:
                    item["stock_quantity"] = changes["stock_quantity"] = qty
            elif item.get("manage_stock") is False and item.get("stock_quantity") is not None:
                item["stock_quantity"] = changes["stock_quantity"] = None
            status = item["stock_status"]
            if item.get("manage_stock"):
                qty = item["stock_quantity"] or 0
                status = "instock" if qty > 0 else ("onbackorder" if item["backorders"] != "no" else "outofstock")
            elif body.get("stock_status"):
                status = body["stock_status"]
            if status != item["stock_status"]:
                item["stock_status"] = changes["stock_status"] = status
            if body.get("meta_data") and merge_meta(item["meta_data"], body["meta_data"], self.new_id):
                changes["meta_data"] = body["meta_data"]
            if changes:
                set_dates(item, "date_modified", epoch)
                self.product_cache.clear()
            return changes


def _stock_amount(value: Any) -> int:
    """wc_stock_amount: PHP intval, so "7" is 7, "7.9" is 7 and "abc" is 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return int(value)
    match = re.match(r"\s*([+-]?\d+)", str(value))
    return int(match[1]) if match else 0


def _in_windows(windows: dict[str, int], created: int, modified: int) -> bool:
    checks = (
        ("after", created, 1),
        ("before", created, -1),
        ("modified_after", modified, 1),
        ("modified_before", modified, -1),
    )
    for name, value, sign in checks:
        if name in windows and not (value - windows[name]) * sign > 0:
            return False
    return True
