"""The Magento 2 sandbox's conformance profile (see ``sdk.sandbox.CONFORMANCE_ACTIONS``).

Vendor facts only: which requests carry which push (cancel/invoice/hold for a status, the ship call for
tracking, a status-history comment for a message, source items or a stock item for stock), what "hidden"
means (the order is deleted from the shop), and a record a mapper cannot use (an item whose ordered
quantity is a word).
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Any

from ...sdk.sandbox import SandboxMixin

REST = "/rest/*/V1"


def _ids(body: dict[str, Any]) -> list[int]:
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids:
        raise ValueError("'ids' must be a non-empty list of order ids")
    return [int(i) for i in ids]


if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

    from .catalog import Catalog


class MagentoConformance(SandboxMixin):
    """Mixed into ``Magento2Sandbox``: the profile actions, built on its data and control hooks."""

    if TYPE_CHECKING:  # set by the sandbox class this is mixed into
        lock: threading.RLock
        msi: bool
        catalog: Catalog
        orders: dict[int, Any]
        shipments: list[dict[str, Any]]
        _add: Callable[..., int]

    def conformance_profile(self) -> dict[str, Any]:
        return {
            "orders_read": {"method": "GET", "path": f"{REST}/orders"},
            "writes": {
                "change_status": [
                    {"method": "POST", "path": f"{REST}/orders/*/cancel"},
                    {"method": "POST", "path": f"{REST}/order/*/invoice"},
                ],
                "transmit_tracking": [{"method": "POST", "path": f"{REST}/order/*/ship"}],
                "send_messages": [{"method": "POST", "path": f"{REST}/orders/*/comments"}],
                "set_stock": [
                    {"method": "POST", "path": f"{REST}/inventory/source-items"},
                    {"method": "PUT", "path": f"{REST}/products/*/stockItems/*"},
                ],
            },
            # Magento core documents no general REST rate limit
            "rate_limit": None,
            "throttled": 0,
        }

    def conform_configure(self, body: dict[str, Any]) -> dict[str, Any]:
        if "page_size" in body:
            cap = body["page_size"]
            self.page_cap = None if cap is None else max(1, int(cap))
        return {"page_size": self.page_cap}

    def conform_create(self, body: dict[str, Any]) -> dict[str, Any]:
        seconds = float(body.get("seconds_ago", 30))
        result = self.control_orders({"create": [{"seconds_ago": seconds} for _ in range(int(body.get("count", 1)))]})
        return {"ids": [str(i) for i in result["created"]]}

    def conform_modify(self, body: dict[str, Any]) -> dict[str, Any]:
        changes = []
        with self.lock:
            for oid in _ids(body):
                order = self.orders.get(oid)
                if order is None:
                    raise LookupError(f"no order {oid}")
                held = order["status"] == "holded"
                changes.append(
                    {
                        "entity_id": oid,
                        "seconds_ago": float(body.get("seconds_ago", 0)),
                        "state": "new" if held else "holded",
                        "status": "pending" if held else "holded",
                    }
                )
        result = self.control_orders({"update": changes})
        return {"ids": [str(i) for i in result["updated"]]}

    def conform_hide(self, body: dict[str, Any]) -> dict[str, Any]:
        self.control_orders({"delete": _ids(body)})
        return {"ids": [str(i) for i in _ids(body)]}

    def conform_malformed(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            when = time.time() - 30
            oid = self._add(random.Random(), when, when, "pending")
            self.orders[oid]["items"][0]["qty_ordered"] = "zwei"
        return {"id": str(oid), "marker": "zwei", "where": "raw"}

    def conform_view(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            if "sku" in body:
                return {"stock": self.catalog.stock_view(str(body["sku"]), self.msi)}
            order = self.orders.get(int(body["id"]))
            if order is None:
                raise LookupError(f"no order {body['id']}")
            comments = [h["comment"] for h in order.get("status_histories") or []]
            tracks = [
                t["track_number"] for s in self.shipments if s["order_id"] == order["entity_id"] for t in s["tracks"]
            ]
            return {
                "status": [order["status"], order["state"]],
                "tracking": tracks + comments,
                "messages": comments,
                "total": str(order["grand_total"]),
                "currency": order["order_currency_code"],
            }

    def conform_stockable(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"sku": next(iter(self.catalog.stock_items))}

    def conform_edit_stock(self, body: dict[str, Any]) -> dict[str, Any]:
        """An edit in the Magento admin (Catalog > Products > Quantity): with MSI the default source's
        quantity, and the legacy stock item that Magento keeps for the default stock; no ledger entry (no
        API call) and no webhook."""
        sku, qty = str(body["sku"]), int(body["stock"])
        with self.lock:
            item = self.catalog.stock_items.get(sku)
            if item is None:
                raise LookupError(f"no stock for SKU {sku!r}")
            item.update(qty=qty, is_in_stock=qty > 0)
            if self.msi:
                self.catalog.source_items[(sku, "default")] = {
                    "sku": sku,
                    "source_code": "default",
                    "quantity": qty,
                    "status": int(qty > 0),
                }
            return {"stock": self.catalog.stock_view(sku, self.msi)}

    def conform_effects(self, body: dict[str, Any]) -> dict[str, Any]:
        capability, value = body.get("capability"), body.get("value")  # type: Any, Any
        if capability == "set_stock":
            hits = [
                e
                for e in self.ledger.entries("product.stock")
                if e["resource_id"] == str(body["sku"]) and e["changes"].get("qty") == value
            ]
            return {"count": len(hits)}
        oid = str(body["id"])
        entries = [e for e in self.ledger.entries() if e["resource_id"] == oid]
        if capability == "change_status":
            hits = [
                e
                for e in entries
                if e["kind"] in ("order.cancel", "order.invoice", "order.hold", "order.unhold")
                and e["changes"].get("status") == value
            ]
        elif capability == "transmit_tracking":
            hits = [e for e in entries if e["kind"] == "order.ship" and value in e["changes"].get("tracks", [])]
        elif capability == "send_messages":
            hits = [e for e in entries if e["kind"] == "order.comment" and value in e["changes"].get("comment", "")]
        else:
            raise ValueError(f"no effect known for capability {capability!r}")
        return {"count": len(hits)}
