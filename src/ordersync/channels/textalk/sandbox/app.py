"""``TextalkSandbox``: a Textalk/Abicart JSON-RPC backend on loopback at ``/backend/jsonrpc/v1/``.

Methods: ``Order.list(fields, selection)``, ``Order.get(uid, fields)``, ``Order.count(filters)`` and
``OrderItem.get(uid, fields)`` (see ``rpc`` for validation and error codes). Read-only, so the ledger stays
empty. The fault kit works at the HTTP level; an injected 5xx answers a JSON-RPC -32000 "Internal error"
body, a 429 a -32000 "Too many requests" body with Retry-After. ``page_drift`` moves one order of the
queried window out of it (its ``changed`` becomes now) on each matching ``Order.list``.

Control body of ``POST /_sandbox/orders`` (all keys optional)::

    {"create": 3 | [order, ...], "update": [{"uid": 41000001, ...}, ...], "carts": 2}

* ``create: N`` adds N generated orders placed now. An ``order`` object overrides generated keys (objects
  merged); ``"raw": true`` stores it exactly as given instead (a uid is assigned if missing), with each
  object in its ``items`` stored as an OrderItem and replaced by its uid - how malformed data gets in.
* ``update`` entries set keys verbatim (objects merged); ``changed`` is now unless given.
* ``carts: N`` adds N unfinished orders (no ``ordered``).

Answer: ``{"created": [uids], "updated": [uids]}``.
"""

from __future__ import annotations

import json
import random
import threading
import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...sdk.sandbox import FaultRule, Sandbox
from . import rpc
from .conformance import TextalkConformance
from .data import ITEM_UID_BASE, ORDER_UID_BASE, build_order, iso, token_for, webshop_for

PATH = "/backend/jsonrpc/v1/"
ORDER_PROPERTIES = {
    "uid",
    "orderNumber",
    "ordered",
    "changed",
    "customer",
    "currency",
    "exchangeRate",
    "items",
    "costs",
    "language",
    "note",
    "tags",
    "externalOrderNumber",
    "discarded",
    "hasVat",
    "payments",
    "delivery",
    "paymentStatus",
    "deliveryStatus",
    "affiliate",
}
ITEM_PROPERTIES = {
    "uid",
    "order",
    "costs",
    "revenueShare",
    "discountInfo",
    "article",
    "articleNumber",
    "articleName",
    "choices",
    "download",
}


def _epoch(value: Any) -> float | None:
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def _merge(target: dict, patch: dict) -> None:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


class TextalkSandbox(TextalkConformance, Sandbox):
    system = "textalk"

    def __init__(
        self,
        *,
        seed: int = 1,
        orders: int = 100,
        carts: int = 0,
        history_days: int = 120,
        anchor: datetime | None = None,
    ) -> None:
        super().__init__()
        self.seed, self.initial, self.initial_carts, self.history_days = seed, orders, carts, history_days
        self.anchor = anchor or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        self.token, self.webshop = token_for(seed), webshop_for(seed)
        self._lock = threading.Lock()
        self.reset_data()

    # data ----------------------------------------------------------------------------------------
    def reset_data(self) -> None:
        with self._lock:
            self.rng = random.Random(self.seed)
            self.orders: dict[int, dict[str, Any]] = {}
            self.items: dict[int, dict[str, Any]] = {}
            self.next_uid, self.next_item = ORDER_UID_BASE + 1, ITEM_UID_BASE + 1
            end = int(self.anchor.timestamp())
            for _ in range(self.initial):
                ordered = end - self.rng.randint(3600, self.history_days * 86400)
                self._add(ordered, min(end - 60, ordered + self.rng.randint(0, 5 * 86400)))
            for _ in range(self.initial_carts):
                self._add(None, end - self.rng.randint(60, 86400))

    def _add(self, ordered: int | None, changed: int) -> int:
        uid = self.next_uid
        order, items = build_order(self.rng, uid, uid - ORDER_UID_BASE + 10000, ordered, changed, self.next_item)
        self.next_uid += 1
        self.next_item += len(items)
        self.orders[uid] = order
        self.items.update({i["uid"]: i for i in items})
        return uid

    def _raw(self, spec: dict[str, Any]) -> int:
        order = {k: v for k, v in spec.items() if k != "raw"}
        uid = order.setdefault("uid", self.next_uid)
        if isinstance(uid, int):
            self.next_uid = max(self.next_uid, uid + 1)
        lines = []
        for line in order.get("items") or [] if isinstance(order.get("items"), list) else []:
            if isinstance(line, dict):
                line = dict(line)
                item_uid = line.setdefault("uid", self.next_item)
                self.next_item = max(self.next_item, int(item_uid) + 1) if isinstance(item_uid, int) else self.next_item
                self.items[item_uid] = line
                lines.append(item_uid)
            else:
                lines.append(line)
        if isinstance(order.get("items"), list):
            order["items"] = lines
        self.orders[uid] = order
        return uid

    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        created, updated = [], []
        now = int(time.time())
        with self._lock:
            create = body.get("create", [])
            for spec in [{}] * create if isinstance(create, int) else create:
                if not isinstance(spec, dict):
                    raise ValueError(f"create entries must be objects, not {spec!r}")
                if spec.get("raw"):
                    created.append(self._raw(spec))
                    continue
                uid = self._add(now, now)
                _merge(self.orders[uid], spec)
                created.append(uid)
            for _ in range(int(body.get("carts", 0))):
                created.append(self._add(None, now))
            for change in body.get("update", []):
                target = change.get("uid") if isinstance(change, dict) else None
                if target not in self.orders:
                    raise LookupError(f"no order with uid {target!r}")
                _merge(self.orders[target], {k: v for k, v in change.items() if k != "uid"})
                if "changed" not in change:
                    self.orders[target]["changed"] = iso(now)
                updated.append(target)
        return {"created": created, "updated": updated}

    # kit hooks -----------------------------------------------------------------------------------
    def settings_for(self, base_url: str) -> dict[str, Any]:
        return {"webshop": self.webshop, "auth_token": self.token, "endpoint": base_url.rstrip("/") + PATH.rstrip("/")}

    def fault_response(self, rule: FaultRule) -> tuple[int, dict[str, str], bytes]:
        message = "Too many requests" if rule.kind == "rate_limit" else "Internal error"
        status = 429 if rule.kind == "rate_limit" else rule.status
        body = json.dumps(rpc.envelope_error(None, rpc.Fault(-32000, message))).encode()
        return status, {"content-type": "application/json"}, body

    def routes(self) -> list[Any]:
        return [
            Route(PATH, self._endpoint, methods=["POST"]),
            Route(PATH.rstrip("/"), self._endpoint, methods=["POST"]),
        ]

    # HTTP ----------------------------------------------------------------------------------------
    async def _endpoint(self, request: Request) -> Response:
        raw = await request.body()
        context = dict(request.query_params)
        path = request.url.path
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return self._json(rpc.envelope_error(None, rpc.Fault(-32700, "Parse error")))

        def call(method: str, params: list[Any]) -> Any:
            return self._call(method, params, context, path)

        if isinstance(body, list):
            if not body:
                return self._json(rpc.envelope_error(None, rpc.Fault(-32600, "Invalid Request")))
            answers = [a for a in (rpc.handle_one(r, call) for r in body) if a is not None]
            return self._json(answers) if answers else Response(status_code=204)
        answer = rpc.handle_one(body, call)
        return self._json(answer) if answer is not None else Response(status_code=204)

    @staticmethod
    def _json(payload: Any) -> Response:
        return Response(json.dumps(payload, ensure_ascii=False).encode(), media_type="application/json")

    # methods -------------------------------------------------------------------------------------
    def _call(self, method: str, params: list[Any], context: dict[str, str], path: str) -> Any:
        handler = {
            "Order.list": self._order_list,
            "Order.get": self._order_get,
            "Order.count": self._order_count,
            "OrderItem.get": self._item_get,
        }.get(method)
        if handler is None:
            raise rpc.Fault(-32601, "Method not found")
        self._check_context(context)
        with self._lock:
            return handler(params, path)

    def _check_context(self, context: dict[str, str]) -> None:
        if not context.get("webshop"):
            raise rpc.Fault(1001, "Webshop missing")
        if context["webshop"] != str(self.webshop):
            raise rpc.Fault(1002, "Invalid webshop")
        language = context.get("language")
        if language is not None and not (len(language) == 2 and language.isalpha() and language.islower()):
            raise rpc.Fault(1003, "Invalid language")
        if context.get("auth") != self.token:
            raise rpc.Fault(1004, "Bad auth token")

    def _matches(self, order: dict[str, Any], filters: list[tuple[str, float | None, float | None]]) -> bool:
        for key, lo, hi in filters:
            value = order.get("uid") if key == "/uid" else _epoch(order.get(key.lstrip("/")))
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                return False
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                return False
        return True

    def _order_list(self, params: list[Any], path: str) -> list[dict[str, Any]]:
        rpc.arity(params, 1, 2)
        fields = rpc.fields_param(params[0], ORDER_PROPERTIES, "/0")
        selection = rpc.selection_param(params[1] if len(params) > 1 else None, "/1")
        matching = [o for o in self.orders.values() if self._matches(o, selection["filters"])]
        key = selection["sort"]
        matching.sort(
            key=lambda o: (
                str(o.get(key)) if key != "uid" else 0,
                o.get("uid") if isinstance(o.get("uid"), int) else 0,
            ),
            reverse=selection["descending"],
        )
        page = matching[selection["offset"] : selection["offset"] + selection["limit"]]
        result = [rpc.project(o, fields) for o in page]
        if self.faults.take("page_drift", "POST", path) and matching:
            victim = matching[min(len(matching) - 1, selection["offset"] + len(page))] if len(page) else matching[0]
            victim["changed"] = iso(int(time.time()) + 1)
        return result

    def _order_count(self, params: list[Any], path: str) -> int:
        rpc.arity(params, 0, 1)
        filters = rpc.filters_param(params[0] if params else None, "/0")
        return sum(1 for o in self.orders.values() if self._matches(o, filters))

    def _order_get(self, params: list[Any], path: str) -> dict[str, Any]:
        rpc.arity(params, 1, 2)
        uid = rpc.uid_param(params[0], "/0")
        fields = rpc.fields_param(params[1] if len(params) > 1 else True, ORDER_PROPERTIES, "/1")
        if uid not in self.orders:
            raise rpc.invalid(f"no order with uid {uid}", "/0")  # ASSUMED: Textalk's answer is not documented
        return rpc.project(self.orders[uid], fields)

    def _item_get(self, params: list[Any], path: str) -> dict[str, Any]:
        rpc.arity(params, 1, 2)
        uid = rpc.uid_param(params[0], "/0")
        fields = rpc.fields_param(params[1] if len(params) > 1 else True, ITEM_PROPERTIES, "/1")
        if uid not in self.items:
            raise rpc.invalid(f"no order item with uid {uid}", "/0")
        return rpc.project(self.items[uid], fields)
