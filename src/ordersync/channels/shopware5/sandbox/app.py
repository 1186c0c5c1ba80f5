"""The Shopware 5 REST API as the vendor documents it, on the SDK's sandbox kit (ledger, request log, faults
and the control API at ``/_sandbox``).

Routes: ``GET /api/orders`` (list, see ``query.py``), ``GET|PUT /api/orders/{id}`` (``useNumberAsId=true``
takes the order number), ``GET /api/articles``, ``GET|PUT /api/articles/{id}`` (``useNumberAsId=true`` takes
the number of any variant). Every route wants HTTP Digest or, as Shopware since 5.3.2, Basic with the same
user name and key (``digest.py``); ``auth_schemes`` counts which one each accepted request used. Answers:
``{"data": [...], "total": n, "success": true}``, ``{"data": {...}, "success": true}``, writes ``{"success":
true, "data": {"id", "location"}}``, errors ``{"success": false, "message": "..."}`` (401 missing/invalid
auth, 404 unknown id, 400 a bad parameter). ``PUT /api/orders`` changes only ``orderStatusId``,
``paymentStatusId``, ``trackingCode``, ``comment``, ``transactionId``, ``clearedDate``, as documented. Filters
use the entity's field names: ``status`` and ``cleared`` for what the JSON shows as
``orderStatusId``/``paymentStatusId``. The 401 body's message ("Invalid or missing auth") is an assumption
[unverified]; the 404 message follows the API resources' ``NotFoundException`` texts ("Order by id 7 not found").

Control (``POST /_sandbox/orders``): ``{"create": [{"seconds_ago": 30}, ...]}`` places orders,
``{"update": [{"id": 7, "orderStatusId": 1, ...}]}`` changes them as the backend would, ``{"delete": [7]}``
removes them, ``{"raw": [{...}]}`` stores order details exactly as given (malformed ones too).
"""

from __future__ import annotations

import copy
import json
import random
import secrets
import threading
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ordersync.channels.sdk.sandbox import Sandbox

from .conformance import Shopware5Conformance
from .data import (
    ORDER_STATES,
    PAYMENT_STATES,
    article_list_record,
    initial_articles,
    list_record,
    order_record,
    shop_time,
    status_object,
    utcnow,
)
from .digest import REALM, DigestChecker, basic_user
from .query import BadQuery, select

ORDER_FIELDS = {
    "id": "id",
    "number": "number",
    "orderTime": "orderTime",
    "status": "orderStatusId",
    "cleared": "paymentStatusId",
    "clearedDate": "clearedDate",
    "customerId": "customerId",
    "invoiceAmount": "invoiceAmount",
    "trackingCode": "trackingCode",
}
ARTICLE_FIELDS = {"id": "id", "name": "name", "changed": "changed", "added": "added", "active": "active"}
DEMO_STATES: tuple[dict[str, Any], ...] = (
    {},
    {"orderStatusId": 1},
    {"paymentStatusId": 12, "clearedDate": "2026-01-05T10:00:00+0100"},
    {"orderStatusId": 7, "paymentStatusId": 12, "trackingCode": "00340434161094042557"},
    {"orderStatusId": 2, "paymentStatusId": 12},
    {"orderStatusId": 4},
)
ORDER_WRITABLE = ("paymentStatusId", "orderStatusId", "trackingCode", "comment", "transactionId", "clearedDate")


def answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status_code=status, headers=headers)


def failure(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    return answer({"success": False, "message": message}, status, headers)


class Shopware5Sandbox(Shopware5Conformance, Sandbox):
    system = "shopware5"

    def __init__(self, *, seed: int = 1, orders: int = 0, **kit: Any) -> None:
        super().__init__(**kit)
        self.seed, self.count = seed, orders
        self.username = "ordersync"
        self.api_key = secrets.token_hex(20)
        self.digest = DigestChecker({self.username: self.api_key})
        self.auth_schemes = {"digest": 0, "basic": 0}  # accepted requests by scheme
        self._lock = threading.RLock()
        self.reset_data()

    # data ----------------------------------------------------------------------------------------
    def reset_data(self) -> None:
        now = utcnow()
        with self._lock:
            self.rng = random.Random(self.seed)
            self.orders: dict[int, Any] = {}
            self.articles = initial_articles(now)
            self.next_id = 101
            self.page_cap = None
            for n in range(self.count):  # a shop's history: open, in process, paid, delivered, completed
                self._place(now - timedelta(days=self.count - n, hours=n % 7), **DEMO_STATES[n % len(DEMO_STATES)])

    def _place(self, when: Any, **changes: Any) -> int:
        oid, self.next_id = self.next_id, self.next_id + 1
        self.orders[oid] = order_record(oid, when, self.rng)
        self._change(oid, changes)
        return oid

    def _change(self, oid: int, changes: dict[str, Any]) -> dict[str, Any]:
        order = self.orders[oid]
        applied = {k: v for k, v in changes.items() if order.get(k) != v}
        order.update(changes)
        if "orderStatusId" in changes:
            order["orderStatus"] = status_object(changes["orderStatusId"], "state")
        if "paymentStatusId" in changes:
            order["paymentStatus"] = status_object(changes["paymentStatusId"], "payment")
        return applied

    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        now, created, updated, deleted = utcnow(), [], [], []
        with self._lock:
            for spec in body.get("create", []):
                spec = dict(spec) if isinstance(spec, dict) else {}
                when = now - timedelta(seconds=float(spec.pop("seconds_ago", 0)))
                created.append(self._place(when, **spec))
            for raw in body.get("raw", []):
                oid, self.next_id = self.next_id, self.next_id + 1
                self.orders[oid] = {**raw, "id": oid} if isinstance(raw, dict) else raw
                created.append(oid)
            for change in body.get("update", []):
                target = change.get("id") if isinstance(change, dict) else None
                if target not in self.orders:
                    raise LookupError(f"no order with id {target!r}")
                self._change(target, {k: v for k, v in change.items() if k != "id"})
                updated.append(target)
            for oid in body.get("delete", []):
                if self.orders.pop(oid, None) is None:
                    raise LookupError(f"no order with id {oid!r}")
                deleted.append(oid)
        return {"created": created, "updated": updated, "deleted": deleted}

    # kit hooks -----------------------------------------------------------------------------------
    def settings_for(self, base_url: str) -> dict[str, Any]:
        return {"base_url": base_url, "username": self.username, "api_key": self.api_key}

    def fault_response(self, rule: Any) -> tuple[int, dict[str, str], bytes]:
        message = "Too many requests" if rule.kind == "rate_limit" else "Internal server error"
        return (
            rule.status,
            {"content-type": "application/json"},
            json.dumps({"success": False, "message": message}).encode(),
        )

    def routes(self) -> list[Any]:
        return [
            Route("/api/orders", self._guarded(self._orders)),
            Route("/api/orders/{ident}", self._guarded(self._order), methods=["GET", "PUT"]),
            Route("/api/articles", self._guarded(self._articles)),
            Route("/api/articles/{ident}", self._guarded(self._article), methods=["GET", "PUT"]),
        ]

    # HTTP ----------------------------------------------------------------------------------------
    def _guarded(self, handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            query = request.scope.get("query_string", b"").decode("latin-1")
            uri = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
            uri += f"?{query}" if query else ""
            header = request.headers.get("authorization")
            problem = self.digest.check(request.method, uri, header)
            if problem is None:
                self.auth_schemes["digest"] += 1
            elif basic_user(header, self.digest.users) is not None:
                self.auth_schemes["basic"] += 1
            else:
                refused = failure("Invalid or missing auth", 401)
                refused.raw_headers += [
                    (b"www-authenticate", f'Basic realm="{REALM}"'.encode()),
                    (b"www-authenticate", self.digest.challenge(stale=problem == "stale").encode()),
                ]
                return refused
            body = None
            if request.method == "PUT":
                try:
                    body = json.loads(await request.body() or b"null")
                except ValueError:
                    return failure("Invalid JSON in request body", 400)
                if not isinstance(body, dict):
                    return failure("The request body must be a JSON object", 400)
            try:
                with self._lock:
                    return handler(request, body)
            except BadQuery as exc:
                return failure(str(exc), 400)
            except LookupError as exc:
                return failure(str(exc), 404)

        return endpoint

    def _find(self, table: dict[int, Any], request: Request, kind: str) -> tuple[int, Any]:
        ident = request.path_params["ident"]
        by_number = request.query_params.get("useNumberAsId") == "true"
        for key, record in table.items():
            if not isinstance(record, dict):
                if not by_number and str(key) == ident:
                    return key, record
                continue
            numbers = (
                [record.get("number")]
                if kind == "Order"
                else [d.get("number") for d in [record.get("mainDetail") or {}, *(record.get("details") or [])]]
            )
            if (by_number and ident in numbers) or (not by_number and str(key) == ident):
                return key, record
        raise LookupError(f"{kind} by {'number' if by_number else 'id'} {ident} not found")

    def _orders(self, request: Request, body: Any) -> Response:
        rows = [list_record(o) if isinstance(o, dict) else {"id": k} for k, o in sorted(self.orders.items())]
        page, total = select(rows, request.query_params, ORDER_FIELDS)
        if self.page_cap is not None:
            page = page[: self.page_cap]
        if page and self.faults.take("page_drift", "GET", request.url.path):
            self.drift(page[0]["id"])
        return answer({"data": page, "total": total, "success": True})

    def _order(self, request: Request, body: Any) -> Response:
        oid, order = self._find(self.orders, request, "Order")
        if request.method == "GET":
            return answer({"data": copy.deepcopy(order), "success": True})
        changes = {k: body[k] for k in ORDER_WRITABLE if k in body}
        for key, table in (("orderStatusId", ORDER_STATES), ("paymentStatusId", PAYMENT_STATES)):
            if key in changes and changes[key] not in table:
                raise LookupError(f"Status by id {changes[key]} not found")
        applied = self._change(oid, changes)
        self.ledger.record(
            "order.update", method="PUT", path=request.url.path, resource_id=oid, body=body, changes=applied
        )
        return answer({"success": True, "data": {"id": oid, "location": f"{request.base_url}api/orders/{oid}"}})

    def _articles(self, request: Request, body: Any) -> Response:
        rows = [article_list_record(a) for _, a in sorted(self.articles.items())]
        page, total = select(rows, request.query_params, ARTICLE_FIELDS)
        return answer({"data": page, "total": total, "success": True})

    def _article(self, request: Request, body: Any) -> Response:
        aid, article = self._find(self.articles, request, "Article")
        if request.method == "GET":
            return answer({"data": copy.deepcopy(article), "success": True})
        changes: dict[str, Any] = {}
        main = body.get("mainDetail")
        if isinstance(main, dict) and "inStock" in main:
            self._stock(article["mainDetail"], main["inStock"], changes)
        for variant in body.get("variants") or []:
            if not isinstance(variant, dict) or "inStock" not in variant:
                continue
            details = [article["mainDetail"], *article["details"]]
            match = next(
                (d for d in details if d["id"] == variant.get("id") or d["number"] == variant.get("number")), None
            )
            if match is None:
                raise LookupError(f"Variant by number {variant.get('number')} not found")
            self._stock(match, variant["inStock"], changes)
        article["changed"] = shop_time(utcnow())  # Shopware stamps every save of an article
        self.ledger.record(
            "article.stock", method="PUT", path=request.url.path, resource_id=aid, body=body, changes=changes
        )
        return answer({"success": True, "data": {"id": aid, "location": f"{request.base_url}api/articles/{aid}"}})

    @staticmethod
    def _stock(detail: dict[str, Any], value: Any, changes: dict[str, Any]) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadQuery(f"inStock must be a whole number, not {value!r}")
        if detail["inStock"] != value:  # the ledger holds what changed: a repeated PUT changes nothing
            detail["inStock"] = changes[detail["number"]] = value

    def drift(self, oid: int) -> None:
        """The shop finishes an order while the hub pages: it leaves the open statuses."""
        if isinstance(self.orders.get(oid), dict):
            self._change(oid, {"orderStatusId": 2})
