"""The Textalk sandbox's conformance profile (see ``sdk.sandbox.CONFORMANCE_ACTIONS``).

Textalk is read-only for ordersync, so the profile covers the import: every call is one JSON-RPC endpoint,
a hidden order is a deleted one (gone from ``Order.list`` and ``Order.count``), and a record a mapper
cannot use has a currency code that is no ISO code. Page sizes are the connector's own setting.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ...sdk.sandbox import SandboxMixin
from .data import iso

PATH = "/backend/jsonrpc/v1/"


def _uids(body: dict[str, Any]) -> list[int]:
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids:
        raise ValueError("'ids' must be a non-empty list of order uids")
    return [int(i) for i in ids]


if TYPE_CHECKING:
    import threading


class TextalkConformance(SandboxMixin):
    """Mixed into ``TextalkSandbox``: the profile actions, built on its data and control hooks."""

    if TYPE_CHECKING:  # set by the sandbox class this is mixed into
        _lock: threading.Lock
        orders: dict[int, dict[str, Any]]

    def conformance_profile(self) -> dict[str, Any]:
        # Textalk documents no rate limit
        return {"orders_read": {"method": "POST", "path": PATH}, "writes": {}, "rate_limit": None, "throttled": 0}

    def conform_create(self, body: dict[str, Any]) -> dict[str, Any]:
        when = iso(int(time.time() - float(body.get("seconds_ago", 30))))
        spec = {"ordered": when, "changed": when}
        result = self.control_orders({"create": [dict(spec) for _ in range(int(body.get("count", 1)))]})
        return {"ids": [str(u) for u in result["created"]]}

    def conform_modify(self, body: dict[str, Any]) -> dict[str, Any]:
        when = iso(int(time.time() - float(body.get("seconds_ago", 0))))
        updates = [{"uid": uid, "note": f"geändert {when}", "changed": when} for uid in _uids(body)]
        return {"ids": [str(u) for u in self.control_orders({"update": updates})["updated"]]}

    def conform_hide(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            for uid in _uids(body):
                order = self.orders.pop(uid, None)
                if order is None:
                    raise LookupError(f"no order with uid {uid}")
        return {"ids": [str(u) for u in _uids(body)]}

    def conform_malformed(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            template = dict(self.orders[max(self.orders)]) if self.orders else None
        if template is None:
            raise LookupError("create an order first: the malformed one copies it")
        spec = {
            "raw": True,
            **{k: v for k, v in template.items() if k != "uid"},
            "currency": "EURO",
            "changed": iso(int(time.time()) - 30),
        }
        return {"id": str(self.control_orders({"create": [spec]})["created"][0]), "marker": "EURO", "where": "reason"}

    def conform_view(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            order = self.orders.get(int(body["id"]))
            if order is None:
                raise LookupError(f"no order with uid {body['id']}")
            total = order["costs"]["total"]
            return {
                "status": [str(order.get("paymentStatus")), str(order.get("deliveryStatus"))],
                "tracking": [],
                "messages": [],
                "total": f"{total['incVat']:.2f}",
                "currency": order["currency"],
            }
