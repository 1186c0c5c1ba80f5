"""A small shop API behind the OAuth 2 authorisation server of tests/channels/sdk/oauth (consent with PKCE,
refresh, revocation), with orders to import and statuses and shipments to push: the test platform through
which the conformance suite runs its OAuth cases, and its import, push and crash cases for an OAuth
connector. Imports nothing from its connector; the HTTP contract:

    GET  /api/orders?updated_after=ISO&updated_before=ISO&page=N&per_page=M
         -> {"orders": [{id, number, status, created, updated, currency, total,
                         lines: [{id, sku, title, quantity, price, cancelled}],
                         shipments: [{carrier, tracking_number}]}],
             "total": K}        (sorted by updated, then id; bounds: after < updated <= before)
    GET  /api/orders/{id}                   one order, same shape; 404 {"error": "not_found"}
    PUT  /api/orders/{id}/status            {"status": open|paid|shipped|completed|cancelled}
    PUT  /api/orders/{id}/lines/{line}/cancelled   {"cancelled": N, "reason"}: the line's cancelled quantity
                                            (it only grows, up to the line's quantity; else 422
                                            {"error": "invalid_quantity"}) -> the line
    POST /api/orders/{id}/shipments         {"carrier", "tracking_number"} -> 201 the shipment; a tracking
                                            number the order has already: 422 {"error": "duplicate_tracking_number"}

Every API call needs ``Authorization: Bearer <access token>`` (401 {"error": "invalid_token"} otherwise).
"""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from channels.sdk.oauth.sandbox import OAuthSandbox

STATUSES = ("open", "paid", "shipped", "completed", "cancelled")
API = "/api/orders"


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="microseconds")


class OAuthShopSandbox(OAuthSandbox):
    system = "oauthshop"

    def reset_data(self) -> None:
        super().reset_data()
        with self._lock:
            self.orders: dict[str, dict[str, Any]] = {}
            self.hidden: set[str] = set()
            self.page_cap: int | None = None
            self._ids = itertools.count(1001)

    def routes(self) -> list[Route]:
        return [
            *super().routes(),
            Route(API, self.list_orders),
            Route(f"{API}/{{id}}", self.one_order),
            Route(f"{API}/{{id}}/status", self.set_status, methods=["PUT"]),
            Route(f"{API}/{{id}}/shipments", self.add_shipment, methods=["POST"]),
            Route(f"{API}/{{id}}/lines/{{line}}/cancelled", self.set_cancelled, methods=["PUT"]),
        ]

    # the API -----------------------------------------------------------------------------------------------
    async def list_orders(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        q = request.query_params
        try:
            after = datetime.fromisoformat(q["updated_after"]) if q.get("updated_after") else None
            before = datetime.fromisoformat(q["updated_before"]) if q.get("updated_before") else None
            page, per_page = int(q.get("page", 1)), int(q.get("per_page", 50))
            if page < 1 or not 1 <= per_page <= 100:
                raise ValueError("page >= 1 and 1 <= per_page <= 100")
        except ValueError as exc:
            return JSONResponse({"error": "invalid_request", "error_description": str(exc)}, status_code=400)
        if self.page_cap:
            per_page = min(per_page, self.page_cap)
        with self._lock:
            rows = sorted(
                (
                    o
                    for i, o in self.orders.items()
                    if i not in self.hidden
                    and (after is None or datetime.fromisoformat(o["updated"]) > after)
                    and (before is None or datetime.fromisoformat(o["updated"]) <= before)
                ),
                key=lambda o: (o["updated"], o["id"]),
            )
            chunk = rows[(page - 1) * per_page : page * per_page]
            answer = {"orders": [dict(o) for o in chunk], "total": len(rows)}
            if chunk and self.faults.take("page_drift", "GET", request.url.path):
                chunk[0]["updated"] = _iso(time.time())  # changed just now: it leaves the queried window
        return JSONResponse(answer)

    def _find(self, request: Request) -> dict[str, Any] | None:
        ident = request.path_params["id"]
        return None if ident in self.hidden else self.orders.get(ident)

    async def one_order(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        with self._lock:
            order = self._find(request)
            return JSONResponse(order) if order else JSONResponse({"error": "not_found"}, status_code=404)

    async def set_status(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        body = await request.json()
        if body.get("status") not in STATUSES:
            return JSONResponse({"error": "invalid_status", "allowed": list(STATUSES)}, status_code=422)
        with self._lock:
            order = self._find(request)
            if order is None:
                return JSONResponse({"error": "not_found"}, status_code=404)
            if order["status"] == body["status"]:  # nothing changes, nothing to record (PUT is idempotent)
                return JSONResponse(order)
            order["status"], order["updated"] = body["status"], _iso(time.time())
        self.ledger.record(
            "order.status",
            method="PUT",
            path=request.url.path,
            resource_id=order["id"],
            body=body,
            changes={"status": body["status"]},
        )
        return JSONResponse(order)

    async def add_shipment(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        body = await request.json()
        if not (isinstance(body.get("carrier"), str) and body.get("tracking_number")):
            return JSONResponse({"error": "carrier and tracking_number are required"}, status_code=422)
        shipment = {"carrier": body["carrier"], "tracking_number": str(body["tracking_number"])}
        with self._lock:
            order = self._find(request)
            if order is None:
                return JSONResponse({"error": "not_found"}, status_code=404)
            if any(s["tracking_number"] == shipment["tracking_number"] for s in order["shipments"]):
                return JSONResponse({"error": "duplicate_tracking_number"}, status_code=422)
            order["shipments"] = [*order["shipments"], shipment]
            order["updated"] = _iso(time.time())
        self.ledger.record(
            "order.shipment", method="POST", path=request.url.path, resource_id=order["id"], body=body, changes=shipment
        )
        return JSONResponse(shipment, status_code=201)

    async def set_cancelled(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        body = await request.json()
        wanted = body.get("cancelled")
        if not isinstance(wanted, int) or wanted < 0:
            return JSONResponse({"error": "cancelled must be a whole number >= 0"}, status_code=422)
        with self._lock:
            order = self._find(request)
            line = next((x for x in order["lines"] if x["id"] == request.path_params["line"]), None) if order else None
            if line is None:
                return JSONResponse({"error": "not_found"}, status_code=404)
            if wanted < line["cancelled"] or wanted > line["quantity"]:
                return JSONResponse(
                    {"error": "invalid_quantity", "cancelled": line["cancelled"], "quantity": line["quantity"]},
                    status_code=422,
                )
            if wanted == line["cancelled"]:  # nothing changes (PUT is idempotent)
                return JSONResponse(line)
            line["cancelled"], order["updated"] = wanted, _iso(time.time())
            answer = dict(line)
        self.ledger.record(
            "order.cancel_line",
            method="PUT",
            path=request.url.path,
            resource_id=order["id"],
            body=body,
            changes={"line": line["id"], "cancelled": wanted},
        )
        return JSONResponse(answer)

    # conformance profile -----------------------------------------------------------------------------------
    def conformance_profile(self) -> dict[str, Any]:
        return {
            "orders_read": {"method": "GET", "path": API},
            "writes": {
                "change_status": [{"method": "PUT", "path": f"{API}/*/status"}],
                "transmit_tracking": [{"method": "POST", "path": f"{API}/*/shipments"}],
                "cancel_lines": [{"method": "PUT", "path": f"{API}/*/lines/*/cancelled"}],
            },
            "rate_limit": None,
            "throttled": 0,
            "token_refreshes": len(self.ledger.entries("token.refresh_token")),
        }

    def _create(self, seconds_ago: float, **fields: Any) -> str:
        when = _iso(time.time() - seconds_ago)
        ident = str(next(self._ids))
        self.orders[ident] = {
            "id": ident,
            "number": f"N{ident}",
            "status": "open",
            "created": when,
            "updated": when,
            "currency": "EUR",
            "total": "24.90",
            "shipments": [],
            "lines": [
                {"id": f"{ident}-1", "sku": "CUP-1", "title": "Becher", "quantity": 2, "price": "12.45", "cancelled": 0}
            ],
            **fields,
        }
        return ident

    def conform_configure(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if "page_size" in body:
                self.page_cap = None if body["page_size"] is None else max(1, int(body["page_size"]))
            return {"page_size": self.page_cap}

    def conform_create(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return {"ids": [self._create(float(body.get("seconds_ago", 30))) for _ in range(int(body.get("count", 1)))]}

    def conform_modify(self, body: dict[str, Any]) -> dict[str, Any]:
        when = _iso(time.time() - float(body.get("seconds_ago", 0)))
        with self._lock:
            for ident in body["ids"]:
                self.orders[str(ident)].update(status="paid", updated=when)
        return {"ids": [str(i) for i in body["ids"]]}

    def conform_hide(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.hidden.update(str(i) for i in body["ids"])
        return {"ids": [str(i) for i in body["ids"]]}

    def conform_malformed(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return {"id": self._create(30, total="24,90 EUR"), "marker": "24,90 EUR", "where": "raw"}

    def conform_view(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            order = self.orders.get(str(body["id"]))
            if order is None:
                raise LookupError(f"no order {body['id']}")
            return {
                "status": [order["status"]],
                "tracking": [s["tracking_number"] for s in order["shipments"]],
                "messages": [],
                "total": order["total"],
                "currency": order["currency"],
                "lines": [
                    {"id": x["id"], "sku": x["sku"], "quantity": x["quantity"], "cancelled": x["cancelled"]}
                    for x in order["lines"]
                ],
            }

    def conform_effects(self, body: dict[str, Any]) -> dict[str, Any]:
        capability, ident, value = body.get("capability"), str(body.get("id")), str(body.get("value"))
        if capability == "change_status":
            hits = [
                e
                for e in self.ledger.entries("order.status")
                if e["resource_id"] == ident and e["changes"]["status"] == value
            ]
        elif capability == "transmit_tracking":
            hits = [
                e
                for e in self.ledger.entries("order.shipment")
                if e["resource_id"] == ident and e["changes"]["tracking_number"] == value
            ]
        elif capability == "cancel_lines":  # value: the line's cancelled quantity the push set
            hits = [
                e
                for e in self.ledger.entries("order.cancel_line")
                if e["resource_id"] == ident and str(e["changes"]["cancelled"]) == value
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


def create_sandbox(seed: int = 0, orders: int = 0, **kw: Any) -> OAuthShopSandbox:
    """The conformance suite's factory (``seed`` and ``orders`` are not used: the suite creates its orders)."""
    return OAuthShopSandbox()
