"""A small marketplace that requires every new order to be accepted or rejected before a deadline, as a
sandbox (HTTP on loopback, sdk.sandbox kit) and a connector for it. No shipped channel takes order
acknowledgements yet, so the engine's ACKNOWLEDGE_ORDERS path is tested through this pair. The sandbox half
imports nothing from the connector half; they share only the HTTP contract written out below.

    GET  /api/orders?updated_after=ISO      {"orders": [{id, number, status, created, updated, currency, total,
                                             accept_by, acknowledgement: null | {accepted, reason},
                                             lines: [{id, sku, title, quantity, price}]}]}
    GET  /api/orders/{id}                   one order, same shape
    POST /api/orders/{id}/acknowledge       {"accepted": bool, "reason": str} → 200; 409 if already answered

The sandbox also offers the conformance suite's actions (it runs the suite through
tests/conformance/extra_connectors.py): orders are created, changed, hidden and broken on cue, and
``effects`` counts the acknowledgements the platform accepted per order.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ordersync.channels.sdk.capabilities import Capability, Mode, declare
from ordersync.channels.sdk.connector import Connector
from ordersync.channels.sdk.errors import PermanentError
from ordersync.channels.sdk.guide import GuideStep
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.mapping import map_records, quarantine_record, read_record
from ordersync.channels.sdk.records import OrderRef, Page, PushResult
from ordersync.channels.sdk.sandbox import Sandbox
from ordersync.channels.sdk.settings import SettingField, SettingsSchema
from ordersync.domain import Order, OrderItem, OrderState

# --- the sandbox --------------------------------------------------------------------------------------------


class AckSandbox(Sandbox):
    system = "ackshop"

    def __init__(self, orders: int = 2) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.orders: dict[str, dict[str, Any]] = {}
        self._initial = orders
        self.reset_data()

    def reset_data(self) -> None:
        with self.lock:
            self.orders, self.hidden = {}, set()
        for _ in range(self._initial):
            self._create()

    def _create(self, seconds_ago: float = 10, **fields: Any) -> dict[str, Any]:
        with self.lock:
            n = len(self.orders) + 1
            now = datetime.now(UTC) - timedelta(seconds=seconds_ago)  # older than the importer's safety lag
            order = {
                "id": f"A-{n}",
                "number": f"10{n:02d}",
                "status": "open",
                "created": now.isoformat(),
                "updated": now.isoformat(),
                "currency": "EUR",
                "total": "19.90",
                "accept_by": (now + timedelta(days=2)).isoformat(),
                "acknowledgement": None,
                "lines": [{"id": f"A-{n}-1", "sku": "MUG-1", "title": "Tasse", "quantity": 1, "price": "19.90"}],
                **fields,
            }
            self.orders[order["id"]] = order
            return order

    def settings_for(self, base_url: str) -> dict[str, Any]:
        return {"url": base_url}

    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        created = [self._create()["id"] for _ in range(int(body.get("create", 0)))]
        for ident in body.get("touch", []):  # a change on the platform: the order is listed again
            with self.lock:
                self.orders[ident]["updated"] = (datetime.now(UTC) - timedelta(seconds=10)).isoformat()
        return {"created": created}

    def routes(self) -> list[Any]:
        return [
            Route("/api/orders", self._list),
            Route("/api/orders/{id}", self._one),
            Route("/api/orders/{id}/acknowledge", self._acknowledge, methods=["POST"]),
        ]

    async def _list(self, request: Request) -> JSONResponse:
        since = request.query_params.get("updated_after")
        with self.lock:
            rows = [
                o
                for o in self.orders.values()
                if o["id"] not in self.hidden
                and (not since or datetime.fromisoformat(o["updated"]) > datetime.fromisoformat(since))
            ]
        return JSONResponse({"orders": rows})

    async def _one(self, request: Request) -> JSONResponse:
        order = self.orders.get(request.path_params["id"]) if request.path_params["id"] not in self.hidden else None
        return JSONResponse(order) if order else JSONResponse({"error": "no such order"}, status_code=404)

    async def _acknowledge(self, request: Request) -> JSONResponse:
        body = await request.json()
        with self.lock:
            order = self.orders.get(request.path_params["id"])
            if order is None:
                return JSONResponse({"error": "no such order"}, status_code=404)
            if order["acknowledgement"] is not None:
                return JSONResponse({"error": "order already acknowledged"}, status_code=409)
            if not isinstance(body.get("accepted"), bool) or (not body["accepted"] and not body.get("reason")):
                return JSONResponse(
                    {"error": "accepted (bool) is required; a rejection needs a reason"}, status_code=400
                )
            order["acknowledgement"] = {"accepted": body["accepted"], "reason": body.get("reason", "")}
            order["updated"] = datetime.now(UTC).isoformat()
            self.ledger.record(
                "order.acknowledge",
                method="POST",
                path=request.url.path,
                resource_id=order["id"],
                body=body,
                changes={"accepted": body["accepted"]},
            )
        return JSONResponse(order)

    # the conformance profile (sdk.sandbox.CONFORMANCE_ACTIONS) ------------------------------------------
    def conformance_profile(self) -> dict[str, Any]:
        return {
            "orders_read": {"method": "GET", "path": "/api/orders"},
            "pages": False,
            "writes": {"acknowledge_orders": [{"method": "POST", "path": "/api/orders/*/acknowledge"}]},
            "rate_limit": None,
            "throttled": 0,
        }

    def conform_create(self, body: dict[str, Any]) -> dict[str, Any]:
        ago = float(body.get("seconds_ago", 30))
        return {"ids": [self._create(ago)["id"] for _ in range(int(body.get("count", 1)))]}

    def conform_modify(self, body: dict[str, Any]) -> dict[str, Any]:
        when = (datetime.now(UTC) - timedelta(seconds=float(body.get("seconds_ago", 0)))).isoformat()
        with self.lock:
            for ident in body["ids"]:
                self.orders[ident].update(status="in_progress", updated=when)
        return {"ids": list(body["ids"])}

    def conform_hide(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.hidden.update(body["ids"])
        return {"ids": list(body["ids"])}

    def conform_malformed(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"id": self._create(30, total="19,90 EUR")["id"], "marker": "19,90 EUR", "where": "raw"}

    def conform_view(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            order = self.orders[str(body["id"])]
            ack = order["acknowledgement"]
            decided = [] if ack is None else ["accepted" if ack["accepted"] else "rejected"]
            return {
                "status": [order["status"], *decided],
                "tracking": [],
                "messages": [],
                "total": order["total"],
                "currency": order["currency"],
            }

    def conform_effects(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("capability") != "acknowledge_orders":
            raise ValueError(f"no effect known for capability {body.get('capability')!r}")
        return {
            "count": len([e for e in self.ledger.entries("order.acknowledge") if e["resource_id"] == str(body["id"])])
        }


def create_sandbox(seed: int = 0, orders: int = 0, **kw: Any) -> AckSandbox:
    """The conformance suite's factory: no orders until the suite creates them."""
    return AckSandbox(orders=orders)


# --- the connector ------------------------------------------------------------------------------------------


class AckShop(Connector):
    system = "ackshop"
    display_name = "Acknowledging marketplace (tests)"
    group = "marketplace"
    capabilities = (
        declare(Capability.IMPORT_ORDERS, Mode.POLL),
        declare(Capability.ACKNOWLEDGE_ORDERS, Mode.API, note="accepted within two days"),
    )
    settings_schema = SettingsSchema(
        (
            SettingField("url", "Address", type="url"),
            SettingField("auto_accept", "Accept new orders automatically", type="bool", required=False, default=True),
        )
    )
    guide = (GuideStep("Connect", "Enter the marketplace's address.", settings=("url",)),)
    sandbox_factory = "acceptance.ackshop:create_sandbox"

    def __init__(self, settings, context=None) -> None:
        super().__init__(settings, context)
        self.http = ChannelHTTP(str(self.settings["url"]))

    def close(self) -> None:
        self.http.close()

    def fetch_orders(self, window):
        params = {"updated_after": window.since.isoformat()} if window.since else {}
        rows = self.http.request("GET", "/api/orders", params=params, expect_json=True).json()["orders"]
        rows = [r for r in rows if datetime.fromisoformat(r["updated"]) <= window.until]
        orders, bad = map_records(rows, _read, lambda raw, exc: quarantine_record(raw, exc, label="order"))
        yield Page(records=orders, quarantined=bad, number=1, window_total=len(rows))

    def acknowledge(self, ref: OrderRef, accept: bool, reason: str = "") -> PushResult:
        current = self.http.request("GET", f"/api/orders/{ref.external_id}", expect_json=True).json()
        done = current.get("acknowledgement")
        if done is not None:
            if done["accepted"] != accept:
                decided = "accepted" if done["accepted"] else "rejected"
                raise PermanentError(f"order {ref.external_id} was already {decided}")
            return PushResult(ok=True, already_done=True, remote_id=ref.external_id)
        self.http.request(
            "POST",
            f"/api/orders/{ref.external_id}/acknowledge",
            json={"accepted": accept, "reason": reason},
            idempotent=True,
        )
        return PushResult(ok=True, remote_id=ref.external_id, detail="accepted" if accept else "rejected")


def _read(raw: dict[str, Any]) -> Order:
    return read_record(lambda: _order(raw), hint="The marketplace sent an order we could not read.")


def _order(raw: dict[str, Any]) -> Order:
    return Order(
        external_id=raw["id"],
        number=raw["number"],
        state=OrderState.ORDERED,
        currency=raw["currency"],
        channel_status=raw.get("status", ""),
        created_at=datetime.fromisoformat(raw["created"]),
        updated_at=datetime.fromisoformat(raw["updated"]),
        total=Decimal(raw["total"]),
        acknowledge_by=datetime.fromisoformat(raw["accept_by"]),
        items=[
            OrderItem(
                external_id=x["id"],
                title=x["title"],
                quantity=Decimal(x["quantity"]),
                unit_price=Decimal(x["price"]),
                total_price=Decimal(x["price"]) * x["quantity"],
                sku=x["sku"],
            )
            for x in raw["lines"]
        ],
    )
