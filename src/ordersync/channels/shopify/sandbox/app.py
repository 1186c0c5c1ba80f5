"""``ShopifySandbox``: a Shopify GraphQL Admin API on loopback, built on graphql-core and the SDK's sandbox kit.

One endpoint, ``POST /admin/api/{version}/graphql.json``, as in Shopify, for every version Shopify serves on
the sandbox's clock (``versions.py``: the four supported stable versions, the release candidate and
``unstable``; a retired version falls forward to the oldest supported one, anything else is 404). Every
answer names the version served in ``X-Shopify-API-Version``. Each request is, in order: authenticated
(``X-Shopify-Access-Token``; 401 with Shopify's text otherwise), parsed and validated against
the sandbox's subset schema (errors come back with HTTP 200 as ``{"errors": [...]}`` with locations and an
``extensions.code``, Shopify's shape), priced (``cost.Coster``), admitted by the cost bucket or answered
THROTTLED / MAX_COST_EXCEEDED, executed, and charged its actual cost. Every answer carries
``extensions.cost`` with the bucket's ``throttleStatus``.

Faults: the kit's request faults apply to the endpoint path. Because every GraphQL call shares one path, a
rule may also name an operation: ``"path": "/admin/api/*/graphql.json#FulfillmentCreate"`` matches only
requests whose ``operationName`` (or first operation's name) is FulfillmentCreate; ``error`` and
``rate_limit`` rules apply "before" (nothing happens) or "after" (the effect happens, the client sees the
error). ``page_drift`` touches an order of the listed window on each matching ``orders`` call.

Control ``POST /_sandbox/orders`` body (all keys optional)::

    {"create": 3 | [{"status": "paid", "createdAt": iso, "updatedAt": iso, "lines": [{"sku": ..., "quantity": 2}],
                     "merge": {...}}],
     "update": [{"id": gid-or-number, "status": ..., "updatedAt": iso, "merge": {...}}], "webhook": true}

``status`` is pending | paid | fulfilled | cancelled | refunded | closed; ``merge`` sets order fields verbatim
(how a malformed record gets in). Answer: ``{"created": [gids], "updated": [gids]}``.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graphql import (
    GraphQLError,
    execute_sync,
    get_operation_ast,
    parse,
    validate,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...sdk.sandbox import FaultRule, Sandbox
from . import versions
from .bulk import BulkRunner
from .conformance import ShopifyConformance
from .cost import CostBucket, Coster
from .data import build_order, gid, start_of_day
from .mutations import MUTATIONS
from .resolvers import bind
from .schema import fresh_schema
from .store import ShopStore, epoch
from .webhooks import WebhookSender

INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"


@dataclass
class Context:
    sandbox: Any
    path: str
    base_url: str
    bulk: bool = False
    version: str = ""


def _error(message: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **extra}}


class ShopifySandbox(ShopifyConformance, Sandbox):
    """Options: ``bucket_size``/``restore_rate``/``max_query_cost`` (cost throttling; Standard plan by default),
    ``bulk_polls`` (polls a bulk operation stays RUNNING), ``anchor`` (epoch the history ends at),
    ``history_days``, ``webhook_timeout``. The API versions served follow ``now()`` (see versions.py)."""

    system = "shopify"

    def __init__(
        self,
        *,
        seed: int = 1,
        orders: int = 100,
        products: int = 40,
        bucket_size: float = 2000,
        restore_rate: float = 100,
        max_query_cost: int = 1000,
        bulk_polls: int = 1,
        anchor: int | None = None,
        history_days: int = 120,
        webhook_timeout: float = 10.0,
    ) -> None:
        super().__init__(webhook_timeout=webhook_timeout)
        self.seed = seed
        self.store = ShopStore(
            seed=seed, orders=orders, products=products, anchor=anchor or start_of_day(), history_days=history_days
        )
        self.bucket = CostBucket(bucket_size, restore_rate, max_query_cost)
        self.schema = bind(fresh_schema(), MUTATIONS)
        self.bulk = BulkRunner(self, bulk_polls)
        self.initial_bulk_polls = bulk_polls
        self.access_token = f"shpat_sandbox{seed:04d}0000000000000000"
        self.api_secret = f"shpss_sandbox{seed:04d}secret000000000000"
        self.domain = f"ordersync-sandbox-{seed}.myshopify.com"
        self.hooks = WebhookSender(self)
        self.base_url = "http://127.0.0.1"

    # Sandbox hooks -----------------------------------------------------------------------------------
    def settings_for(self, base_url: str) -> dict[str, Any]:
        self.base_url = base_url.rstrip("/")
        return {
            "shop_url": self.base_url,
            "access_token": self.access_token,
            "api_secret": self.api_secret,
            "location_id": next(iter(self.store.locations)),
        }

    def routes(self) -> list[Any]:
        return [
            Route("/admin/api/{version}/graphql.json", self.endpoint, methods=["POST"]),
            Route("/bulk-results/{name}", self.bulk_file, methods=["GET"]),
        ]

    def reset_data(self) -> None:
        self.store.load()
        self.store.page_cap = None
        self.bulk.polls = self.initial_bulk_polls
        self.bulk.reset()
        self.bucket.reset()

    def fault_response(self, rule: FaultRule) -> tuple[int, dict[str, str], bytes]:
        if rule.kind == "rate_limit":
            return (
                429,
                {"content-type": "application/json"},
                b'{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}',
            )
        if rule.status == 503:
            return 503, {"content-type": "text/html"}, b"<html><body><h1>503 Service Unavailable</h1></body></html>"
        return (
            rule.status,
            {"content-type": "application/json"},
            b'{"errors":"Internal error. Looks like something went wrong on our end."}',
        )

    # helpers -----------------------------------------------------------------------------------------
    @staticmethod
    def now() -> float:
        return time.time()

    def shop(self) -> dict[str, Any]:
        return {
            "__typename": "Shop",
            "id": gid("Shop", 60_000_000 + self.seed),
            "name": f"Sandbox Shop {self.seed}",
            "myshopifyDomain": self.domain,
            "currencyCode": "EUR",
            "ianaTimezone": "Europe/Berlin",
        }

    def current_bulk(self) -> dict[str, Any] | None:
        return self.bulk.current()

    def emit(self, topic: str, order: dict[str, Any]) -> None:
        self.hooks.emit(topic, order)

    def served_version(self, requested: str) -> str | None:
        """The API version Shopify would serve for ``requested`` today, or None (404)."""
        return versions.resolve(requested, datetime.fromtimestamp(self.now(), UTC))

    def maybe_drift(self, query: str | None, path: str) -> None:
        if self.faults.take("page_drift", "POST", path) is None:
            return
        window = self.store.in_window(query)
        if window:
            order = min(window, key=lambda o: epoch(o["updatedAt"]))
            self.store.touch(order)
            self.emit("ORDERS_UPDATED", order)

    # the endpoint ------------------------------------------------------------------------------------
    async def endpoint(self, request: Request) -> Response:
        version = self.served_version(request.path_params["version"])
        if version is None:
            return JSONResponse({"errors": "Not Found"}, status_code=404)
        headers = {"X-Shopify-API-Version": version}
        if request.headers.get("x-shopify-access-token") != self.access_token:
            return JSONResponse({"errors": INVALID_TOKEN}, status_code=401, headers=headers)
        try:
            payload = json.loads(await request.body() or b"{}")
        except ValueError:
            payload = None
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return JSONResponse(
                {"errors": {"query": "Required parameter missing or invalid"}}, status_code=400, headers=headers
            )
        base = f"{request.url.scheme}://{request.headers.get('host', '127.0.0.1')}"
        status, body = await asyncio.to_thread(self.handle, payload, request.url.path, base, version)
        return JSONResponse(body, status_code=status, headers=headers)

    def handle(
        self, payload: dict[str, Any], path: str, base_url: str, version: str = ""
    ) -> tuple[int, dict[str, Any]]:
        try:
            document = parse(payload["query"])
        except GraphQLError as exc:
            return 200, {"errors": [exc.formatted | {"extensions": {"code": "PARSE_ERROR"}}]}
        errors = validate(self.schema, document)
        if errors:
            return 200, {
                "errors": [e.formatted | {"extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}} for e in errors]
            }
        name = payload.get("operationName")
        operation = get_operation_ast(document, name)
        if operation is None:
            return 200, {"errors": [_error("An operation name is required", "GRAPHQL_VALIDATION_FAILED")]}
        op_name = operation.name.value if operation.name else ""
        rule = self.faults.take(("error", "rate_limit", "delay"), "POST", f"{path}#{op_name}")
        if rule is not None and rule.kind == "delay" and rule.phase == "before":
            time.sleep(rule.seconds)  # a slow answer to one operation (this runs in a thread)
            rule = None
        if rule is not None and rule.phase == "before":
            return self._fault(rule)
        variables = payload.get("variables") or {}
        try:
            coster = Coster(self.schema, document, variables)
            requested = coster.requested(operation)
        except (GraphQLError, TypeError, ValueError) as exc:
            return 200, {"errors": [_error(f"Variable error: {exc}", "INVALID_VARIABLE")]}
        if requested > self.bucket.max_query_cost:
            self.bucket.record("max_cost", requested)
            return 200, {
                "errors": [
                    _error(
                        f"Query cost is {requested}, which exceeds the single query max cost "
                        f"limit ({self.bucket.max_query_cost}).",
                        "MAX_COST_EXCEEDED",
                        cost=requested,
                        maxCost=self.bucket.max_query_cost,
                    )
                ],
                "extensions": self._cost(requested, None),
            }
        if not self.bucket.take(requested):
            self.bucket.record("throttled", requested)
            return 200, {
                "errors": [_error("Throttled", "THROTTLED", documentation="https://shopify.dev/api/usage/rate-limits")],
                "extensions": self._cost(requested, None),
            }
        result = execute_sync(
            self.schema,
            document,
            variable_values=variables,
            operation_name=name,
            context_value=Context(self, path, base_url, version=version),
        )
        actual = coster.actual(operation, result.data) if result.data is not None else requested
        self.bucket.refund(requested - actual)
        self.bucket.record("charged", actual)
        if rule is not None and rule.kind == "delay":  # phase "after": the effect happened, the answer is late
            time.sleep(rule.seconds)
        elif rule is not None:  # phase "after": the effect happened, the client sees the fault
            return self._fault(rule)
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [e.formatted for e in result.errors]
        body["extensions"] = self._cost(requested, actual)
        return 200, body

    def _fault(self, rule: FaultRule) -> tuple[int, dict[str, Any]]:
        if rule.kind == "rate_limit":
            return 429, {"errors": "Exceeded call limit"}
        return rule.status, {"errors": "Internal error. Looks like something went wrong on our end."}

    def _cost(self, requested: int, actual: int | None) -> dict[str, Any]:
        return {
            "cost": {"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": self.bucket.status()}
        }

    async def bulk_file(self, request: Request) -> Response:
        body = self.store.bulk_files.get(request.path_params["name"])
        if body is None:
            return Response(b"<Error><Code>NoSuchKey</Code></Error>", status_code=404, media_type="application/xml")
        return Response(body, media_type="application/jsonl")

    # control API -------------------------------------------------------------------------------------
    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        create, updates = body.get("create", []), body.get("update", [])
        if isinstance(create, int) and not isinstance(create, bool):
            create = [{} for _ in range(create)]
        if not isinstance(create, list) or not isinstance(updates, list):
            raise ValueError("'create' is a count or a list of orders, 'update' a list of orders with ids")  # noqa: TRY004 - the kit answers ValueError with 400
        webhook = body.get("webhook", True) is not False
        created, updated = [], []
        for spec in create:
            order = self._create(spec if isinstance(spec, dict) else {})
            created.append(order["id"])
            if webhook:
                self.emit("ORDERS_CREATE", order)
        for spec in updates:
            if not isinstance(spec, dict) or "id" not in spec:
                raise ValueError(f"an update needs an id: {spec!r}")
            order = self._update(spec)
            updated.append(order["id"])
            if webhook:
                self.emit("ORDERS_UPDATED", order)
        return {"created": created, "updated": updated}

    def _create(self, spec: dict[str, Any]) -> dict[str, Any]:
        now = int(self.now())
        created = int(epoch(spec["createdAt"])) if spec.get("createdAt") else now
        updated = int(epoch(spec["updatedAt"])) if spec.get("updatedAt") else max(now, created)
        lines = None
        if spec.get("lines"):
            by_sku = {v["sku"]: v for v in self.store.variants.values()}
            try:
                lines = [(by_sku[line["sku"]], int(line.get("quantity", 1))) for line in spec["lines"]]
            except KeyError as exc:
                raise ValueError(f"no variant with SKU {exc}") from None
        status = spec.get("status")
        if status not in (None, "pending", "paid", "fulfilled", "cancelled", "refunded", "closed"):
            raise ValueError(f"unknown status {status!r}")
        with self.store.lock:
            order = self.store.add_order(created, updated, lines=lines, status=status)
            order.update(spec.get("merge") or {})
        return order

    def _update(self, spec: dict[str, Any]) -> dict[str, Any]:
        ident = str(spec["id"])
        ident = ident if ident.startswith("gid://") else gid("Order", int(ident))
        with self.store.lock:
            order = self.store.orders.get(ident)
            if order is None:
                raise LookupError(f"no order {ident}")
            if spec.get("status"):
                fresh = build_order(
                    self.seed,
                    int(order["name"].lstrip("#")) - 1000,
                    int(epoch(order["createdAt"])),
                    int(epoch(order["updatedAt"])),
                    [],
                    status=spec["status"],
                    lines=[(self.store.variants[li["variant"]["id"]], li["quantity"]) for li in order["lineItems"]],
                )
                for key in (
                    "closed",
                    "closedAt",
                    "cancelledAt",
                    "cancelReason",
                    "displayFinancialStatus",
                    "displayFulfillmentStatus",
                    "fulfillments",
                    "fulfillmentOrders",
                    "transactions",
                    "refunds",
                ):
                    order[key] = fresh[key]
            order.update(spec.get("merge") or {})
            self.store.touch(order, epoch(spec["updatedAt"]) if spec.get("updatedAt") else None)
        return order
