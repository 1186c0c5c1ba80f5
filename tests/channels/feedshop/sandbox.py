"""A marketplace that takes stock as feeds: submit answers 202 with a feed id, processing happens later.

Shaped after the feed APIs of Amazon (JSON_LISTINGS_FEED) and Kaufland/OTTO bulk updates: a feed is a list
of messages (``messageId``, ``sku``, ``quantity``) with the seller's ``reference``; it stays IN_QUEUE until
processed, then is DONE with a report listing only the messages that had problems, or FATAL with a reason.
Knows nothing of its connector.

API (Bearer token): ``POST /feeds`` → 202 ``{"feedId", "status"}``; ``GET /feeds/{id}``;
``GET /feeds?reference=R`` → ``{"feeds": [...]}``; ``GET /inventory?skus=A,B`` → ``{"inventory": [{"sku",
"quantity"}]}`` (the quantity processed feeds set; SKUs no feed set yet are left out). The reference is an
idempotency key: a second submit with a reference the platform has already accepted answers that feed again
(202) and queues nothing new.
Ledger: ``feed.submitted`` per accepted feed, ``stock.set`` per message applied when processed.

Conformance actions (the suite runs through tests/conformance/extra_connectors.py): ``configure`` with
``quick`` processes each feed as it is submitted (its check still comes later), ``stockable``, ``view``
and ``effects`` for stock.

Control (``POST /_sandbox/orders``): ``{"action": "process"}`` processes every queued feed;
``{"action": "reject_sku", "sku": S, "reason": R}`` makes messages for S fail with R when processed;
``{"action": "fatal", "reason": R}`` makes the next processed feed fail as a whole.
"""

from __future__ import annotations

import itertools
import json
import threading
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ordersync.channels.sdk.sandbox import Sandbox

TOKEN = "feed-token-7"


class FeedSandbox(Sandbox):
    system = "feedshop"

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._lock = threading.Lock()
        self.reset_data()

    def reset_data(self) -> None:
        self.feeds: dict[str, dict[str, Any]] = {}
        self.stock: dict[str, int] = {}
        self.rejects: dict[str, str] = {}
        self.fatal: str | None = None
        self.quick = False
        self._ids = itertools.count(5001)

    def settings_for(self, base_url: str) -> dict[str, Any]:
        return {"base_url": base_url, "token": TOKEN}

    def routes(self) -> list[Route]:
        return [
            Route("/feeds", self._feeds, methods=["GET", "POST"]),
            Route("/feeds/{feed_id}", self._feed),
            Route("/inventory", self._inventory),
        ]

    async def _inventory(self, request: Request) -> JSONResponse:
        if not self._authorised(request):
            return JSONResponse({"message": "invalid token"}, status_code=401)
        skus = [s for s in request.query_params.get("skus", "").split(",") if s]
        with self._lock:
            return JSONResponse({"inventory": [{"sku": s, "quantity": self.stock[s]} for s in skus if s in self.stock]})

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {TOKEN}"

    async def _feeds(self, request: Request) -> JSONResponse:
        if not self._authorised(request):
            return JSONResponse({"message": "invalid token"}, status_code=401)
        if request.method == "GET":
            ref = request.query_params.get("reference", "")
            with self._lock:
                return JSONResponse({"feeds": [self._view(f) for f in self.feeds.values() if f["reference"] == ref]})
        try:
            body = json.loads(await request.body())
            messages = body["messages"]
            if not isinstance(body.get("reference", ""), str) or not isinstance(messages, list) or not messages:
                raise ValueError("messages must be a non-empty list")
            for m in messages:
                if not (isinstance(m.get("messageId"), int) and m.get("sku") and isinstance(m.get("quantity"), int)):
                    raise ValueError(f"message {m!r} needs messageId (int), sku and quantity (int)")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return JSONResponse({"message": f"invalid feed: {exc}"}, status_code=400)
        with self._lock:
            known = next(
                (f for f in self.feeds.values() if body.get("reference") and f["reference"] == body["reference"]), None
            )
            if known is not None:  # a repeated submit (its answer was lost): the same feed
                return JSONResponse({"feedId": known["feedId"], "status": known["status"]}, status_code=202)
            feed_id = f"F{next(self._ids)}"
            self.feeds[feed_id] = {
                "feedId": feed_id,
                "reference": body.get("reference", ""),
                "status": "IN_QUEUE",
                "messages": messages,
                "issues": [],
                "error": "",
            }
        self.ledger.record("feed.submitted", method="POST", path="/feeds", resource_id=feed_id, body=body)
        if self.quick:
            with self._lock:
                self._process(self.feeds[feed_id])
        return JSONResponse({"feedId": feed_id, "status": "IN_QUEUE"}, status_code=202)

    async def _feed(self, request: Request) -> JSONResponse:
        if not self._authorised(request):
            return JSONResponse({"message": "invalid token"}, status_code=401)
        with self._lock:
            feed = self.feeds.get(request.path_params["feed_id"])
            if feed is None:
                return JSONResponse({"message": "no such feed"}, status_code=404)
            return JSONResponse(self._view(feed))

    @staticmethod
    def _view(feed: dict[str, Any]) -> dict[str, Any]:
        view = {k: feed[k] for k in ("feedId", "reference", "status")}
        if feed["status"] == "DONE":
            view["report"] = {"issues": feed["issues"]}
        if feed["status"] == "FATAL":
            view["error"] = feed["error"]
        return view

    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        action = body.get("action")
        with self._lock:
            if action == "reject_sku":
                self.rejects[str(body["sku"])] = str(body["reason"])
                return {"rejects": self.rejects}
            if action == "fatal":
                self.fatal = str(body["reason"])
                return {"fatal": self.fatal}
            if action == "process":
                return {"processed": [self._process(f) for f in self.feeds.values() if f["status"] == "IN_QUEUE"]}
        raise ValueError(f"unknown action {action!r}; known: process, reject_sku, fatal")

    def _process(self, feed: dict[str, Any]) -> str:
        if self.fatal is not None:
            feed["status"], feed["error"], self.fatal = "FATAL", self.fatal, None
            return feed["feedId"]
        for m in feed["messages"]:
            if m["sku"] in self.rejects:
                feed["issues"].append(
                    {
                        "messageId": m["messageId"],
                        "sku": m["sku"],
                        "severity": "ERROR",
                        "message": self.rejects[m["sku"]],
                    }
                )
                continue
            self.stock[m["sku"]] = m["quantity"]
            self.ledger.record(
                "stock.set",
                method="POST",
                path="/feeds",
                resource_id=m["sku"],
                changes={"quantity": m["quantity"], "feed": feed["feedId"]},
            )
        feed["status"] = "DONE"
        return feed["feedId"]

    # conformance profile (sdk.sandbox.CONFORMANCE_ACTIONS) ------------------------------------------------
    def conformance_profile(self) -> dict[str, Any]:
        return {"writes": {"set_stock": [{"method": "POST", "path": "/feeds"}]}, "rate_limit": None, "throttled": 0}

    def conform_configure(self, body: dict[str, Any]) -> dict[str, Any]:
        self.quick = bool(body.get("quick", self.quick))
        return {"quick": self.quick}

    def conform_stockable(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"sku": "FEED-SKU-1"}

    def conform_view(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            return {"stock": self.stock.get(str(body["sku"]))}

    def conform_effects(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("capability") != "set_stock":
            raise ValueError(f"no effect known for capability {body.get('capability')!r}")
        return {
            "count": len(
                [
                    e
                    for e in self.ledger.entries("stock.set")
                    if e["resource_id"] == str(body["sku"]) and e["changes"]["quantity"] == int(body["value"])
                ]
            )
        }


def create_sandbox(**kw: Any) -> FeedSandbox:
    kw.pop("seed", None), kw.pop("orders", None)
    return FeedSandbox(**kw)
