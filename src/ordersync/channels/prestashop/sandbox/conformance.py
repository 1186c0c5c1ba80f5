"""The PrestaShop sandbox's conformance profile (see ``sdk.sandbox.CONFORMANCE_ACTIONS``).

Vendor facts only: a status change is a new order_history, tracking the order carrier's ``tracking_number``,
a message a customer_message in the order's customer thread, stock a stock_available's ``quantity``.
"Hidden" is an order deleted through the webservice (it leaves every listing). The broken record is an
order row whose ``product_quantity`` is a word.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...sdk.sandbox import SandboxMixin


def _ids(body: dict[str, Any]) -> list[int]:
    ids = body.get("ids")
    if not isinstance(ids, list) or not ids:
        raise ValueError("'ids' must be a non-empty list of order ids")
    return [int(i) for i in ids]


if TYPE_CHECKING:
    from .store import Store


class PrestashopConformance(SandboxMixin):
    """Mixed into ``PrestashopSandbox``: the profile actions, built on its store and control hooks."""

    if TYPE_CHECKING:  # set by the sandbox class this is mixed into
        store: Store

    def conformance_profile(self) -> dict[str, Any]:
        return {
            "orders_read": {"method": "GET", "path": "/api/orders"},
            "writes": {
                "change_status": [{"method": "POST", "path": "/api/order_histories"}],
                "transmit_tracking": [{"method": "PUT", "path": "/api/order_carriers/*"}],
                "send_messages": [{"method": "POST", "path": "/api/customer_messages"}],
                "set_stock": [{"method": "PUT", "path": "/api/stock_availables/*"}],
            },
            # PrestaShop documents no webservice rate limit (hosts may add one)
            "rate_limit": None,
            "throttled": 0,
        }

    def conform_create(self, body: dict[str, Any]) -> dict[str, Any]:
        result = self.control_orders(
            {"create": int(body.get("count", 1)), "seconds_ago": float(body.get("seconds_ago", 30))}
        )
        return {"ids": [str(i) for i in result["created"]]}

    def conform_modify(self, body: dict[str, Any]) -> dict[str, Any]:
        orders = self.store.tables["orders"]
        changes = [
            {"id": i, "current_state": "3" if orders[i]["current_state"] != "3" else "2"}
            for i in _ids(body)
            if i in orders
        ]
        result = self.control_orders({"update": changes, "seconds_ago": float(body.get("seconds_ago", 0))})
        return {"ids": [str(i) for i in result["updated"]]}

    def conform_hide(self, body: dict[str, Any]) -> dict[str, Any]:
        result = self.control_orders({"delete": _ids(body)})
        return {"ids": [str(i) for i in result["deleted"]]}

    def conform_malformed(self, body: dict[str, Any]) -> dict[str, Any]:
        ident = self.control_orders({"create": 1, "seconds_ago": 30})["created"][0]
        rows = self.store.order_rows(ident)
        broken = [dict(rows[0], product_quantity="zwei")] + rows[1:]
        self.control_orders({"raw_rows": {str(ident): broken}})
        return {"id": str(ident), "marker": "zwei", "where": "raw"}

    def conform_view(self, body: dict[str, Any]) -> dict[str, Any]:
        tables = self.store.tables
        if "sku" in body:
            return {"stock": int(self.store.stock_for_reference(str(body["sku"]))["quantity"])}
        oid = int(body["id"])
        order = tables["orders"].get(oid)
        if order is None:
            raise LookupError(f"no order {oid}")
        state = tables["order_states"][int(order["current_state"])]
        threads = {t["id"] for t in tables["customer_threads"].values() if t["id_order"] == str(oid)}
        messages = [
            m["message"] for m in tables["customer_messages"].values() if int(m["id_customer_thread"] or 0) in threads
        ]
        tracking = [c["tracking_number"] for c in tables["order_carriers"].values() if c["id_order"] == str(oid)]
        return {
            "status": [order["current_state"], state["name"]],
            "tracking": tracking,
            "messages": messages,
            "total": order["total_paid_tax_incl"],
            "currency": "EUR",
        }

    def conform_stockable(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"sku": self.store.tables["products"][1]["reference"]}

    def conform_effects(self, body: dict[str, Any]) -> dict[str, Any]:
        capability, value = body.get("capability"), str(body.get("value"))
        tables = self.store.tables
        if capability == "set_stock":
            row = self.store.stock_for_reference(str(body["sku"]))
            hits = [
                e
                for e in self.ledger.entries("stock_available.update")
                if e["resource_id"] == str(row["id"]) and e["changes"].get("quantity") == value
            ]
            return {"count": len(hits)}
        oid = str(body["id"])
        if capability == "change_status":
            hits = [
                e
                for e in self.ledger.entries("order_history.create")
                if e["resource_id"] == oid and e["changes"].get("current_state") == value
            ]
        elif capability == "transmit_tracking":
            carriers = {str(c["id"]) for c in tables["order_carriers"].values() if c["id_order"] == oid}
            hits = [
                e
                for e in self.ledger.entries("order_carrier.update")
                if e["resource_id"] in carriers and e["changes"].get("tracking_number") == value
            ]
        elif capability == "send_messages":
            hits = [
                e
                for e in self.ledger.entries("customer_message.create")
                if e["resource_id"] == oid and value in e["changes"].get("message", "")
            ]
        else:
            raise ValueError(f"no effect known for capability {capability!r}")
        return {"count": len(hits)}
