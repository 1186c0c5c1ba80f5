"""The eBay sandbox's conformance profile (see ``sdk.sandbox.CONFORMANCE_ACTIONS``): eBay facts only - which
requests carry which push, what "hidden" means here (the order no longer listed), the record a mapper cannot
use (a line whose quantity is a word), and where eBay shows fulfilments, messages and stock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .store import ago

FUL, INV, MSG = "/sell/fulfillment/v1", "/sell/inventory/v1", "/commerce/message/v1"


def _ids(body: dict[str, Any]) -> list[str]:
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids:
        raise ValueError("'ids' must be a non-empty list of order ids")
    return [str(i) for i in ids]


class EbayConformance:
    """Mixed into ``EbaySandbox``."""

    # what the mixin uses of EbaySandbox (declared for the type checker; set there)
    quotas: dict[str, int]
    throttled: int
    tokens: Any
    lock: Any
    store: Any
    ledger: Any
    control_orders: Callable[[dict[str, Any]], dict[str, Any]]
    _order: Callable[[str], dict[str, Any]]

    def conformance_profile(self) -> dict[str, Any]:
        return {
            "orders_read": {"method": "GET", "path": f"{FUL}/order"},
            "writes": {
                "change_status": [{"method": "POST", "path": "/post-order/v2/cancellation"}],
                "transmit_tracking": [{"method": "POST", "path": f"{FUL}/order/*/shipping_fulfillment"}],
                "send_messages": [{"method": "POST", "path": f"{MSG}/send_message"}],
                "set_stock": [{"method": "POST", "path": f"{INV}/bulk_update_price_quantity"}],
            },
            "rate_limit": {f"{api} calls per day": n for api, n in self.quotas.items()},
            "throttled": self.throttled,
            "token_refreshes": self.tokens.refreshes,
        }

    def conform_configure(self, body: dict[str, Any]) -> dict[str, Any]:
        if "page_size" in body:
            self.page_cap = None if body["page_size"] is None else max(1, int(body["page_size"]))
        return {"page_size": self.page_cap}

    def conform_create(self, body: dict[str, Any]) -> dict[str, Any]:
        specs = [{"seconds_ago": float(body.get("seconds_ago", 30))} for _ in range(int(body.get("count", 1)))]
        return {"ids": self.control_orders({"create": specs, "webhook": bool(body.get("webhook", False))})["created"]}

    def conform_modify(self, body: dict[str, Any]) -> dict[str, Any]:
        changes = []
        for order_id in _ids(body):
            cancel = self._order(order_id)["cancelStatus"]
            state = "CANCEL_REQUESTED" if cancel.get("cancelState") == "NONE_REQUESTED" else "NONE_REQUESTED"
            changes.append(
                {
                    "orderId": order_id,
                    "seconds_ago": float(body.get("seconds_ago", 0)),
                    "cancelStatus": {**cancel, "cancelState": state},
                }
            )
        return {"ids": self.control_orders({"update": changes, "webhook": bool(body.get("webhook", False))})["updated"]}

    def conform_hide(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"ids": self.control_orders({"hide": _ids(body)})["hidden"]}

    def conform_malformed(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            order = self.store.new_order(ago(30))
            order["lineItems"][0]["quantity"] = "zwei"
        return {"id": order["orderId"], "marker": "zwei", "where": "raw"}

    def conform_view(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            if "sku" in body:
                sku = str(body["sku"])
                if sku in self.store.items:
                    return {"stock": self.store.items[sku]["availability"]["shipToLocationAvailability"]["quantity"]}
                listing = next((lst for lst in self.store.legacy.values() if lst["SKU"] == sku), None) or next(
                    (v for lst in self.store.legacy.values() for v in lst.get("Variations") or [] if v["SKU"] == sku),
                    None,
                )
                if listing is None:
                    raise LookupError(f"no listing with SKU {sku!r}")
                return {"stock": listing["Quantity"]}
            order = self._order(str(body["id"]))
            username = order["buyer"]["username"]
            return {
                "status": [
                    order["orderFulfillmentStatus"],
                    order["orderPaymentStatus"],
                    order["cancelStatus"]["cancelState"],
                ],
                "tracking": [f["shipmentTrackingNumber"] for f in self.store.fulfillments.get(order["orderId"], [])],
                "messages": [
                    m["messageBody"]
                    for c in self.store.conversations.values()
                    if c["username"] == username
                    for m in c["messages"]
                ],
                "total": order["pricingSummary"]["total"]["value"],
                "currency": order["pricingSummary"]["total"]["currency"],
            }

    def conform_stockable(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"sku": sorted(self.store.items)[0]}

    def conform_effects(self, body: dict[str, Any]) -> dict[str, Any]:
        capability, value = body.get("capability"), body.get("value")
        if capability == "set_stock":
            hits = [
                e
                for e in self.ledger.entries("*.stock")
                if e["resource_id"] == str(body["sku"]) and e["changes"].get("quantity") == int(str(value))
            ]
            return {"count": len(hits)}
        order = self._order(str(body["id"]))
        if capability == "change_status":
            hits = [
                e
                for e in self.ledger.entries("order.cancel")
                if e["resource_id"] == order["orderId"] and e["changes"].get("cancelState") == value
            ]
        elif capability == "transmit_tracking":
            hits = [
                e
                for e in self.ledger.entries("order.fulfillment")
                if e["resource_id"] == order["orderId"] and e["changes"].get("trackingNumber") == value
            ]
        elif capability == "send_messages":
            hits = [
                e
                for e in self.ledger.entries("message.send")
                if e["resource_id"] == order["buyer"]["username"] and str(value) in e["changes"].get("messageText", "")
            ]
        else:
            raise ValueError(f"the eBay sandbox has no effect count for {capability!r}")
        return {"count": len(hits)}

    def conform_expire_token(self, body: dict[str, Any]) -> dict[str, Any]:
        self.tokens.expire_all()
        return {}

    def conform_revoke_token(self, body: dict[str, Any]) -> dict[str, Any]:
        self.tokens.revoke_all()
        return {}
