"""The Shopware 6 sandbox's conformance profile (see ``sdk.sandbox.CONFORMANCE_ACTIONS``).

Vendor facts only: a status push is a state-machine transition on the order, its delivery or its
transaction (``/api/_action/{entity}/{id}/state/{transition}``), tracking is the delivery's
``trackingCodes`` plus its ``ship`` transition, stock is a ``product`` upsert through ``/api/_action/sync``;
a hidden order is a deleted one; the record a mapper cannot use has an amount that is no number. Shopware
documents no Admin API rate limit (only the login is limited), so the profile names none. Access tokens
are OAuth 2 client-credentials tokens: ``expire_token`` voids them, ``revoke_token`` deletes the
integration's key, and ``token_refreshes`` counts the tokens granted.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ...sdk.sandbox import SandboxMixin

ACTION = "/api/_action"


def _ids(body: dict[str, Any]) -> list[str]:
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids:
        raise ValueError("'ids' must be a non-empty list of order ids")
    return [str(i) for i in ids]


def _ago(seconds: float) -> str:
    return datetime.fromtimestamp(time.time() - seconds, UTC).isoformat()


if TYPE_CHECKING:
    import threading
    from collections.abc import Callable


class Shopware6Conformance(SandboxMixin):
    """Mixed into ``Shopware6Sandbox``: the profile actions, built on its data and control hooks."""

    if TYPE_CHECKING:  # set by the sandbox class this is mixed into
        lock: threading.RLock
        orders: dict[str, dict[str, Any]]
        products: dict[str, dict[str, Any]]
        tokens: dict[str, float]
        token_refreshes: int
        _place: Callable[..., dict[str, Any]]
        touch: Callable[..., None]

    def conformance_profile(self) -> dict[str, Any]:
        # the transitions that reach a state a status push writes (complete, cancel, paid, ship); a step on
        # the way (process: open -> in_progress) only prepares the push
        transitions = [
            {"method": "POST", "path": f"{ACTION}/{entity}/*/state/{name}"}
            for entity, name in (
                ("order", "complete"),
                ("order", "cancel"),
                ("order_transaction", "paid"),
                ("order_delivery", "ship"),
            )
        ]
        return {
            "orders_read": {"method": "POST", "path": "/api/search/order"},
            "writes": {
                "change_status": transitions,
                "transmit_tracking": [
                    {"method": "PATCH", "path": "/api/order-delivery/*"},
                    {"method": "POST", "path": f"{ACTION}/order_delivery/*/state/*"},
                ],
                "set_stock": [{"method": "POST", "path": f"{ACTION}/sync"}],
            },
            "rate_limit": None,
            "throttled": 0,
            "token_refreshes": self.token_refreshes,
        }

    def conform_configure(self, body: dict[str, Any]) -> dict[str, Any]:
        if "page_size" in body:
            cap = body["page_size"]
            self.page_cap = None if cap is None else max(1, int(cap))
        return {"page_size": self.page_cap}

    def conform_create(self, body: dict[str, Any]) -> dict[str, Any]:
        when = _ago(float(body.get("seconds_ago", 30)))
        result = self.control_orders(
            {
                "create": [{"createdAt": when} for _ in range(int(body.get("count", 1)))],
                "webhook": bool(body.get("webhook", False)),
            }
        )
        return {"ids": result["created"]}

    def conform_modify(self, body: dict[str, Any]) -> dict[str, Any]:
        when = _ago(float(body.get("seconds_ago", 0)))
        updates = []
        for ident in _ids(body):
            order = self.orders.get(ident)
            if order is None:
                raise LookupError(f"no order {ident}")
            note = "Bitte klingeln" if order.get("customerComment") != "Bitte klingeln" else "Bitte nicht klingeln"
            updates.append({"id": ident, "merge": {"customerComment": note}, "updatedAt": when})
        result = self.control_orders({"update": updates, "webhook": bool(body.get("webhook", False))})
        return {"ids": result["updated"]}

    def conform_hide(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"ids": self.control_orders({"delete": _ids(body)})["deleted"]}

    def conform_malformed(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            order = self._place(random.Random(), datetime.fromtimestamp(time.time() - 30, UTC))
            order["lineItems"][0]["totalPrice"] = "zwölf"
            order["lineItems"][0]["price"]["totalPrice"] = "zwölf"
        return {"id": order["id"], "marker": "zwölf", "where": "raw"}

    def conform_view(self, body: dict[str, Any]) -> dict[str, Any]:
        if "sku" in body:
            return {"stock": self._product(str(body["sku"]))["stock"]}
        order = self.orders.get(str(body.get("id")))
        if order is None:
            raise LookupError(f"no order {body.get('id')}")
        status = [order["stateMachineState"]["technicalName"]]
        status += [t["stateMachineState"]["technicalName"] for t in order.get("transactions") or []]
        status += [d["stateMachineState"]["technicalName"] for d in order.get("deliveries") or []]
        tracking = [c for d in order.get("deliveries") or [] for c in d.get("trackingCodes") or []]
        return {
            "status": status,
            "tracking": tracking,
            "messages": [],
            "total": str(order["amountTotal"]),
            "currency": order["currency"]["isoCode"],
        }

    def _product(self, number: str) -> dict[str, Any]:
        for product in self.products.values():
            if product["productNumber"] == number:
                return product
        raise LookupError(f"no product with productNumber {number!r}")

    def conform_stockable(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"sku": "SW10004.1"}  # a variant: stock goes to the variant's own product id

    def conform_edit_stock(self, body: dict[str, Any]) -> dict[str, Any]:
        """An edit in the Shopware administration: the product's (or variant's) stock and its modification
        time change, no ledger entry (the hub made no call) and no webhook."""
        with self.lock:
            product = self._product(str(body["sku"]))
            product["stock"] = product["availableStock"] = int(body["stock"])
            self.touch(product)
        return {"stock": product["stock"]}

    def conform_effects(self, body: dict[str, Any]) -> dict[str, Any]:
        capability, value = body.get("capability"), body.get("value")  # type: Any, Any
        if capability == "set_stock":
            product = self._product(str(body["sku"]))
            changes, last = 0, None
            for entry in self.ledger.entries("product.stock"):
                if entry["resource_id"] == product["id"]:
                    changes += entry["changes"]["stock"] == int(value) and last != int(value)
                    last = entry["changes"]["stock"]
            return {"count": changes}
        oid = str(body["id"])
        if capability == "change_status":
            hits = [
                e
                for e in self.ledger.entries("*.transition")
                if e["resource_id"] == oid and e["changes"]["to"] == value
            ]
        elif capability == "transmit_tracking":
            hits = [
                e
                for e in self.ledger.entries("order_delivery.update")
                if e["resource_id"] == oid and value in e["changes"]["added"]
            ]
        else:
            raise ValueError(f"no effect known for capability {capability!r}")
        return {"count": len(hits)}

    def conform_expire_token(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.tokens.clear()
        return {}

    def conform_revoke_token(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.revoked = True
        return {}
