"""The Selling Partner API as Amazon documents it (ordersV0, listingsItems 2021-08-01, feeds 2021-06-30,
tokens 2021-03-01, messaging v1), on the SDK's sandbox kit (ledger, request log, faults, ``/_sandbox``).

Auth: every API call wants ``x-amz-access-token`` with an LWA access token (see :mod:`.lwa`) or, for the
restricted data it was made for, a Restricted Data Token; an expired, revoked or unknown token answers 403
``{"errors": [{"code": "Unauthorized", "message": "Access to requested resource is denied.", "details":
"The access token you provided is revoked, malformed or invalid."}]}`` as Amazon does (not 401).
Limits: :mod:`.usage_plans`. Errors: ``{"errors": [{code, message, details}]}`` with 400 ``InvalidInput``,
404 ``NotFound``.

Orders: ``getOrders`` by ``LastUpdatedAfter``/``LastUpdatedBefore`` (or Created…) and ``MarketplaceIds``
(required), ``MaxResultsPerPage`` 1–100, oldest change first, ``NextToken`` continuing the query it came
from. Amazon's data lags: a ``LastUpdatedBefore``/``CreatedBefore`` later than two minutes before the
request is refused (400), and the answer's ``LastUpdatedBefore`` says up to when the data is complete
(``lag`` seconds behind now, 120 unless configured). Without a Restricted Data Token the orders carry only
City/PostalCode/CountryCode of the shipping address; an RDT made for ``/orders/v0/orders`` with
``shippingAddress``/``buyerInfo`` (or for ``/orders/v0/orders/{id}``, getOrder) adds name, street, phone and BuyerInfo (``pii=false`` makes
``createRestrictedDataToken`` refuse, as for an app without the restricted role).

Control (``POST /_sandbox/orders``): ``{"action": "configure", "lag": 120, "ttl": 3600, "scale": 1,
"feed_seconds": 2, "pii": true, "items_page": 20}``; ``{"action": "messaging", "id": …, "allowed": [...]}``
(the message types listed for the order, see :mod:`.messaging`); ``{"action": "create", "count": 2, "marketplace":
"A1PA6795UKMFR9", "status": "Unshipped", "channel": "MFN", "lines": 2, "business": false, "prime": false,
"premium": false, "seconds_ago": 150}``; ``{"action": "status", "id": …, "status": "Unshipped"}``;
``{"action": "fail_skus", "skus": [...]}`` (feed messages for them fail with an ERROR issue);
``{"action": "listings", "count": 500}`` (that many more SKUs); ``{"action": "expire"}``; ``{"action":
"revoke"}``; ``{"action": "state"}``. The conformance suite's ``POST /_sandbox/conformance/configure {"quick":
true}`` sets ``feed_seconds`` 0 and ``scale`` :data:`~.usage_plans.QUICK_SCALE`.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ordersync.channels.sdk.sandbox import FaultRule, Sandbox

from .conformance import AmazonConformance
from .data import MARKETPLACES, Seller, iso
from .listings import ListingsApi
from .lwa import APPLICATION_ID, CLIENT_ID, CLIENT_SECRET, SELLER_ID, LwaServer
from .messaging import MessagingApi
from .usage_plans import QUOTA_BODY, UsagePlans

DENIED = {"code": "Unauthorized", "message": "Access to requested resource is denied."}
ORDERS = "/orders/v0/orders"


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details

    def body(self) -> dict[str, Any]:
        error = {"code": self.code, "message": self.message}
        return {"errors": [error | ({"details": self.details} if self.details else {})]}


def parse_time(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, "InvalidInput", f"Invalid {name}: {value!r} is not ISO 8601") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class AmazonSandbox(AmazonConformance, ListingsApi, MessagingApi, LwaServer, Sandbox):
    system = "amazon"

    def __init__(self, *, seed: int = 1, orders: int = 20, marketplaces: list[str] | None = None, **kit: Any) -> None:
        super().__init__(**kit)
        self.seed, self.count = seed, orders
        self.marketplace_ids = marketplaces or ["A1PA6795UKMFR9", "A1F83G8C2ARO7P"]
        self.seller_refresh_token = f"Atzr|sandbox-self-authorised-{seed}"
        self._lock = threading.RLock()
        self.plans = UsagePlans()
        self._operations: dict[int, str] = {}  # id of an api() endpoint -> its operation (for fault answers)
        self.reset_data()

    def reset_data(self) -> None:
        with self._lock:
            self.seller = Seller(self.seed, self.count, self.marketplace_ids)
            self.lag, self.pii, self.items_page, self.feed_seconds = 120.0, True, 20, 2.0
            self.rdts: dict[str, tuple[float, frozenset[str], frozenset[str]]] = {}  # token -> expiry, elements, paths
            self.cursors: dict[str, dict[str, Any]] = {}
            self.page_cap: int | None = None
            self.plans.reset()
            self.reset_tokens()
            self.reset_listings()
            self.reset_messaging()

    def settings_for(self, base_url: str) -> dict[str, Any]:
        return {
            "region": "EU",
            "endpoint": base_url,
            "lwa_token_url": f"{base_url}/auth/o2/token",
            "seller_central_url": base_url,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": self.seller_refresh_token,
            "seller_id": SELLER_ID,
            "application_id": APPLICATION_ID,
            "marketplaces": ",".join(MARKETPLACES[m][0].replace("GB", "UK") for m in self.marketplace_ids),
        }

    def fault_response(self, rule: FaultRule) -> tuple[int, dict[str, str], bytes]:
        """Amazon's error body, with the operation's rate header where the rule names one operation's requests
        (``UsagePlans.operation_of``)."""
        operation = self.plans.operation_of(rule.method, rule.path)
        headers = {"content-type": "application/json", **(self.plans.header(operation) if operation else {})}
        if rule.kind == "rate_limit" or rule.status == 429:
            return 429, headers, json.dumps(QUOTA_BODY).encode()
        body = {
            "errors": [{"code": "InternalFailure", "message": "We encountered an internal error. Please try again."}]
        }
        return rule.status, headers, json.dumps(body).encode()

    # plumbing -----------------------------------------------------------------------------------------
    def api(
        self,
        operation: str,
        handler: Callable[..., tuple[int, Any]],
        *,
        restricted: str = "",
        media_type: str = "application/json",
    ) -> Callable:
        """An endpoint: token check, usage plan, handler under the lock, Amazon's error body and rate header,
        answered as ``media_type`` (the Messaging API produces application/hal+json)."""

        def answer(content: Any, status: int, headers: dict[str, str] | None = None) -> Response:
            return JSONResponse(content, status, headers=headers, media_type=media_type)

        async def endpoint(request: Request) -> Response:
            token = request.headers.get("x-amz-access-token", "")
            with self._lock:
                rdt = self.rdts.get(token)
                state = self.access_ok(token)
            rdt_ok = rdt is not None and rdt[0] > time.monotonic() and restricted and request.url.path in rdt[2]
            if not rdt_ok and state is not True:
                details = (
                    "The access token you provided has expired."
                    if state is False or rdt is not None
                    else "The access token you provided is revoked, malformed or invalid."
                )
                return answer({"errors": [DENIED | {"details": details}]}, 403)
            if not self.plans.take(operation):
                return answer(QUOTA_BODY, 429, headers=self.plans.header(operation))
            body = None
            if request.method in ("POST", "PATCH", "PUT"):
                raw = await request.body()
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    return answer(ApiError(400, "InvalidInput", "The body is not JSON").body(), 400)
            try:
                with self._lock:
                    self.process_due_feeds()
                    status, payload = handler(request, body, bool(rdt_ok and rdt and rdt[1]))
            except ApiError as exc:
                return answer(exc.body(), exc.status, headers=self.plans.header(operation))
            headers = self.plans.header(operation)
            if payload is None:
                return Response(status_code=status, headers=headers)
            return answer(payload, status, headers=headers)

        self._operations[id(endpoint)] = operation
        return endpoint

    def routes(self) -> list[Route]:
        routes = self._api_routes()
        self.plans.forget_routes()
        for route in routes:
            operation = self._operations.get(id(route.endpoint))
            if operation:
                self.plans.route(route.methods, route.path, operation)
        return routes

    def _api_routes(self) -> list[Route]:
        return [
            Route("/auth/o2/token", self.lwa_token, methods=["POST"]),
            Route("/apps/authorize/consent", self.consent),
            Route(
                "/tokens/2021-03-01/restrictedDataToken",
                self.api("createRestrictedDataToken", self.create_rdt),
                methods=["POST"],
            ),
            Route(ORDERS, self.api("getOrders", self.get_orders, restricted=ORDERS)),
            Route(ORDERS + "/{orderId}", self.api("getOrder", self.get_order, restricted=ORDERS + "/*")),
            Route(ORDERS + "/{orderId}/orderItems", self.api("getOrderItems", self.get_order_items)),
            Route(
                ORDERS + "/{orderId}/shipmentConfirmation",
                self.api("confirmShipment", self.confirm_shipment),
                methods=["POST"],
            ),
            *self.listing_routes(),
            *self.messaging_routes(),
        ]

    # control -----------------------------------------------------------------------------------------
    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        action = body.get("action")
        with self._lock:
            if action == "configure":
                self.lag = float(body.get("lag", self.lag))
                self.ttl = float(body.get("ttl", self.ttl))
                self.pii = bool(body.get("pii", self.pii))
                self.items_page = max(1, int(body.get("items_page", self.items_page)))
                self.feed_seconds = float(body.get("feed_seconds", self.feed_seconds))
                if "scale" in body:
                    self.plans.configure(float(body["scale"]))
            elif action == "create":
                now = datetime.now(UTC)
                placed = now - timedelta(seconds=float(body.get("seconds_ago", self.lag + 30)))
                ids = [
                    self.seller.add_order(
                        placed=placed,
                        marketplace=str(body.get("marketplace", self.marketplace_ids[0])),
                        status=str(body.get("status", "Unshipped")),
                        channel=str(body.get("channel", "MFN")),
                        lines=body.get("lines"),
                        business=bool(body.get("business")),
                        prime=bool(body.get("prime")),
                        premium=bool(body.get("premium")),
                    )["AmazonOrderId"]
                    for _ in range(int(body.get("count", 1)))
                ]
                return {"ids": ids}
            elif action == "status":
                order = self._order(str(body["id"]))
                order["OrderStatus"] = str(body["status"])
                order["LastUpdateDate"] = iso(datetime.now(UTC) - timedelta(seconds=float(body.get("seconds_ago", 0))))
                if body["status"] != "Pending" and "OrderTotal" not in order:
                    self._price(order)
            elif action == "messaging":
                self._order(str(body["id"]))
                self.allowed_messages[str(body["id"])] = [str(a) for a in body.get("allowed", [])]
            elif action == "fail_skus":
                self.failing_skus = set(map(str, body.get("skus", [])))
            elif action == "listings":
                for n in range(int(body.get("count", 1))):
                    self.seller.add_listing(f"{body.get('prefix', 'SKU')}-{len(self.seller.listings) + n:05d}")
            elif action == "expire":
                self.access = dict.fromkeys(self.access, 0.0)
            elif action == "revoke":
                self.refresh_tokens.clear()
                self.access = dict.fromkeys(self.access, 0.0)
            elif action != "state":
                raise ValueError(f"unknown action {action!r}")
            return {
                "token_refreshes": self.token_refreshes,
                "throttled": self.plans.throttled,
                "orders": len(self.seller.orders),
                "listings": len(self.seller.listings),
            }

    def _price(self, order: dict[str, Any]) -> None:
        """A pending order turned Unshipped: Amazon now shows its prices (recomputed from the listings)."""
        from decimal import Decimal

        from .data import FACTOR, money
        from .data import MARKETPLACES as M

        currency = M[order["MarketplaceId"]][1]
        total = Decimal(0)
        for k, item in enumerate(self.seller.items[order["AmazonOrderId"]]):
            price = (
                self.seller.listings[item["SellerSKU"]]["price"] * FACTOR[currency] * item["QuantityOrdered"]
            ).quantize(Decimal("0.01"))
            ship = (Decimal("4.90") * FACTOR[currency]).quantize(Decimal("0.01")) if k == 0 else Decimal(0)
            tax = (price - price / Decimal("1.19")).quantize(Decimal("0.01"))
            item |= {
                "ItemPrice": money(currency, price),
                "ItemTax": money(currency, tax),
                "ShippingPrice": money(currency, ship),
                "ShippingTax": money(currency, Decimal(0)),
                "PromotionDiscount": money(currency, Decimal(0)),
                "PromotionDiscountTax": money(currency, Decimal(0)),
            }
            total += price + ship
        order["OrderTotal"] = money(currency, total)

    # orders ------------------------------------------------------------------------------------------
    def _order(self, oid: str) -> dict[str, Any]:
        order = self.seller.orders.get(oid)
        if order is None:
            raise ApiError(404, "NotFound", f"Order {oid} not found")
        return order

    def _shown(self, order: dict[str, Any], pii: bool) -> dict[str, Any]:
        shown = dict(order)
        if pii:
            extra = self.seller.addresses[order["AmazonOrderId"]]
            shown |= {"ShippingAddress": dict(extra["ShippingAddress"]), "BuyerInfo": dict(extra["BuyerInfo"])}
        return shown

    def get_orders(self, request: Request, body: Any, pii: bool) -> tuple[int, Any]:
        q = request.query_params
        now = datetime.now(UTC)
        token = q.get("NextToken")
        if token:
            cursor = self.cursors.get(token)
            if cursor is None:
                raise ApiError(400, "InvalidInput", "Invalid NextToken")
        else:
            marketplaces = [m for m in q.get("MarketplaceIds", "").split(",") if m]
            if not marketplaces:
                raise ApiError(400, "InvalidInput", "Missing required 'MarketplaceIds'")
            unknown = [m for m in marketplaces if m not in self.marketplace_ids]
            if unknown:
                raise ApiError(400, "InvalidInput", f"Invalid MarketplaceIds: {','.join(unknown)}")
            horizon = now - timedelta(seconds=self.lag)
            field, after, before = "LastUpdateDate", q.get("LastUpdatedAfter"), q.get("LastUpdatedBefore")
            if not after:
                field, after, before = "PurchaseDate", q.get("CreatedAfter"), q.get("CreatedBefore")
            if not after:
                raise ApiError(400, "InvalidInput", "Either CreatedAfter or LastUpdatedAfter must be specified")
            since = parse_time(after, "date")
            until = parse_time(before, "date") if before else horizon
            if until > now - timedelta(seconds=120):
                raise ApiError(400, "InvalidInput", "Date must be no later than 2 minutes before the request")
            until = min(until, horizon)
            size = int(q.get("MaxResultsPerPage", 100))
            if not 1 <= size <= 100:
                raise ApiError(400, "InvalidInput", "MaxResultsPerPage must be between 1 and 100")
            statuses = set(filter(None, q.get("OrderStatuses", "").split(",")))
            channels = set(filter(None, q.get("FulfillmentChannels", "").split(",")))
            hits = sorted(
                (
                    o
                    for o in self.seller.orders.values()
                    if o["AmazonOrderId"] not in self.seller.hidden
                    and o["MarketplaceId"] in marketplaces
                    and since <= parse_time(o[field], field) <= until
                    and (not statuses or o["OrderStatus"] in statuses)
                    and (not channels or o["FulfillmentChannel"] in channels)
                ),
                key=lambda o: (o[field], o["AmazonOrderId"]),
            )
            cursor = {
                "ids": [o["AmazonOrderId"] for o in hits],
                "size": min(size, self.page_cap or size),
                "until": until,
                "field": field,
            }
        drift = self.faults.take("page_drift", request.method, request.url.path)
        if drift is not None and cursor["ids"]:
            moved = self.seller.orders[cursor["ids"][-1]]
            moved["LastUpdateDate"] = iso(now)  # changed just now: out of the queried window
        page, rest = cursor["ids"][: cursor["size"]], cursor["ids"][cursor["size"] :]
        payload: dict[str, Any] = {"Orders": [self._shown(self.seller.orders[i], pii) for i in page]}
        payload["LastUpdatedBefore" if cursor["field"] == "LastUpdateDate" else "CreatedBefore"] = iso(cursor["until"])
        if rest:
            nxt = secrets.token_urlsafe(18)
            self.cursors[nxt] = {**cursor, "ids": rest}
            payload["NextToken"] = nxt
        return 200, {"payload": payload}

    def get_order(self, request: Request, body: Any, pii: bool) -> tuple[int, Any]:
        return 200, {"payload": self._shown(self._order(request.path_params["orderId"]), pii)}

    def get_order_items(self, request: Request, body: Any, pii: bool) -> tuple[int, Any]:
        oid = request.path_params["orderId"]
        self._order(oid)
        items = self.seller.items[oid]
        start = 0
        token = request.query_params.get("NextToken")
        if token:
            if not token.startswith(f"{oid}:"):
                raise ApiError(400, "InvalidInput", "Invalid NextToken")
            start = int(token.rsplit(":", 1)[1])
        page = items[start : start + self.items_page]
        payload: dict[str, Any] = {"AmazonOrderId": oid, "OrderItems": [dict(i) for i in page]}
        if start + self.items_page < len(items):
            payload["NextToken"] = f"{oid}:{start + self.items_page}"
        return 200, {"payload": payload}

    def create_rdt(self, request: Request, body: Any, pii: bool) -> tuple[int, Any]:
        resources = body.get("restrictedResources") if isinstance(body, dict) else None
        if not isinstance(resources, list) or not resources:
            raise ApiError(400, "InvalidInput", "restrictedResources is required")
        elements: set[str] = set()
        paths = frozenset(str(res.get("path", "")) for res in resources)
        for res in resources:
            if res.get("method") != "GET" or not str(res.get("path", "")).startswith("/orders/v0/orders"):
                raise ApiError(400, "InvalidInput", f"Unsupported restricted resource {res.get('path')!r}")
            elements |= set(res.get("dataElements") or [])
        if not self.pii:
            raise ApiError(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The application does not have the role needed for the restricted data elements "
                + ", ".join(sorted(elements)),
            )
        token = "Atz.sprdt|" + secrets.token_urlsafe(24)
        self.rdts[token] = (time.monotonic() + 3600, frozenset(elements), paths)
        return 200, {"restrictedDataToken": token, "expiresIn": 3600}

    def confirm_shipment(self, request: Request, body: Any, pii: bool) -> tuple[int, Any]:
        oid = request.path_params["orderId"]
        order = self._order(oid)
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("packageDetail"), dict)
            or not body.get("marketplaceId")
        ):
            raise ApiError(400, "InvalidInput", "marketplaceId and packageDetail are required")
        if body["marketplaceId"] != order["MarketplaceId"]:
            raise ApiError(400, "InvalidInput", f"Order {oid} is not of marketplace {body['marketplaceId']}")
        if order["FulfillmentChannel"] != "MFN":
            raise ApiError(400, "InvalidInput", f"Order {oid} is fulfilled by Amazon")
        if order["OrderStatus"] not in ("Unshipped", "PartiallyShipped"):
            raise ApiError(
                400, "InvalidInput", f"Order {oid} has status {order['OrderStatus']} and cannot be confirmed"
            )
        pkg = body["packageDetail"]
        for name in ("packageReferenceId", "carrierCode", "trackingNumber", "shipDate", "orderItems"):
            if not pkg.get(name):
                raise ApiError(400, "InvalidInput", f"packageDetail.{name} is required")
        if pkg["carrierCode"] == "Other" and not pkg.get("carrierName"):
            raise ApiError(400, "InvalidInput", "carrierName is required when carrierCode is Other")
        if str(pkg["packageReferenceId"]) in self.seller.packages.get(oid, set()):
            raise ApiError(400, "InvalidInput", f"Package {pkg['packageReferenceId']} was already confirmed")
        items = {i["OrderItemId"]: i for i in self.seller.items[oid]}
        for line in pkg["orderItems"]:
            item = items.get(str(line.get("orderItemId")))
            if item is None:
                raise ApiError(400, "InvalidInput", f"Unknown orderItemId {line.get('orderItemId')}")
            qty = int(line.get("quantity") or 0)
            if qty < 1 or item["QuantityShipped"] + qty > item["QuantityOrdered"]:
                raise ApiError(
                    400, "InvalidInput", f"Quantity {qty} of item {item['OrderItemId']} exceeds what is unshipped"
                )
        for line in pkg["orderItems"]:
            items[str(line["orderItemId"])]["QuantityShipped"] += int(line["quantity"])
        self.seller.packages.setdefault(oid, set()).add(str(pkg["packageReferenceId"]))
        self.seller.tracking.setdefault(oid, []).append(str(pkg["trackingNumber"]))
        self.seller.recount(oid)
        order["OrderStatus"] = "Shipped" if order["NumberOfItemsUnshipped"] == 0 else "PartiallyShipped"
        order["LastUpdateDate"] = iso(datetime.now(UTC))
        self.ledger.record(
            "shipment.confirm",
            method="POST",
            path=request.url.path,
            resource_id=oid,
            body=body,
            changes={"status": order["OrderStatus"], "tracking": pkg["trackingNumber"]},
        )
        return 204, None
