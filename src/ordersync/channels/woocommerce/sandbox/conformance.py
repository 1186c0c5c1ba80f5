"""The WooCommerce sandbox's conformance profile (see ``sdk.sandbox.CONFORMANCE_ACTIONS``).

Vendor facts only: which requests carry which push, what "hidden" means here (the order moved to the trash,
which ``status=any`` listings leave out), which record WooCommerce hands out that a mapper cannot use (a
line whose quantity is a word), and where a shop shows tracking numbers (order notes and order meta).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ...sdk.sandbox import SandboxMixin
from .rest import API


def _naive_utc(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _ids(body: dict[str, Any]) -> list[int]:
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids:
        raise ValueError("'ids' must be a non-empty list of order ids")
    return [int(i) for i in ids]


if TYPE_CHECKING:
    from .store import WooStore


class WooConformance(SandboxMixin):
    """Mixed into ``WooSandbox``: the profile actions, built on its store and control hooks."""

    if TYPE_CHECKING:  # set by the sandbox class this is mixed into
        store: WooStore

    page_cap: int | None = None
    refunds_collection: bool = True

    def conformance_profile(self) -> dict[str, Any]:
        orders = f"{API}/orders"
        return {
            "orders_read": {"method": "GET", "path": orders},
            "writes": {
                "change_status": [{"method": "PUT", "path": f"{orders}/*"}],
                "transmit_tracking": [{"method": "POST", "path": f"{orders}/*/notes"}],
                "send_messages": [{"method": "POST", "path": f"{orders}/*/notes"}],
                "set_stock": [{"method": "POST", "path": f"{API}/products*batch"}],
            },
            # self-hosted WooCommerce documents no API rate limit (hosts may add one)
            "rate_limit": None,
            "throttled": 0,
        }

    def conform_configure(self, body: dict[str, Any]) -> dict[str, Any]:
        if "page_size" in body:  # "quick" needs nothing here: nothing in this sandbox waits on purpose
            cap = body["page_size"]
            self.page_cap = None if cap is None else max(1, int(cap))
        if "refunds_collection" in body:  # vendor-specific: False = a shop from before WooCommerce 9.0
            self.refunds_collection = bool(body["refunds_collection"])
        return {"page_size": self.page_cap, "refunds_collection": self.refunds_collection}

    def conform_create(self, body: dict[str, Any]) -> dict[str, Any]:
        count, when = int(body.get("count", 1)), _naive_utc(time.time() - float(body.get("seconds_ago", 30)))
        spec = {"status": "processing", "date_created_gmt": when, "date_modified_gmt": when}
        result = self.control_orders(
            {"create": [dict(spec) for _ in range(count)], "webhook": bool(body.get("webhook", False))}
        )
        return {"ids": [str(i) for i in result["created"]]}

    def conform_modify(self, body: dict[str, Any]) -> dict[str, Any]:
        when = _naive_utc(time.time() - float(body.get("seconds_ago", 0)))
        result = self.control_orders(
            {
                "update": [
                    {
                        "id": i,
                        "status": "on-hold" if self.store.existing_order(i)["status"] != "on-hold" else "processing",
                        "date_modified_gmt": when,
                    }
                    for i in _ids(body)
                ],
                "webhook": bool(body.get("webhook", False)),
            }
        )
        return {"ids": [str(i) for i in result["updated"]]}

    def conform_hide(self, body: dict[str, Any]) -> dict[str, Any]:
        for oid in _ids(body):
            order = self.store.order(oid)
            if order is None:
                raise LookupError(f"no order {oid}")
            order["status"] = "trash"
            self.store.save_order(order, int(time.time()))
        return {"ids": [str(i) for i in _ids(body)]}

    def conform_malformed(self, body: dict[str, Any]) -> dict[str, Any]:
        line = {"raw": True, "id": 1, "name": "Tasse", "quantity": "zwei", "sku": "X"}
        when = _naive_utc(time.time() - 30)
        result = self.control_orders(
            {"create": [{"line_items": [line], "date_created_gmt": when, "date_modified_gmt": when}], "webhook": False}
        )
        return {"id": str(result["created"][0]), "marker": "zwei", "where": "raw"}

    def conform_view(self, body: dict[str, Any]) -> dict[str, Any]:
        if "sku" in body:
            item = self._stock_item(str(body["sku"]))
            return {"stock": item["stock_quantity"]}
        oid = int(body["id"])
        order = self.store.order(oid)
        if order is None:
            raise LookupError(f"no order {oid}")
        notes = [n["note"] for n in self.store.order_notes(oid)]
        meta = [json.dumps(m.get("value"), ensure_ascii=False) for m in order.get("meta_data") or []]
        return {
            "status": [order["status"]],
            "tracking": notes + meta,
            "messages": notes,
            "total": order["total"],
            "currency": order["currency"],
        }

    def _stock_item(self, sku: str) -> dict[str, Any]:
        for item in [*self.store.products.values(), *self.store.variations.values()]:
            if item.get("sku") == sku:
                return item
        raise LookupError(f"no product or variation with SKU {sku!r}")

    def conform_stockable(self, body: dict[str, Any]) -> dict[str, Any]:
        for product in self.store.products.values():
            if product["type"] == "simple" and product["manage_stock"] is True and product["sku"]:
                return {"sku": product["sku"]}
        raise LookupError("no simple product with managed stock")

    def conform_edit_stock(self, body: dict[str, Any]) -> dict[str, Any]:
        """An edit in wp-admin: the product's stock and modification time change, no ledger entry (it is no
        API call) and no webhook (the case is a change the hub was not told about)."""
        item = self._stock_item(str(body["sku"]))
        self.store.update_stock_item(item, {"stock_quantity": int(body["stock"])}, int(time.time()))
        return {"stock": item["stock_quantity"]}

    def conform_effects(self, body: dict[str, Any]) -> dict[str, Any]:
        capability, value = body.get("capability"), body.get("value")  # type: Any, Any
        if capability == "set_stock":
            item = self._stock_item(str(body["sku"]))
            hits = [
                e
                for e in self.ledger.entries("*.stock")
                if e["resource_id"] == str(item["id"]) and e["changes"].get("stock_quantity") == int(value)
            ]
            return {"count": len(hits)}
        oid = str(body["id"])
        if capability == "change_status":
            hits = [
                e
                for e in self.ledger.entries("order.update")
                if e["resource_id"] == oid and e["changes"].get("status") == value
            ]
        elif capability in ("transmit_tracking", "send_messages"):
            hits = [
                e
                for e in self.ledger.entries("order.note")
                if e["resource_id"] == oid and str(value) in json.dumps(e["body"], ensure_ascii=False)
            ]
        else:
            raise ValueError(f"no effect known for capability {capability!r}")
        return {"count": len(hits)}
