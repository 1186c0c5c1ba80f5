"""The Shopware 5 sandbox's conformance profile (see ``sdk.sandbox.CONFORMANCE_ACTIONS``).

Vendor facts only: which requests carry which push (``PUT /api/orders/{id}`` for status and tracking,
``PUT /api/articles/{id}`` for stock), what "hidden" means (the order was deleted in the backend, so the list
and ``GET /api/orders/{id}`` no longer know it), what "modified" means without a change timestamp (the shop
moved the order on to "in process", or back to "open"), and a record a mapper cannot use (a line whose
quantity is a word). Statuses are shown by the names of ``Shopware\\Models\\Order\\Status``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ...sdk.sandbox import SandboxMixin
from .data import utcnow

ORDER_NAMES = {
    -1: "cancelled",
    0: "open",
    1: "in_process",
    2: "completed",
    3: "partially_completed",
    4: "cancelled_rejected",
    5: "ready_for_delivery",
    6: "partially_delivered",
    7: "completely_delivered",
    8: "clarification_required",
}
PAYMENT_NAMES = {
    9: "partially_invoiced",
    10: "completely_invoiced",
    11: "partially_paid",
    12: "completely_paid",
    17: "open",
    18: "reserved",
    21: "review_necessary",
}


def _ids(body: dict[str, Any]) -> list[int]:
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids:
        raise ValueError("'ids' must be a non-empty list of order ids")
    return [int(i) for i in ids]


if TYPE_CHECKING:
    import threading
    from collections.abc import Callable


class Shopware5Conformance(SandboxMixin):
    """Mixed into ``Shopware5Sandbox``: the profile actions, built on its data and control hooks."""

    if TYPE_CHECKING:  # set by the sandbox class this is mixed into
        _lock: threading.RLock
        orders: dict[int, Any]
        articles: dict[int, dict[str, Any]]
        _place: Callable[..., int]

    def conformance_profile(self) -> dict[str, Any]:
        put_order = {"method": "PUT", "path": "/api/orders/*"}
        return {
            "orders_read": {"method": "GET", "path": "/api/orders"},
            "writes": {
                "change_status": [put_order],
                "transmit_tracking": [put_order],
                "set_stock": [{"method": "PUT", "path": "/api/articles/*"}],
            },
            "rate_limit": None,
            "throttled": 0,
        }  # self-hosted: Shopware 5 documents no API rate limit

    def conform_configure(self, body: dict[str, Any]) -> dict[str, Any]:
        if "page_size" in body:
            self.page_cap = None if body["page_size"] is None else max(1, int(body["page_size"]))
        return {"page_size": self.page_cap}

    def conform_create(self, body: dict[str, Any]) -> dict[str, Any]:
        specs = [{"seconds_ago": float(body.get("seconds_ago", 30))} for _ in range(int(body.get("count", 1)))]
        return {"ids": [str(i) for i in self.control_orders({"create": specs})["created"]]}

    def conform_modify(self, body: dict[str, Any]) -> dict[str, Any]:
        changes = []
        for oid in _ids(body):
            order = self.orders.get(oid)
            if not isinstance(order, dict):
                raise LookupError(f"no order {oid}")
            changes.append({"id": oid, "orderStatusId": 0 if order["orderStatusId"] == 1 else 1})
        return {"ids": [str(i) for i in self.control_orders({"update": changes})["updated"]]}

    def conform_hide(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"ids": [str(i) for i in self.control_orders({"delete": _ids(body)})["deleted"]]}

    def conform_malformed(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            oid = self._place(utcnow() - timedelta(seconds=30))
            self.orders[oid]["details"][0]["quantity"] = "zwei"
        return {"id": str(oid), "marker": "zwei", "where": "raw"}

    def conform_view(self, body: dict[str, Any]) -> dict[str, Any]:
        if "sku" in body:
            return {"stock": self._detail(str(body["sku"]))[1]["inStock"]}
        order = self.orders.get(int(body["id"]))
        if not isinstance(order, dict):
            raise LookupError(f"no order {body['id']}")
        return {
            "status": [
                ORDER_NAMES.get(order["orderStatusId"], str(order["orderStatusId"])),
                PAYMENT_NAMES.get(order["paymentStatusId"], str(order["paymentStatusId"])),
            ],
            "tracking": [order["trackingCode"]],
            "messages": [],
            "total": order["invoiceAmount"],
            "currency": order["currency"],
        }

    def _detail(self, number: str) -> tuple[int, dict[str, Any]]:
        for aid, article in self.articles.items():
            for detail in [article["mainDetail"], *article["details"]]:
                if detail["number"] == number:
                    return aid, detail
        raise LookupError(f"no article detail with number {number!r}")

    def conform_stockable(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"sku": next(iter(self.articles.values()))["mainDetail"]["number"]}

    def conform_effects(self, body: dict[str, Any]) -> dict[str, Any]:
        capability, value = body.get("capability"), body.get("value")  # type: Any, Any
        if capability == "set_stock":
            number = str(body["sku"])
            hits = [e for e in self.ledger.entries("article.stock") if e["changes"].get(number) == int(value)]
            return {"count": len(hits)}
        oid = str(body["id"])
        entries = [e for e in self.ledger.entries("order.update") if e["resource_id"] == oid]
        if capability == "change_status":
            hits = [
                e
                for e in entries
                if ORDER_NAMES.get(e["changes"].get("orderStatusId", "x")) == value
                or PAYMENT_NAMES.get(e["changes"].get("paymentStatusId", "x")) == value
            ]
        elif capability == "transmit_tracking":
            hits = [e for e in entries if str(value) in str(e["changes"].get("trackingCode", ""))]
        else:
            raise ValueError(f"no effect known for capability {capability!r}")
        return {"count": len(hits)}
