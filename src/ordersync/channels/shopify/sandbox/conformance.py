"""The Shopify sandbox's conformance profile (see ``sdk.sandbox.CONFORMANCE_ACTIONS``).

Vendor facts only: every call is one GraphQL endpoint, so a push is told apart by its operation name
(``...graphql.json#OrderClose``); a hidden order is a deleted one (``orderDelete``: gone from every listing);
a record a mapper cannot use has a creation date that is no date; tracking shows in fulfillments; the
documented limit is the query-cost bucket, enforced by ``cost.CostBucket`` (THROTTLED answers).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ...sdk.sandbox import SandboxMixin
from .data import gid

GRAPHQL = "/admin/api/*/graphql.json"
#: the key Shopify leaves on an order after a status push -> the mutation that writes it
STATUS_LEDGER = {"closed": "order.close", "cancelled": "order.cancel", "paid": "order.mark_as_paid"}


def _stamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _gid(ident: Any) -> str:
    text = str(ident)
    return text if text.startswith("gid://") else gid("Order", int(text))


def _ids(body: dict[str, Any]) -> list[str]:
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids:
        raise ValueError("'ids' must be a non-empty list of order ids")
    return [_gid(i) for i in ids]


if TYPE_CHECKING:
    from .bulk import BulkRunner
    from .cost import CostBucket
    from .store import ShopStore


class ShopifyConformance(SandboxMixin):
    """Mixed into ``ShopifySandbox``: the profile actions, built on its store and control hooks."""

    if TYPE_CHECKING:  # set by the sandbox class this is mixed into
        store: ShopStore
        bucket: CostBucket
        bulk: BulkRunner
        initial_bulk_polls: int

    def conformance_profile(self) -> dict[str, Any]:
        def op(name: str) -> list[dict[str, str]]:
            return [{"method": "POST", "path": f"{GRAPHQL}#{name}"}]

        return {
            "orders_read": {"method": "POST", "path": f"{GRAPHQL}*"},
            "writes": {
                "change_status": op("OrderClose") + op("OrderCancel") + op("OrderMarkAsPaid"),
                "transmit_tracking": op("FulfillmentCreate"),
                "set_stock": op("InventorySetQuantities"),
            },
            "rate_limit": {
                "kind": "query cost",
                "bucket": self.bucket.size,
                "restore_per_second": self.bucket.restore_rate,
            },
            "throttled": sum(1 for _, kind, _ in list(self.bucket.meter) if kind == "throttled"),
        }

    def conform_configure(self, body: dict[str, Any]) -> dict[str, Any]:
        if "page_size" in body:
            cap = body["page_size"]
            self.store.page_cap = None if cap is None else max(1, int(cap))
        if "quick" in body:  # a bulk operation completes on the first poll instead of reporting RUNNING first
            self.bulk.polls = 0 if body["quick"] else self.initial_bulk_polls
        return {"page_size": self.store.page_cap, "quick": self.bulk.polls == 0}

    def conform_create(self, body: dict[str, Any]) -> dict[str, Any]:
        stamp = _stamp(time.time() - float(body.get("seconds_ago", 30)))
        spec = {"status": "paid", "createdAt": stamp, "updatedAt": stamp}
        result = self.control_orders(
            {
                "create": [dict(spec) for _ in range(int(body.get("count", 1)))],
                "webhook": bool(body.get("webhook", False)),
            }
        )
        return {"ids": result["created"]}

    def conform_modify(self, body: dict[str, Any]) -> dict[str, Any]:
        stamp = _stamp(time.time() - float(body.get("seconds_ago", 0)))
        updates = []
        for ident in _ids(body):
            order = self.store.orders.get(ident)
            if order is None:
                raise LookupError(f"no order {ident}")
            note = "Bitte klingeln" if order.get("note") != "Bitte klingeln" else "Bitte nicht klingeln"
            updates.append({"id": ident, "merge": {"note": note}, "updatedAt": stamp})
        result = self.control_orders({"update": updates, "webhook": bool(body.get("webhook", False))})
        return {"ids": result["updated"]}

    def conform_hide(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            for ident in _ids(body):
                if self.store.orders.pop(ident, None) is None:
                    raise LookupError(f"no order {ident}")
            self.store.version += 1
        return {"ids": _ids(body)}

    def conform_malformed(self, body: dict[str, Any]) -> dict[str, Any]:
        stamp = _stamp(time.time() - 30)
        result = self.control_orders(
            {"create": [{"merge": {"createdAt": "gestern"}, "updatedAt": stamp}], "webhook": False}
        )
        return {"id": result["created"][0], "marker": "gestern", "where": "raw"}

    def _variant(self, sku: str) -> dict[str, Any]:
        for variant in self.store.variants.values():
            if variant["sku"] == sku:
                return variant
        raise LookupError(f"no variant with SKU {sku!r}")

    def conform_view(self, body: dict[str, Any]) -> dict[str, Any]:
        location = next(iter(self.store.locations))
        if "sku" in body:
            item = self._variant(str(body["sku"]))["inventoryItem"]["id"]
            return {"stock": self.store.levels[(item, location)]}
        order = self.store.orders.get(_gid(body["id"]))
        if order is None:
            raise LookupError(f"no order {body['id']}")
        status = [
            str(order.get("displayFinancialStatus") or "").lower(),
            str(order.get("displayFulfillmentStatus") or "").lower(),
        ]
        status += ["closed"] * bool(order.get("closed")) + ["cancelled"] * bool(order.get("cancelledAt"))
        tracking = [str(t.get("number")) for f in order.get("fulfillments") or [] for t in f.get("trackingInfo") or []]
        total = order["totalPriceSet"]["shopMoney"]
        return {
            "status": status,
            "tracking": tracking,
            "messages": [],
            "total": total["amount"],
            "currency": total["currencyCode"],
        }

    def conform_stockable(self, body: dict[str, Any]) -> dict[str, Any]:
        for variant in self.store.variants.values():
            if variant["sku"] and variant["inventoryItem"].get("tracked"):
                return {"sku": variant["sku"]}
        raise LookupError("no tracked variant")

    def conform_edit_stock(self, body: dict[str, Any]) -> dict[str, Any]:
        """An edit in the Shopify admin: the 'available' quantity at the first location (the one
        ``settings_for`` gives the connection) changes, the variant's total follows, no webhook."""
        location = next(iter(self.store.locations))
        with self.store.lock:
            variant = self._variant(str(body["sku"]))
            item = variant["inventoryItem"]["id"]
            self.store.levels[(item, location)] = int(body["stock"])
            variant["inventoryQuantity"] = sum(v for (i, _), v in self.store.levels.items() if i == item)
        return {"stock": self.store.levels[(item, location)]}

    def conform_effects(self, body: dict[str, Any]) -> dict[str, Any]:
        capability, value = body.get("capability"), body.get("value")  # type: Any, Any
        if capability == "set_stock":
            item = self._variant(str(body["sku"]))["inventoryItem"]["id"]
            # an absolute quantity written again changes nothing: count the times the level became the value
            hits, last = [], None
            for entry in self.ledger.entries("inventory.set"):
                if item in entry["changes"]:
                    if entry["changes"][item] == int(value) and last != int(value):
                        hits.append(entry)
                    last = entry["changes"][item]
        elif capability == "change_status":
            kind = STATUS_LEDGER.get(str(value))
            if kind is None:
                raise ValueError(f"no status push leaves {value!r} on a Shopify order")
            hits = [e for e in self.ledger.entries(kind) if e["resource_id"] == _gid(body["id"])]
        elif capability == "transmit_tracking":
            hits = [
                e
                for e in self.ledger.entries("fulfillment.create")
                if e["body"].get("order") == _gid(body["id"]) and e["changes"].get("tracking") == value
            ]
        else:
            raise ValueError(f"no effect known for capability {capability!r}")
        return {"count": len(hits)}
