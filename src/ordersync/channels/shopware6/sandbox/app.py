"""The Shopware 6 Admin API as the vendor documents it (``adminapi.json``), on the SDK's sandbox kit.

Auth: ``POST /api/oauth/token`` with ``grant_type=client_credentials``, ``client_id`` (the integration's
access key id) and ``client_secret`` (JSON or form body) answers ``{token_type, expires_in, access_token}``;
tokens live 600 s (Shopware's default), and every ``/api`` route wants ``Authorization: Bearer``.
Errors use Shopware's body ``{"errors": [{"status", "code", "title", "detail"}]}``.

Routes: ``POST /api/search/order``, ``/api/search/product`` and ``/api/search/webhook`` (Criteria, see
``criteria.py``; only requested associations are answered, unset fields are left out except the null
``updatedAt`` of a never-changed record); the transitions ``POST /api/_action/order/{id}/state/{transition}``,
``.../order_delivery/{id}/...``, ``.../order_transaction/{id}/...`` (an impossible one answers 400
``SYSTEM__ILLEGAL_STATE_TRANSITION`` naming the possible transitions); ``PATCH /api/order-delivery/{id}``;
``POST /api/_action/sync`` (upserts of ``product`` stock, all or nothing); ``POST /api/webhook``, ``PATCH`` and
``DELETE /api/webhook/{id}``. Writes answer 204, or 200 with ``{"data": ...}`` when ``_response`` is given.
Webhooks of the app (``appId``) are signed with ``shopware-shop-signature`` = hex HMAC-SHA256 of the body with
the shop secret, others go unsigned, as Shopware sends them; a webhook is switched off after 10 failed
deliveries in a row.

Control (``POST /_sandbox/orders``): ``{"create": N | [spec...], "webhook": bool}`` places orders now
(spec: ``createdAt``, ``currency``, ``merge``), ``{"update": [{"id", "updatedAt"?, "merge"?}]}`` changes
them, ``{"delete": [id]}`` removes them, ``{"raw": [record]}`` stores records as given.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ordersync.channels.sdk.sandbox import FaultRule, OutboundWebhook, Sandbox

from . import data
from .conformance import Shopware6Conformance
from .criteria import CriteriaError, project, search

TOKEN_SECONDS = 600
WEBHOOK_ERROR_LIMIT = 10
MACHINE_OF = {
    "order": "order.state",
    "order_delivery": "order_delivery.state",
    "order_transaction": "order_transaction.state",
}


def error(status: int, code: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"status": str(status), "code": code, "title": title, "detail": detail, **extra}]},
        status_code=status,
    )


def present(node: Any) -> Any:
    """A record as the answer carries it: unset fields left out, except ``updatedAt``, which Shopware sends
    as null until the first change (the trap the import filter is built around)."""
    if isinstance(node, dict):
        return {k: present(v) for k, v in node.items() if v is not None or k == "updatedAt"}
    if isinstance(node, list):
        return [present(v) for v in node]
    return node


def detail(request: Request, record: dict[str, Any]) -> Response:
    """A write answers 204, or 200 with the written record when ``_response`` asks for it."""
    if request.query_params.get("_response"):
        return JSONResponse({"data": present(record)})
    return Response(status_code=204)


class ApiError(Exception):
    def __init__(self, status: int, code: str, title: str, detail: str) -> None:
        super().__init__(detail)
        self.response = error(status, code, title, detail)


class Shopware6Sandbox(Shopware6Conformance, Sandbox):
    system = "shopware6"

    def __init__(self, *, seed: int = 1, orders: int = 20, **kit: Any) -> None:
        super().__init__(**kit)
        self.seed, self.count = seed, orders
        self.client_id = f"SWIA{hashlib.sha256(f'id{seed}'.encode()).hexdigest()[:22].upper()}"
        self.client_secret = hashlib.sha256(f"secret{seed}".encode()).hexdigest()[:48]
        self.shop_secret = hashlib.sha256(f"shop{seed}".encode()).hexdigest()[:40]
        self.app_id = hashlib.md5(f"app{seed}".encode()).hexdigest()
        self.shop_id = hashlib.sha256(f"shopid{seed}".encode()).hexdigest()[:12]
        self.lock = threading.RLock()
        self.token_refreshes = 0
        self.revoked = False
        self.tokens: dict[str, float] = {}
        self.base_url = ""
        self.reset_data()

    # data ----------------------------------------------------------------------------------------
    def reset_data(self) -> None:
        rng = random.Random(self.seed)
        with self.lock:
            self.orders: dict[str, dict[str, Any]] = {}
            self.products = data.products()
            self.webhook_subscriptions: dict[str, dict[str, Any]] = {}
            self.serial = 0
            self.page_cap: int | None = None
            now = time.time()
            for _ in range(self.count):
                self._place(rng, datetime.fromtimestamp(now - rng.randint(3600, 20 * 86400), UTC))

    def _place(self, rng: random.Random, created: datetime, currency: str = "EUR") -> dict[str, Any]:
        self.serial += 1
        order = data.new_order(rng, self.serial, created, currency)
        self.orders[order["id"]] = order
        return order

    def touch(self, order: dict[str, Any], when: datetime | None = None) -> None:
        order["updatedAt"] = data.stamp(when or datetime.now(UTC))

    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        rng, now = random.Random(), datetime.now(UTC)
        created, updated, deleted = [], [], []
        create = body.get("create", [])
        create = [{} for _ in range(create)] if isinstance(create, int) else create
        with self.lock:
            for spec in create:
                if not isinstance(spec, dict):
                    raise ValueError(f"create entries must be objects, not {spec!r}")
                when = datetime.fromisoformat(spec["createdAt"]) if spec.get("createdAt") else now
                order = self._place(rng, when, spec.get("currency", "EUR"))
                order.update(spec.get("merge") or {})
                created.append(order["id"])
            for raw in body.get("raw", []):
                ident = raw.get("id") if isinstance(raw, dict) else None
                ident = ident or data.hex_id("raw", uuid.uuid4())
                self.orders[ident] = raw
                created.append(ident)
            for change in body.get("update", []):
                ident = change.get("id") if isinstance(change, dict) else None
                existing = self.orders.get(ident) if ident is not None else None
                if existing is None:
                    raise LookupError(f"no order with id {change!r}")
                existing.update(change.get("merge") or {})
                self.touch(existing, datetime.fromisoformat(change["updatedAt"]) if change.get("updatedAt") else None)
                updated.append(existing["id"])
            for ident in body.get("delete", []):
                if self.orders.pop(ident, None) is None:
                    raise LookupError(f"no order with id {ident!r}")
                deleted.append(ident)
        if body.get("webhook"):
            for ident in created:
                self.emit("checkout.order.placed", ident, "insert")
            for ident in updated:
                self.emit("order.written", ident, "update")
        return {"created": created, "updated": updated, "deleted": deleted}

    # kit hooks -----------------------------------------------------------------------------------
    def settings_for(self, base_url: str) -> dict[str, Any]:
        self.base_url = base_url.rstrip("/")
        return {
            "base_url": self.base_url,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "shop_secret": self.shop_secret,
            "app_id": self.app_id,
        }

    def fault_response(self, rule: FaultRule) -> tuple[int, dict[str, str], bytes]:
        if rule.kind == "rate_limit":
            body = {
                "errors": [
                    {
                        "status": "429",
                        "code": "FRAMEWORK__RATE_LIMIT_EXCEEDED",
                        "title": "Too Many Requests",
                        "detail": "Too many requests, try again later.",
                    }
                ]
            }
            return 429, {"content-type": "application/json"}, json.dumps(body).encode()
        body = {
            "errors": [
                {
                    "status": str(rule.status),
                    "code": "0",
                    "title": "Internal Server Error",
                    "detail": "An error occurred",
                }
            ]
        }
        return rule.status, {"content-type": "application/json"}, json.dumps(body).encode()

    def routes(self) -> list[Any]:
        return [
            Route("/api/oauth/token", self._token, methods=["POST"]),
            Route("/api/search/order", self._api(self._search_orders), methods=["POST"]),
            Route("/api/search/product", self._api(self._search_products), methods=["POST"]),
            Route("/api/search/webhook", self._api(self._search_webhooks), methods=["POST"]),
            Route(
                "/api/_action/{entity:str}/{ident:str}/state/{transition:str}",
                self._api(self._transition),
                methods=["POST"],
            ),
            Route("/api/order-delivery/{ident:str}", self._api(self._patch_delivery), methods=["PATCH"]),
            Route("/api/_action/sync", self._api(self._sync), methods=["POST"]),
            Route("/api/webhook", self._api(self._webhooks), methods=["GET", "POST"]),
            Route("/api/webhook/{ident:str}", self._api(self._one_webhook), methods=["PATCH", "DELETE"]),
            Route("/api/_info/version", self._api(self._version), methods=["GET"]),
        ]

    # auth ----------------------------------------------------------------------------------------
    async def _token(self, request: Request) -> Response:
        raw = await request.body()
        if "json" in request.headers.get("content-type", ""):
            try:
                form = json.loads(raw or b"{}")
            except ValueError:
                form = None
        else:
            form = dict((await request.form()).items())
        if not isinstance(form, dict) or form.get("grant_type") != "client_credentials":
            return error(400, "1", "Bad Request", "The authorization grant type is not supported.")
        with self.lock:
            if (
                self.revoked
                or form.get("client_id") != self.client_id
                or not hmac.compare_digest(str(form.get("client_secret") or ""), self.client_secret)
            ):
                return error(401, "4", "Unauthorized", "Client authentication failed")
            token = uuid.uuid4().hex + uuid.uuid4().hex
            self.tokens[token] = time.time() + TOKEN_SECONDS
            self.token_refreshes += 1
        return JSONResponse({"token_type": "Bearer", "expires_in": TOKEN_SECONDS, "access_token": token})

    def _api(self, handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            header = request.headers.get("authorization", "")
            token = header[7:] if header.startswith("Bearer ") else ""
            with self.lock:
                valid = self.tokens.get(token, 0) > time.time()
            if not valid:
                return error(
                    401,
                    "9",
                    "Unauthorized",
                    "The resource owner or authorization server denied the request.",
                    meta={"parameters": {"hint": "Access token could not be verified"}},
                )
            body: Any = None
            if request.method in ("POST", "PATCH"):
                raw = await request.body()
                try:
                    body = json.loads(raw) if raw else {}
                except ValueError:
                    return error(400, "FRAMEWORK__INVALID_REQUEST_PARAMETER", "Bad Request", "The body is not JSON.")
            try:
                with self.lock:
                    return handler(request, body)
            except ApiError as exc:
                return exc.response
            except CriteriaError as exc:
                return error(400, "FRAMEWORK__INVALID_CRITERIA_PARAMETERS", "Bad Request", str(exc))

        return endpoint

    # orders --------------------------------------------------------------------------------------
    def _search_orders(self, request: Request, criteria: Any) -> Response:
        if isinstance(criteria, dict) and self.page_cap and isinstance(criteria.get("limit"), int):
            criteria = {**criteria, "limit": min(criteria["limit"], self.page_cap)}
        records = [o for o in self.orders.values()]
        rows, total, hits = search(records, criteria)
        body = {
            "total": total,
            "data": [present(project(r, criteria.get("associations"))) for r in rows],
            "aggregations": [],
        }
        if rows and self.faults.take("page_drift", "POST", request.url.path):
            self.touch(rows[0])  # changed just now: it leaves a window that ends before now
        return JSONResponse(body)

    def _search_products(self, request: Request, criteria: Any) -> Response:
        rows, total, _ = search(list(self.products.values()), criteria)
        return JSONResponse(
            {
                "total": total,
                "data": [present(project(r, criteria.get("associations"))) for r in rows],
                "aggregations": [],
            }
        )

    def _owner(self, entity: str, ident: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The order and the record (order, delivery or transaction) that carries the state."""
        for order in self.orders.values():
            if not isinstance(order, dict):
                continue
            if entity == "order" and order.get("id") == ident:
                return order, order
            key = {"order_delivery": "deliveries", "order_transaction": "transactions"}.get(entity)
            for child in (order.get(key) or []) if key else []:
                if child.get("id") == ident:
                    return order, child
        raise ApiError(
            404, "FRAMEWORK__ENTITY_NOT_FOUND", "Not Found", f"Could not find entity {entity} with id {ident}."
        )

    def _transition(self, request: Request, body: Any) -> Response:
        entity, ident, transition = (request.path_params[k] for k in ("entity", "ident", "transition"))
        if entity not in MACHINE_OF:
            raise ApiError(404, "FRAMEWORK__ROUTE_NOT_FOUND", "Not Found", f"No route for {entity}.")
        order, record = self._owner(entity, ident)
        machine = MACHINE_OF[entity]
        current = record["stateMachineState"]["technicalName"]
        possible = data.MACHINES[machine].get(current, {})
        if transition not in possible:
            raise ApiError(
                400,
                "SYSTEM__ILLEGAL_STATE_TRANSITION",
                "Bad Request",
                f'Illegal transition "{transition}" from state "{current}". Possible transitions are: '
                + ", ".join(possible),
            )
        target = data.state_record(machine, possible[transition])
        record["stateMachineState"], record["stateId"] = target, target["id"]
        self.touch(record)
        self.touch(order)
        self.ledger.record(
            f"{entity}.transition",
            method="POST",
            path=request.url.path,
            resource_id=order["id"],
            body=body,
            changes={"record": ident, "from": current, "to": target["technicalName"], "transition": transition},
        )
        self.emit("state_enter." + entity + ".state." + target["technicalName"], order["id"], "update")
        return JSONResponse(target)

    def _patch_delivery(self, request: Request, body: Any) -> Response:
        order, delivery = self._owner("order_delivery", request.path_params["ident"])
        if not isinstance(body, dict):
            raise ApiError(400, "FRAMEWORK__INVALID_REQUEST_PARAMETER", "Bad Request", "The body must be an object.")
        codes = body.get("trackingCodes")
        if "trackingCodes" in body and (not isinstance(codes, list) or not all(isinstance(c, str) for c in codes)):
            raise ApiError(
                400,
                "FRAMEWORK__WRITE_CONSTRAINT_VIOLATION",
                "Constraint violation error",
                "This value should be of type array of strings. (/0/trackingCodes)",
            )
        before = list(delivery.get("trackingCodes") or [])
        for key, value in body.items():
            if key in ("trackingCodes", "shippingDateEarliest", "shippingDateLatest", "customFields"):
                delivery[key] = value
        self.touch(delivery)
        self.touch(order)
        added = [c for c in delivery.get("trackingCodes") or [] if c not in before]
        self.ledger.record(
            "order_delivery.update",
            method="PATCH",
            path=request.url.path,
            resource_id=order["id"],
            body=body,
            changes={"delivery": delivery["id"], "added": added},
        )
        return detail(request, project(delivery, {}))

    # stock ---------------------------------------------------------------------------------------
    def _sync(self, request: Request, body: Any) -> Response:
        operations = list(body.values()) if isinstance(body, dict) else body
        if not isinstance(operations, list):
            raise ApiError(400, "FRAMEWORK__INVALID_SYNC_OPERATION", "Bad Request", "Expected a list of operations.")
        written: dict[str, list[str]] = {}
        staged: list[tuple[dict[str, Any], int]] = []
        for n, op in enumerate(operations):
            if not isinstance(op, dict) or op.get("entity") != "product" or op.get("action") != "upsert":
                raise ApiError(
                    400,
                    "FRAMEWORK__INVALID_SYNC_OPERATION",
                    "Bad Request",
                    f"Operation {n}: only product upserts are supported by this sandbox.",
                )
            for m, item in enumerate(op.get("payload") or []):
                ident = item.get("id") if isinstance(item, dict) else None
                product = self.products.get(ident) if ident is not None else None
                if product is None:
                    raise ApiError(
                        400,
                        "FRAMEWORK__WRITE_CONSTRAINT_VIOLATION",
                        "Constraint violation error",
                        f"This value should not be blank. (/{n}/{m}/productNumber)",
                    )
                stock = item.get("stock")
                if not isinstance(stock, int) or isinstance(stock, bool):
                    raise ApiError(
                        400,
                        "FRAMEWORK__WRITE_CONSTRAINT_VIOLATION",
                        "Constraint violation error",
                        f"This value should be of type int. (/{n}/{m}/stock)",
                    )
                staged.append((product, stock))
        for product, stock in staged:  # fail-on-error: all or nothing
            product["stock"] = product["availableStock"] = stock
            self.touch(product)
            written.setdefault("product", []).append(product["id"])
            self.ledger.record(
                "product.stock",
                method="POST",
                path=request.url.path,
                resource_id=product["id"],
                body=None,
                changes={"stock": stock, "productNumber": product["productNumber"]},
            )
        return JSONResponse({"data": written, "deleted": {}, "notFound": {}})

    # webhooks ------------------------------------------------------------------------------------
    def _webhooks(self, request: Request, body: Any) -> Response:
        if request.method == "GET":
            hooks = [present(h) for h in self.webhook_subscriptions.values()]
            return JSONResponse({"total": len(hooks), "data": hooks})
        if not isinstance(body, dict) or not body.get("name") or not body.get("eventName") or not body.get("url"):
            raise ApiError(
                400,
                "FRAMEWORK__WRITE_CONSTRAINT_VIOLATION",
                "Constraint violation error",
                "name, eventName and url should not be blank.",
            )
        ident = body.get("id") or uuid.uuid4().hex
        if ident in self.webhook_subscriptions or any(
            h["name"] == body["name"] for h in self.webhook_subscriptions.values()
        ):
            raise ApiError(
                400,
                "FRAMEWORK__WRITE_CONSTRAINT_VIOLATION",
                "Constraint violation error",
                "This value is already used. (/name)",
            )
        self.webhook_subscriptions[ident] = {
            "id": ident,
            "name": body["name"],
            "eventName": body["eventName"],
            "url": body["url"],
            "active": True,
            "appId": body.get("appId"),
            "errorCount": 0,
        }
        self.ledger.record("webhook.create", method="POST", path=request.url.path, resource_id=ident, body=body)
        return detail(request, self.webhook_subscriptions[ident])

    def _one_webhook(self, request: Request, body: Any) -> Response:
        hook = self.webhook_subscriptions.get(request.path_params["ident"])
        if hook is None:
            raise ApiError(
                404,
                "FRAMEWORK__ENTITY_NOT_FOUND",
                "Not Found",
                f"Could not find entity webhook with id {request.path_params['ident']}.",
            )
        if request.method == "DELETE":
            del self.webhook_subscriptions[hook["id"]]
            self.ledger.record("webhook.delete", method="DELETE", path=request.url.path, resource_id=hook["id"])
            return Response(status_code=204)
        if not isinstance(body, dict):
            raise ApiError(400, "FRAMEWORK__INVALID_REQUEST_PARAMETER", "Bad Request", "The body must be an object.")
        hook.update({k: v for k, v in body.items() if k in ("url", "active", "eventName")})
        self.ledger.record("webhook.update", method="PATCH", path=request.url.path, resource_id=hook["id"], body=body)
        return detail(request, hook)

    def _search_webhooks(self, request: Request, criteria: Any) -> Response:
        rows, total, _ = search(list(self.webhook_subscriptions.values()), criteria)
        return JSONResponse({"total": total, "data": [present(r) for r in rows], "aggregations": []})

    def emit(self, event: str, order_id: str, operation: str) -> None:
        targets = [
            h
            for h in self.webhook_subscriptions.values()
            if h["active"]
            and (h["eventName"] == event or (h["eventName"] == "order.written" and operation == "update"))
        ]
        for hook in targets:
            payload = {
                "data": {
                    "payload": [
                        {
                            "entity": "order",
                            "operation": operation,
                            "primaryKey": order_id,
                            "updatedFields": ["updatedAt"] if operation == "update" else [],
                        }
                    ],
                    "event": hook["eventName"],
                },
                "source": {
                    "url": self.base_url,
                    "appVersion": "1.0.0",
                    "shopId": self.shop_id,
                    "eventId": uuid.uuid4().hex,
                },
                "timestamp": int(time.time()),
            }
            raw = json.dumps(payload, separators=(",", ":")).encode()
            headers = {"content-type": "application/json"}
            if hook["appId"] == self.app_id:  # Shopware signs only the webhooks of an app, with its shop secret
                mac = hmac.new(self.shop_secret.encode(), raw, hashlib.sha256)
                headers["shopware-shop-signature"] = mac.hexdigest()
            self.webhooks.submit(
                OutboundWebhook(
                    hook["url"],
                    raw,
                    headers,
                    on_result=self._delivered(hook),
                    meta={"event": hook["eventName"], "order": order_id},
                )
            )

    def _delivered(self, hook: dict[str, Any]) -> Any:
        """Shopware counts failed deliveries of a webhook and switches it off at the error limit (10 by
        default, ``shopware.webhook.error_limit`` [unverified]); a success resets the count."""

        def note(status: int | None) -> None:
            with self.lock:
                if status is not None and 200 <= status < 300:
                    hook["errorCount"] = 0
                    return
                hook["errorCount"] = hook.get("errorCount", 0) + 1
                if hook["errorCount"] >= WEBHOOK_ERROR_LIMIT:
                    hook["active"] = False

        return note

    def _version(self, request: Request, body: Any) -> Response:
        return JSONResponse({"version": "6.6.10.0"})
