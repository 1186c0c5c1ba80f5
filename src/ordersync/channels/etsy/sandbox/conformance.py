"""The Etsy sandbox's conformance profile (see ``sdk.sandbox.CONFORMANCE_ACTIONS``).

Vendor facts only: tracking travels as ``POST …/receipts/{id}/tracking``, stock as ``PUT
/v3/application/listings/{id}/inventory``; Etsy documents 10 requests per second per app; "hidden" means the
receipt no longer appears in the shop's receipt listing; the record a mapper cannot use is a receipt whose
``grandtotal`` amount is a word.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

APP = "/v3/application"


def _ids(body: dict[str, Any]) -> list[int]:
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids:
        raise ValueError("'ids' must be a non-empty list of receipt ids")
    return [int(i) for i in ids]


class EtsyConformance:
    """Mixed into ``EtsySandbox``: the profile actions, on its store."""

    # what the mixin uses of EtsySandbox (declared for the type checker; set there)
    per_second: int
    per_day: int
    throttled: int
    token_refreshes: int
    version: int
    receipts: dict[int, dict[str, Any]]
    listings: Any
    ledger: Any
    access: dict[str, float]
    refresh: Any
    _lock: Any
    _add: Callable[[random.Random, int, int], int]
    touch: Callable[..., None]
    portal: Any

    def conformance_profile(self) -> dict[str, Any]:
        return {
            "orders_read": {"method": "GET", "path": f"{APP}/shops/*/receipts"},
            "writes": {
                "transmit_tracking": [{"method": "POST", "path": f"{APP}/shops/*/receipts/*/tracking"}],
                "set_stock": [{"method": "PUT", "path": f"{APP}/listings/*/inventory"}],
            },
            "rate_limit": {"per_second": self.per_second, "per_day": self.per_day},
            "throttled": self.throttled,
            "token_refreshes": self.token_refreshes,
            # ORDER_PAID is Etsy's one event: a change of a paid receipt announces nothing
            "webhooks": {"on_change": False},
        }

    def conform_configure(self, body: dict[str, Any]) -> dict[str, Any]:
        if "page_size" in body:
            self.page_cap = None if body["page_size"] is None else max(1, int(body["page_size"]))
        return {"page_size": self.page_cap}

    def conform_create(self, body: dict[str, Any]) -> dict[str, Any]:
        when, rng = int(time.time() - float(body.get("seconds_ago", 30))), random.Random()
        with self._lock:
            ids = [self._add(rng, when, when) for _ in range(int(body.get("count", 1)))]
        if body.get("webhook"):  # the receipts are paid: Etsy announces each as ORDER_PAID
            self.portal.announce(self, ids)
        return {"ids": [str(i) for i in ids]}

    def conform_webhook_endpoint(self, body: dict[str, Any]) -> dict[str, Any]:
        self.portal.control({"add": str(body["url"])})
        return {}

    def conform_modify(self, body: dict[str, Any]) -> dict[str, Any]:
        when = int(time.time() - float(body.get("seconds_ago", 0)))
        with self._lock:
            for rid in _ids(body):
                receipt = self.receipts[rid]
                receipt["message_from_buyer"] = f"Bitte bis {when} liefern"  # the buyer_note the hub shows
                self.touch(rid, when)
        return {"ids": [str(i) for i in _ids(body)]}

    def conform_hide(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.version += 1
            for rid in _ids(body):
                if self.receipts.pop(rid, None) is None:
                    raise LookupError(f"no receipt {rid}")
        return {"ids": [str(i) for i in _ids(body)]}

    def conform_malformed(self, body: dict[str, Any]) -> dict[str, Any]:
        when = int(time.time() - 30)
        with self._lock:
            rid = self._add(random.Random(), when, when)
            self.receipts[rid]["grandtotal"] = {"amount": "zwölf", "divisor": 100, "currency_code": "EUR"}
        return {"id": str(rid), "marker": "zwölf", "where": "raw"}

    def conform_view(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if "sku" in body:
                return {"stock": self._offering(str(body["sku"]))[1]["quantity"]}
            receipt = self.receipts.get(int(body["id"]))
            if receipt is None:
                raise LookupError(f"no receipt {body['id']}")
            g = receipt["grandtotal"]
            return {
                "status": [receipt["status"]],
                "tracking": [s["tracking_code"] for s in receipt["shipments"]],
                "messages": [],
                "total": str(g["amount"] / g["divisor"]),
                "currency": g["currency_code"],
            }

    def _offering(self, sku: str) -> tuple[int, dict[str, Any]]:
        for lid, item in self.listings.items():
            for product in item["inventory"]["products"]:
                if product["sku"] == sku:
                    return lid, product["offerings"][0]
        raise LookupError(f"no product with SKU {sku!r}")

    def conform_stockable(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"sku": "MUG-1"}

    def conform_effects(self, body: dict[str, Any]) -> dict[str, Any]:
        capability, value = body.get("capability"), body.get("value")
        if capability == "set_stock":
            with self._lock:
                lid, _ = self._offering(str(body["sku"]))
            hits = [
                e
                for e in self.ledger.entries("listing.inventory")
                if e["resource_id"] == str(lid)
                and any(
                    p["sku"] == body["sku"] and p["offerings"][0]["quantity"] == int(str(value))
                    for p in e["body"]["products"]
                )
            ]
        elif capability == "transmit_tracking":
            hits = [
                e
                for e in self.ledger.entries("receipt.shipment")
                if e["resource_id"] == str(body["id"]) and e["body"].get("tracking_code") == value
            ]
        else:
            raise ValueError(f"no effect known for capability {capability!r}")
        return {"count": len(hits)}

    def conform_expire_token(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.access = dict.fromkeys(self.access, 0.0)
        return {}

    def conform_revoke_token(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.refresh.clear()
            self.access.clear()
        return {}
