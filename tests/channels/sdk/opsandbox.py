"""A small marketplace sandbox (sdk.sandbox kit) for the HTTP layer's tests: per-operation routes shaped like
Amazon's Orders API, a GraphQL connection, an eBay-style XML endpoint and a JSON ``success`` flag endpoint.

Each route's misbehaviour is set on the instance by the test (``rate_header``, ``body_errors``, ``cursors``),
and the kit's request log records every call with monotonic timestamps, so rates are read from there.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ordersync.channels.sdk.sandbox import Sandbox


class MarketSandbox(Sandbox):
    system = "market-test"

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.reset_data()

    def reset_data(self) -> None:
        with self._lock:
            #: operation name -> value of x-amzn-RateLimit-Limit sent with its answers (None: not sent)
            self.rate_header: dict[str, str | None] = {"getOrders": None, "getOrderItems": None}
            #: path -> bodies answered (with 200) before the normal answer, one per request
            self.body_errors: dict[str, list[bytes]] = {}
            #: the endCursor each GraphQL page reports, in order; the last page has hasNextPage false
            self.cursors: list[str] = ["c1", "c2"]

    def routes(self) -> list[Any]:
        return [
            Route("/orders/v0/orders", self.orders, methods=["GET"]),
            Route("/orders/v0/orders/{order_id}/orderItems", self.order_items, methods=["GET"]),
            Route("/graphql", self.graphql, methods=["POST"]),
            Route("/ws/api.dll", self.trading, methods=["POST"]),
            Route("/api/status", self.status, methods=["GET", "POST"]),
        ]

    def settings_for(self, base_url: str) -> dict[str, Any]:
        return {"base_url": base_url}

    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        return {}

    def _scripted(self, path: str) -> bytes | None:
        with self._lock:
            queue = self.body_errors.get(path) or []
            return queue.pop(0) if queue else None

    def _json(self, operation: str, payload: Any) -> Response:
        headers = {}
        if self.rate_header.get(operation):
            headers["x-amzn-RateLimit-Limit"] = str(self.rate_header[operation])
        return Response(json.dumps(payload), media_type="application/json", headers=headers)

    async def orders(self, request: Request) -> Response:
        return self._json("getOrders", {"payload": {"Orders": [{"AmazonOrderId": "302-1"}]}})

    async def order_items(self, request: Request) -> Response:
        order_id = request.path_params["order_id"]
        return self._json("getOrderItems", {"payload": {"AmazonOrderId": order_id, "OrderItems": []}})

    async def graphql(self, request: Request) -> Response:
        body = await request.json()
        scripted = self._scripted("/graphql")
        if scripted is not None:
            return Response(scripted, media_type="application/json")
        after = (body.get("variables") or {}).get("after")
        with self._lock:
            cursors = list(self.cursors)
        index = 0 if after is None else cursors.index(after) + 1 if after in cursors else len(cursors)
        page = {
            "edges": [{"node": {"id": f"order-{index}"}}],
            "pageInfo": {
                "hasNextPage": index < len(cursors),
                "endCursor": cursors[index] if index < len(cursors) else None,
            },
        }
        return Response(json.dumps({"data": {"orders": page}}), media_type="application/json")

    async def trading(self, request: Request) -> Response:
        scripted = self._scripted("/ws/api.dll")
        body = (
            scripted
            if scripted is not None
            else (
                b'<?xml version="1.0" encoding="UTF-8"?><GetOrdersResponse xmlns="urn:ebay:apis:eBLBaseComponents">'
                b"<Ack>Success</Ack><OrderArray><Order><OrderID>7-1</OrderID></Order></OrderArray></GetOrdersResponse>"
            )
        )
        return Response(body, media_type="text/xml")

    async def status(self, request: Request) -> Response:
        scripted = self._scripted("/api/status")
        return Response(
            scripted if scripted is not None else b'{"success": true, "value": 1}', media_type="application/json"
        )
