"""The Amazon sandbox's conformance profile (see ``sdk.sandbox.CONFORMANCE_ACTIONS``).

Amazon's lists lag: ``getOrders`` shows nothing newer than two minutes, so "created/modified N seconds ago"
here means N seconds before the newest moment Amazon's data covers (the lag is added). "Hidden" is an order
Amazon no longer lists for the seller (it stays readable by id). The malformed record is an order item whose
``ItemPrice.Amount`` is a word.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from .data import iso
from .parts import SandboxParts
from .usage_plans import PLANS, QUICK_SCALE


class AmazonConformance(SandboxParts):
    def conformance_profile(self) -> dict[str, Any]:
        return {
            "orders_read": {"method": "GET", "path": "/orders/v0/orders"},
            "writes": {
                "transmit_tracking": [{"method": "POST", "path": "/orders/v0/orders/*/shipmentConfirmation"}],
                "set_stock": [{"method": "PATCH", "path": "/listings/2021-08-01/items/*"}],
                "send_messages": [{"method": "POST", "path": "/messaging/v1/orders/*/messages/*"}],
                "change_status": [{"method": "POST", "path": "/feeds/2021-06-30/feeds"}],
            },
            "rate_limit": {op: [self.plans.rate(op), PLANS[op][1]] for op in ("getOrders", "getOrderItems")},
            "throttled": self.plans.throttled,
            "token_refreshes": self.token_refreshes,
        }

    def _ago(self, body: dict[str, Any], default: float) -> datetime:
        return datetime.now(UTC) - timedelta(seconds=float(body.get("seconds_ago", default)) + self.lag)

    def conform_configure(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if "page_size" in body:
                self.page_cap = None if body["page_size"] is None else max(1, int(body["page_size"]))
            if body.get("quick"):  # feeds finish at the next request; usage plans run scaled (see usage_plans)
                self.feed_seconds = 0.0
                self.plans.configure(QUICK_SCALE)
        return {"page_size": self.page_cap, "scale": self.plans.scale}

    def conform_create(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            when = self._ago(body, 30)
            ids = [
                self.seller.add_order(placed=when, marketplace=self.marketplace_ids[0])["AmazonOrderId"]
                for _ in range(int(body.get("count", 1)))
            ]
        return {"ids": ids}

    def conform_modify(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            when = iso(self._ago(body, 0))
            for oid in body["ids"]:
                order = self._order(str(oid))
                order["ShipmentServiceLevelCategory"] = (
                    "Expedited" if order["ShipmentServiceLevelCategory"] == "Standard" else "Standard"
                )
                order["ShipServiceLevel"] = (
                    "Exp DE Dom" if order["ShipmentServiceLevelCategory"] == "Expedited" else "Std DE Dom"
                )
                order["LastUpdateDate"] = when
        return {"ids": [str(i) for i in body["ids"]]}

    def conform_hide(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            for oid in body["ids"]:
                self._order(str(oid))
                self.seller.hidden.add(str(oid))
        return {"ids": [str(i) for i in body["ids"]]}

    def conform_malformed(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            order = self.seller.add_order(placed=self._ago({}, 30), marketplace=self.marketplace_ids[0], lines=1)
            self.seller.items[order["AmazonOrderId"]][0]["ItemPrice"]["Amount"] = "zwölf"
        return {"id": order["AmazonOrderId"], "marker": "zwölf", "where": "raw"}

    def conform_view(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if "sku" in body:
                listing = self.seller.listings.get(str(body["sku"]))
                if listing is None:
                    raise LookupError(f"no listing {body['sku']}")
                return {"stock": listing["quantity"]}
            order = self._order(str(body["id"]))
            total = order.get("OrderTotal") or {}
            return {
                "status": [order["OrderStatus"]],
                "tracking": list(self.seller.tracking.get(order["AmazonOrderId"], [])),
                "messages": [m["text"] for m in self.sent_messages.get(order["AmazonOrderId"], [])],
                "total": total.get("Amount"),
                "currency": total.get("CurrencyCode"),
            }

    def conform_stockable(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"sku": sorted(self.seller.listings)[0]}

    def conform_effects(self, body: dict[str, Any]) -> dict[str, Any]:
        capability, value = body.get("capability"), body.get("value")
        if capability == "set_stock":
            hits = [
                e
                for e in self.ledger.entries("listing.quantity")
                if e["resource_id"] == str(body["sku"]) and e["changes"].get("quantity") == int(str(value))
            ]
        elif capability == "transmit_tracking":
            hits = [
                e
                for e in self.ledger.entries("shipment.confirm")
                if e["resource_id"] == str(body["id"]) and e["changes"].get("tracking") == str(value)
            ]
        elif capability == "change_status":
            hits = [
                e
                for e in self.ledger.entries("order.cancel")
                if e["resource_id"] == str(body["id"]) and e["changes"].get("status") == str(value)
            ]
        elif capability == "send_messages":
            hits = [
                e
                for e in self.ledger.entries("message.send")
                if e["resource_id"] == str(body["id"]) and e["changes"].get("text") == str(value)
            ]
        else:
            raise ValueError(f"no effect known for capability {capability!r}")
        return {"count": len(hits)}

    def conform_expire_token(self, body: dict[str, Any]) -> dict[str, Any]:
        self.control_orders({"action": "expire"})
        return {}

    def conform_revoke_token(self, body: dict[str, Any]) -> dict[str, Any]:
        self.control_orders({"action": "revoke"})
        return {}
