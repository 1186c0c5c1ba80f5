"""eBay's seller APIs on loopback, on the SDK's sandbox kit (ledger, request log, faults, exchanges, control API).

Served paths (as eBay serves them below ``https://api.ebay.com``), each from eBay's OAS3 contract:

* OAuth (``oauth.py``): ``GET /oauth2/authorize`` (auto-approves), ``POST /identity/v1/oauth2/token``.
* Sell Fulfillment ``/sell/fulfillment/v1``: ``GET /order`` (``filter`` with ``creationdate``,
  ``lastmodifieddate``, ``orderfulfillmentstatus``; **when both dates are given only creationdate is used**, as
  the contract says; ``limit`` 1..200, default 50; ``offset``; ``orderIds`` ≤ 50 overriding the filter),
  ``GET /order/{orderId}``, ``GET|POST /order/{orderId}/shipping_fulfillment``,
  ``GET /order/{orderId}/shipping_fulfillment/{fulfillmentId}``.
* Sell Inventory ``/sell/inventory/v1``: ``GET /inventory_item`` (``offset`` is a page number), ``GET /offer?sku=``,
  ``POST /bulk_update_price_quantity`` (≤ 25 offers; each listing ≤ 250 revisions per day).
* Commerce Message ``/commerce/message/v1``: ``GET /conversation``, ``GET /conversation/{id}``, ``POST /send_message``.
* Commerce Notification ``/commerce/notification/v1``: ``GET /public_key/{id}`` (application token),
  ``GET|POST /destination`` (the endpoint is challenged on creation), ``GET|PUT|DELETE /destination/{id}``,
  ``GET|POST /subscription``, ``GET|DELETE /subscription/{id}``, ``POST /subscription/{id}/enable``;
  deliveries signed with ``X-EBAY-SIGNATURE``.
* Post-Order ``POST /post-order/v2/cancellation`` (``Authorization: IAF <token>``): seller cancellations.
* Key Management ``POST /developer/key_management/v1/signing_key`` (``signatures.py``); with ``eu_seller`` the
  cancellation must carry eBay's digital signature (RFC 9421) or is refused with eBay's 215xxx errors.
* Trading ``POST /ws/api.dll`` (``trading.py``): ``ReviseInventoryStatus`` (≤ 4 items) for listings not made
  with the Inventory API.

Every API call needs ``Authorization: Bearer <token>`` (Trading: ``X-EBAY-API-IAF-TOKEN``); an unknown or
expired token answers 401 with eBay's error 1001. Each API has a daily call quota (``DAILY_QUOTAS``; eBay's
default limits, configurable); beyond it the answer is 429 with eBay's error 2001.

Control (``POST /_sandbox/orders``): ``{"create": [{"seconds_ago": 30, "payment": "PAID", "lines": 2,
"collect_vat": false}], "webhook": false}``, ``{"update": [{"orderId": ..., ...fields}]}``, ``{"raw": [{...}]}``
(stored as given), ``{"hide": [orderId]}``, ``{"account_deletion": "username"}`` (notifies every destination).
"""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ordersync.channels.sdk.sandbox import FaultRule, OutboundWebhook, Sandbox

from . import notify
from .conformance import EbayConformance
from .errors import EbayError, insufficient_scope, invalid_token, too_many_requests
from .oauth import Tokens
from .signatures import KEYS_PATH, KeyManagement
from .store import Store, ago, iso, parse_iso
from .trading import Trading

FUL, INV, MSG, NTF = "/sell/fulfillment/v1", "/sell/inventory/v1", "/commerce/message/v1", "/commerce/notification/v1"
DAILY_QUOTAS = {
    "fulfillment": 100_000,
    "inventory": 2_000_000,
    "message": 5_000,
    "notification": 10_000,
    "trading": 5_000,
    "postorder": 5_000,
    "keymanagement": 5_000,
}
#: the seller's cancel reasons of the Post-Order API [docs: CancelReasonEnum]
SELLER_REASONS = ("OUT_OF_STOCK_OR_CANNOT_FULFILL", "BUYER_ASKED_CANCEL", "ADDRESS_ISSUES")
DAILY_REVISIONS = 250


class EbaySandbox(EbayConformance, Sandbox):
    system = "ebay"

    def __init__(
        self,
        *,
        seed: int = 1,
        orders: int = 20,
        quotas: dict[str, int] | None = None,
        eu_seller: bool = False,
        **kit: Any,
    ) -> None:
        super().__init__(**kit)
        #: the seller is domiciled in the EU or the UK: the calls eBay names must be signed (``signatures``)
        self.eu_seller = eu_seller
        self.key_management = KeyManagement()
        self.seed, self.count = seed, orders
        self.quotas = {**DAILY_QUOTAS, **(quotas or {})}
        self.client_id, self.client_secret = f"ordersync-SBX-{seed:04d}", f"SBX-secret-{seed:08d}"
        self.lock = threading.RLock()
        self.signer = notify.Signer()
        self.page_cap: int | None = None
        self.reset_data()

    def reset_data(self) -> None:
        with self.lock:
            self.store = Store(self.seed)
            self.tokens = Tokens(self.client_id, self.client_secret)
            self.calls: dict[tuple[str, str], int] = {}
            self.throttled = 0
            for n in range(self.count):
                self.store.new_order(ago(86400 * (n + 1)))

    def settings_for(self, base_url: str) -> dict[str, Any]:
        return {
            "marketplace": "EBAY_DE",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "refresh_token": self.tokens.seed_refresh,
            "api_url": base_url,
            "auth_url": base_url,
        }

    def fault_response(self, rule: FaultRule) -> tuple[int, dict[str, str], bytes]:
        error = (
            too_many_requests()
            if rule.kind == "rate_limit"
            else EbayError(rule.status, 30500, "System error", category="APPLICATION")
        )
        return error.status, {"content-type": "application/json"}, json.dumps(error.body()).encode()

    # plumbing --------------------------------------------------------------------------------------
    def api(self, name: str, handler: Any, *, token: str = "user") -> Any:
        """An endpoint of API ``name``: token check (``user`` or ``app`` token; ``any``), daily quota, errors."""

        async def endpoint(request: Request) -> Response:
            given = request.headers.get("authorization", "")
            prefix = "IAF " if name == "postorder" else "Bearer "  # the Post-Order API wants "IAF <token>"
            kind = self.tokens.kind_of(given[len(prefix) :]) if given.startswith(prefix) else None
            if kind is None:
                return invalid_token().response()
            if token != "any" and kind != token:
                return insufficient_scope().response()
            if not self._count(name):
                return too_many_requests().response()
            body = await request.body()
            try:
                return await asyncio.to_thread(handler, request, body)
            except EbayError as exc:
                return exc.response()

        return endpoint

    def _count(self, api: str) -> bool:
        day = datetime.now(UTC).strftime("%Y-%m-%d")
        with self.lock:
            used = self.calls.get((day, api), 0)
            if used >= self.quotas[api]:
                self.throttled += 1
                return False
            self.calls[(day, api)] = used + 1
            return True

    def routes(self) -> list[Any]:
        trading = Trading(self)
        return [
            Route("/oauth2/authorize", self.tokens_authorize),
            Route("/identity/v1/oauth2/token", self.tokens_token, methods=["POST"]),
            Route(f"{FUL}/order", self.api("fulfillment", self.get_orders)),
            Route(f"{FUL}/order/{{order_id}}", self.api("fulfillment", self.get_order)),
            Route(
                f"{FUL}/order/{{order_id}}/shipping_fulfillment",
                self.api("fulfillment", self.fulfillments),
                methods=["GET", "POST"],
            ),
            Route(f"{FUL}/order/{{order_id}}/shipping_fulfillment/{{fid}}", self.api("fulfillment", self.fulfillment)),
            Route(f"{INV}/inventory_item", self.api("inventory", self.inventory_items)),
            Route(f"{INV}/offer", self.api("inventory", self.get_offers)),
            Route(f"{INV}/bulk_update_price_quantity", self.api("inventory", self.bulk_update), methods=["POST"]),
            Route(f"{MSG}/conversation", self.api("message", self.get_conversations)),
            Route(f"{MSG}/conversation/{{cid}}", self.api("message", self.get_conversation)),
            Route(f"{MSG}/send_message", self.api("message", self.send_message), methods=["POST"]),
            Route(f"{NTF}/public_key/{{kid}}", self.api("notification", self.public_key, token="app")),
            Route(
                f"{NTF}/destination", self.api("notification", self.destinations, token="app"), methods=["GET", "POST"]
            ),
            Route(
                f"{NTF}/destination/{{did}}",
                self.api("notification", self.destination, token="app"),
                methods=["GET", "PUT", "DELETE"],
            ),
            Route(f"{NTF}/subscription", self.api("notification", self.subscriptions), methods=["GET", "POST"]),
            Route(
                f"{NTF}/subscription/{{sid}}", self.api("notification", self.subscription), methods=["GET", "DELETE"]
            ),
            Route(f"{NTF}/subscription/{{sid}}/enable", self.api("notification", self.enable), methods=["POST"]),
            Route("/ws/api.dll", trading.endpoint, methods=["POST"]),
            Route("/post-order/v2/cancellation", self.api("postorder", self.cancellation), methods=["POST"]),
            Route(KEYS_PATH, self.api("keymanagement", self.create_signing_key, token="app"), methods=["POST"]),
        ]

    async def tokens_authorize(self, request: Request) -> Response:
        return await self.tokens.authorize(request)

    async def tokens_token(self, request: Request) -> Response:
        return await self.tokens.token(request)

    # fulfillment -----------------------------------------------------------------------------------
    def get_orders(self, request: Request, body: bytes) -> Response:
        q = request.query_params
        limit = _int(q.get("limit", "50"), 31100, "limit")
        offset = _int(q.get("offset", "0"), 31000, "offset")
        if not 1 <= limit <= 200:
            raise EbayError(400, 31100, f"Invalid limit: {limit}")
        if q.get("fieldGroups") not in (None, "TAX_BREAKDOWN"):
            raise EbayError(400, 32800, f"Invalid field group: {q['fieldGroups']}")
        with self.lock:
            if q.get("orderIds"):
                ids = q["orderIds"].split(",")
                if len(ids) > 50:
                    raise EbayError(400, 30900, "Exceeded maximum number of order IDs (the current limit is 50)")
                hits = [self.store.orders[i] for i in ids if i in self.store.orders]
            else:
                test = _order_filter(q.get("filter", ""))
                hits = [o for o in self.store.orders.values() if o.get("orderId") not in self.store.hidden and test(o)]
            hits.sort(key=lambda o: (str(o.get("creationDate")), str(o.get("orderId"))))
            page_size = min(limit, self.page_cap) if self.page_cap else limit
            rows = json.loads(json.dumps(hits[offset : offset + page_size]))
            if rows and self.faults.take("page_drift", "GET", request.url.path):
                self.store.touch(self.store.orders[rows[0]["orderId"]])  # changed just now: out of the window
        base = str(request.url).split("?")[0]
        answer: dict[str, Any] = {
            "href": str(request.url),
            "total": len(hits),
            "limit": limit,
            "offset": offset,
            "orders": rows,
        }
        if offset + len(rows) < len(hits):
            answer["next"] = f"{base}?limit={limit}&offset={offset + len(rows)}"
        return JSONResponse(answer)

    def _order(self, order_id: str) -> dict[str, Any]:
        order = self.store.orders.get(order_id)
        if order is None:
            raise EbayError(404, 32100, f"Invalid order ID: {order_id}")
        return order

    def get_order(self, request: Request, body: bytes) -> Response:
        with self.lock:
            return JSONResponse(self._order(request.path_params["order_id"]))

    def fulfillments(self, request: Request, body: bytes) -> Response:
        order_id = request.path_params["order_id"]
        with self.lock:
            order = self._order(order_id)
            if request.method == "GET":
                found = self.store.fulfillments.get(order_id, [])
                return JSONResponse({"fulfillments": found, "total": len(found)})
            data = _json(body)
            lines = data.get("lineItems")
            if not isinstance(lines, list) or not lines:
                raise EbayError(400, 32600, "Invalid input data", long="lineItems is required")
            if bool(data.get("trackingNumber")) != bool(data.get("shippingCarrierCode")):
                raise EbayError(400, 32300, "Invalid shipment tracking number or carrier")
            ids = [str(line.get("lineItemId")) for line in lines if isinstance(line, dict)]
            if len(set(ids)) != len(ids):
                raise EbayError(400, 32210, "Duplicate line item in the request")
            known = {li["lineItemId"]: li for li in order["lineItems"]}
            done = self.store.shipped(order_id)
            for line in lines:
                item = known.get(str(line.get("lineItemId")))
                if item is None:
                    raise EbayError(400, 32200, f"Invalid line item id: {line.get('lineItemId')}")
                quantity = line.get("quantity", item["quantity"])
                if (
                    not isinstance(quantity, int)
                    or quantity < 1
                    or quantity + done.get(item["lineItemId"], 0) > item["quantity"]
                ):
                    raise EbayError(
                        400,
                        32600,
                        "Invalid input data",
                        long=f"quantity {quantity!r} of line item {item['lineItemId']} exceeds what is left to ship",
                    )
            fid = self.store.next_id("F")
            record = {
                "fulfillmentId": fid,
                "shipmentTrackingNumber": data.get("trackingNumber", ""),
                "shippingCarrierCode": data.get("shippingCarrierCode", ""),
                "shippedDate": data.get("shippedDate") or iso(datetime.now(UTC)),
                "lineItems": [
                    {
                        "lineItemId": str(li["lineItemId"]),
                        "quantity": li.get("quantity", known[str(li["lineItemId"])]["quantity"]),
                    }
                    for li in lines
                ],
            }
            self.store.fulfillments.setdefault(order_id, []).append(record)
            self.store.refresh_fulfillment_status(order)
            order["fulfillmentHrefs"].append(f"{FUL}/order/{order_id}/shipping_fulfillment/{fid}")
            self.store.touch(order)
            self.ledger.record(
                "order.fulfillment",
                method="POST",
                path=request.url.path,
                resource_id=order_id,
                body=data,
                changes={"trackingNumber": record["shipmentTrackingNumber"]},
            )
        location = f"{str(request.base_url).rstrip('/')}{FUL}/order/{quote(order_id)}/shipping_fulfillment/{fid}"
        return JSONResponse({}, status_code=201, headers={"Location": location})

    def fulfillment(self, request: Request, body: bytes) -> Response:
        with self.lock:
            self._order(request.path_params["order_id"])
            for f in self.store.fulfillments.get(request.path_params["order_id"], []):
                if f["fulfillmentId"] == request.path_params["fid"]:
                    return JSONResponse(f)
        raise EbayError(404, 32100, "Fulfillment not found")

    def cancellation(self, request: Request, body: bytes) -> Response:
        """Post-Order ``POST /post-order/v2/cancellation`` by the seller: a paid order not yet shipped is cancelled
        and refunded at once; one that is shipped or cancelled already is not eligible [docs]."""
        if self.eu_seller:  # one of the calls eBay wants signed for EU/UK sellers [docs]
            self.key_management.verify("POST", request.url.path, request.headers.get("host", ""), request.headers, body)
        data = _json(body)
        legacy, reason = str(data.get("legacyOrderId") or ""), data.get("cancelReason")
        if reason not in SELLER_REASONS:
            raise EbayError(400, 1620, f"Invalid cancel reason: {reason}", domain="returnErrorDomain")
        with self.lock:
            order = next(
                (o for o in self.store.orders.values() if legacy in (o.get("legacyOrderId"), o.get("orderId"))), None
            )
            if order is None:
                raise EbayError(400, 1601, f"Invalid legacyOrderId: {legacy}", domain="returnErrorDomain")
            state = order["cancelStatus"].get("cancelState")
            if state == "CANCELED" or order["orderFulfillmentStatus"] != "NOT_STARTED":
                return JSONResponse(
                    {
                        "orderEligibilityResult": {
                            "eligible": False,
                            "failureReason": [
                                "ORDER_ALREADY_CANCELLED" if state == "CANCELED" else "ORDER_ALREADY_SHIPPED"
                            ],
                        }
                    }
                )
            cancel_id = self.store.next_id("5")
            now = iso(datetime.now(UTC))
            order["cancelStatus"] = {
                "cancelState": "CANCELED",
                "cancelledDate": now,
                "cancelRequests": [
                    {
                        "cancelInitiator": "SELLER",
                        "cancelReason": reason,
                        "cancelRequestId": cancel_id,
                        "cancelRequestState": "COMPLETED",
                        "cancelRequestedDate": now,
                        "cancelCompletedDate": now,
                    }
                ],
            }
            if order["orderPaymentStatus"] == "PAID":
                order["orderPaymentStatus"] = "FULLY_REFUNDED"
            self.store.touch(order)
            self.ledger.record(
                "order.cancel",
                method="POST",
                path=request.url.path,
                resource_id=order["orderId"],
                body=data,
                changes={"cancelState": "CANCELED", "cancelReason": reason},
            )
        return JSONResponse({"cancelId": cancel_id, "orderEligibilityResult": {"eligible": True}}, status_code=201)

    def create_signing_key(self, request: Request, body: bytes) -> Response:
        cipher = str(_json(body).get("signingKeyCipher") or "")
        with self.lock:
            return JSONResponse(self.key_management.create(cipher))

    # inventory -------------------------------------------------------------------------------------
    def inventory_items(self, request: Request, body: bytes) -> Response:
        limit = _int(request.query_params.get("limit", "25"), 25709, "limit", domain="API_INVENTORY")
        page = _int(request.query_params.get("offset", "0"), 25709, "offset", domain="API_INVENTORY")
        if not 1 <= limit <= 200:
            raise EbayError(400, 25706, "You have provided invalid pagination values.", domain="API_INVENTORY")
        with self.lock:
            items = [self.store.items[s] for s in sorted(self.store.items)]
            rows = json.loads(json.dumps(items[page * limit : (page + 1) * limit]))
        return JSONResponse(
            {"href": str(request.url), "total": len(items), "size": len(rows), "limit": limit, "inventoryItems": rows}
        )

    def get_offers(self, request: Request, body: bytes) -> Response:
        sku = request.query_params.get("sku", "")
        with self.lock:
            offers = [o for o in self.store.offers.values() if o["sku"] == sku]
        if sku not in self.store.items:
            raise EbayError(404, 25702, f"SKU {sku} is not available in the system", domain="API_INVENTORY")
        return JSONResponse(
            {"href": str(request.url), "total": len(offers), "size": len(offers), "limit": 25, "offers": offers}
        )

    def bulk_update(self, request: Request, body: bytes) -> Response:
        requests = _json(body).get("requests")
        if not isinstance(requests, list) or not requests:
            raise EbayError(400, 25709, "Invalid value for requests.", domain="API_INVENTORY")
        if sum(max(1, len(r.get("offers") or [])) for r in requests if isinstance(r, dict)) > 25:
            raise EbayError(
                400, 25709, "Invalid value for requests. At most 25 offers per call.", domain="API_INVENTORY"
            )
        day, responses = datetime.now(UTC).strftime("%Y-%m-%d"), []
        with self.lock:
            for req in requests:
                sku = str(req.get("sku") or "")
                item = self.store.items.get(sku)
                offers = [self.store.offers.get(str(o.get("offerId"))) for o in req.get("offers") or []]
                if item is None or None in offers:
                    responses.append(
                        {
                            "sku": sku,
                            "statusCode": 404,
                            "errors": [
                                {
                                    "errorId": 25702,
                                    "domain": "API_INVENTORY",
                                    "category": "REQUEST",
                                    "message": f"SKU {sku} or one of its offers is not available in the system",
                                }
                            ],
                        }
                    )
                    continue
                quantity = (req.get("shipToLocationAvailability") or {}).get("quantity")
                listing = next((o["listing"]["listingId"] for o in offers if o), sku)
                assert item is not None  # refused above
                current = item["availability"]["shipToLocationAvailability"]["quantity"]
                if quantity is not None and quantity != current:
                    if self.store.revisions.get((day, listing), 0) >= DAILY_REVISIONS:
                        responses.append(
                            {
                                "sku": sku,
                                "statusCode": 400,
                                "errors": [
                                    {
                                        "errorId": 25025,
                                        "domain": "API_INVENTORY",
                                        "category": "REQUEST",
                                        "message": "Each listing can be revised up to 250 times in one calendar day; "
                                        "this listing has reached the revision limit.",
                                    }
                                ],
                            }
                        )
                        continue
                    self.store.revise(listing, day)
                    item["availability"]["shipToLocationAvailability"]["quantity"] = quantity
                    self.ledger.record(
                        "inventory.stock",
                        method="POST",
                        path=request.url.path,
                        resource_id=sku,
                        body=req,
                        changes={"quantity": quantity},
                    )
                for o in offers:
                    o["availableQuantity"] = quantity if quantity is not None else o["availableQuantity"]
                    responses.append({"sku": sku, "offerId": o["offerId"], "statusCode": 200})
                if not offers:
                    responses.append({"sku": sku, "statusCode": 200})
        status = 200 if all(r["statusCode"] == 200 for r in responses) else 207
        return JSONResponse({"responses": responses}, status_code=status)

    # messages --------------------------------------------------------------------------------------
    def get_conversations(self, request: Request, body: bytes) -> Response:
        q = request.query_params
        if q.get("conversation_type") not in ("FROM_MEMBERS", "FROM_EBAY"):
            raise EbayError(400, 355001, "conversation_type is required", domain="API_MESSAGE")
        with self.lock:
            found = [
                c["detail"]
                for c in self.store.conversations.values()
                if (not q.get("other_party_username") or c["username"] == q["other_party_username"])
                and (not q.get("reference_id") or c["detail"].get("referenceId") == q["reference_id"])
            ]
        return JSONResponse(
            {"href": str(request.url), "total": len(found), "limit": 50, "offset": 0, "conversations": found}
        )

    def get_conversation(self, request: Request, body: bytes) -> Response:
        with self.lock:
            conv = self.store.conversations.get(request.path_params["cid"])
            if conv is None:
                raise EbayError(404, 355002, "Conversation not found", domain="API_MESSAGE")
            return JSONResponse(
                {
                    "conversationStatus": "ACTIVE",
                    "conversationType": "FROM_MEMBERS",
                    "conversationTitle": conv["detail"]["conversationTitle"],
                    "href": str(request.url),
                    "total": len(conv["messages"]),
                    "limit": 50,
                    "offset": 0,
                    "messages": conv["messages"],
                }
            )

    def send_message(self, request: Request, body: bytes) -> Response:
        data = _json(body)
        text = data.get("messageText")
        if not isinstance(text, str) or not text.strip() or len(text) > 2000:
            raise EbayError(400, 355003, "messageText is required (at most 2000 characters)", domain="API_MESSAGE")
        with self.lock:
            cid = data.get("conversationId")
            conv: dict[str, Any] | None = self.store.conversations.get(cid) if cid else None
            username = str(data.get("otherPartyUsername") or "")
            reference = data.get("reference") or {}
            if conv is None and cid:
                raise EbayError(404, 355002, "Conversation not found", domain="API_MESSAGE")
            if conv is None:
                if not username:
                    raise EbayError(
                        400, 355004, "otherPartyUsername or conversationId is required", domain="API_MESSAGE"
                    )
                conv = next(
                    (
                        c
                        for c in self.store.conversations.values()
                        if c["username"] == username and c["detail"].get("referenceId") == reference.get("referenceId")
                    ),
                    None,
                )
            now = iso(datetime.now(UTC))
            if conv is None:
                cid = self.store.next_id("C")
                fresh: dict[str, Any] = {
                    "username": username,
                    "messages": [],
                    "detail": {
                        "conversationId": cid,
                        "conversationStatus": "ACTIVE",
                        "conversationType": "FROM_MEMBERS",
                        "conversationTitle": f"Message to {username}",
                        "createdDate": now,
                        "unreadCount": 0,
                        **(
                            {
                                "referenceId": str(reference["referenceId"]),
                                "referenceType": reference.get("referenceType", "LISTING"),
                            }
                            if reference.get("referenceId")
                            else {}
                        ),
                    },
                }
                conv = self.store.conversations[cid] = fresh
            message = {
                "messageId": self.store.next_id("M"),
                "messageBody": text,
                "createdDate": now,
                "readStatus": False,
                "senderUsername": "sandbox_seller",
                "recipientUsername": conv["username"],
                "subject": conv["detail"]["conversationTitle"],
            }
            conv["messages"].append(message)
            conv["detail"]["latestMessage"] = message
            self.ledger.record(
                "message.send",
                method="POST",
                path=request.url.path,
                resource_id=conv["username"],
                body=data,
                changes={"messageText": text},
            )
        answer = {k: message[k] for k in ("messageId", "messageBody", "createdDate", "readStatus", "subject")}
        answer |= {"senderUserName": "sandbox_seller", "recipientUserName": conv["username"]}
        return JSONResponse(answer, status_code=201)

    # notifications ---------------------------------------------------------------------------------
    def public_key(self, request: Request, body: bytes) -> Response:
        if request.path_params["kid"] != self.signer.kid:
            raise EbayError(404, 195001, "The public key was not found.", domain="API_NOTIFICATION")
        return JSONResponse(self.signer.public_key())

    def destinations(self, request: Request, body: bytes) -> Response:
        if request.method == "GET":
            with self.lock:
                found = list(self.store.destinations.values())
            return JSONResponse({"total": len(found), "href": str(request.url), "limit": 100, "destinations": found})
        data = _json(body)
        config = data.get("deliveryConfig") or {}
        endpoint, token = str(config.get("endpoint") or ""), str(config.get("verificationToken") or "")
        if not endpoint or not 32 <= len(token) <= 80:
            raise EbayError(
                400,
                195016,
                "Invalid deliveryConfig: endpoint and a verificationToken of 32 to 80 characters are required",
                domain="API_NOTIFICATION",
            )
        ok, why = notify.challenge_ok(endpoint, token)
        if not ok:
            raise EbayError(
                409, 195017, f"Challenge verification failed for the endpoint: {why}", domain="API_NOTIFICATION"
            )
        with self.lock:
            did = self.store.next_id("D")
            self.store.destinations[did] = {
                "destinationId": did,
                "name": str(data.get("name") or ""),
                "status": str(data.get("status") or "ENABLED"),
                "deliveryConfig": {"endpoint": endpoint, "verificationToken": token},
            }
            self.ledger.record("destination.create", method="POST", path=request.url.path, resource_id=did, body=data)
        return JSONResponse(
            {}, status_code=201, headers={"Location": f"{str(request.base_url).rstrip('/')}{NTF}/destination/{did}"}
        )

    def destination(self, request: Request, body: bytes) -> Response:
        did = request.path_params["did"]
        with self.lock:
            if did not in self.store.destinations:
                raise EbayError(404, 195020, "The destination was not found.", domain="API_NOTIFICATION")
            if request.method == "GET":
                return JSONResponse(self.store.destinations[did])
            if request.method == "PUT":
                data = _json(body)
                config = data.get("deliveryConfig") or {}
                if data.get("status") not in ("ENABLED", "DISABLED") or not config.get("endpoint"):
                    raise EbayError(400, 195016, "Invalid status or deliveryConfig", domain="API_NOTIFICATION")
                self.store.destinations[did].update(
                    {
                        "name": str(data.get("name") or ""),
                        "status": data["status"],
                        "deliveryConfig": {
                            "endpoint": config["endpoint"],
                            "verificationToken": config.get("verificationToken", ""),
                        },
                    }
                )
                self.ledger.record(
                    "destination.update", method="PUT", path=request.url.path, resource_id=did, body=data
                )
                return Response(status_code=204)
            del self.store.destinations[did]
        return Response(status_code=204)

    def enable(self, request: Request, body: bytes) -> Response:
        sid = request.path_params["sid"]
        with self.lock:
            if sid not in self.store.subscriptions:
                raise EbayError(404, 195021, "The subscription was not found.", domain="API_NOTIFICATION")
            self.store.subscriptions[sid]["status"] = "ENABLED"
            self.ledger.record("subscription.enable", method="POST", path=request.url.path, resource_id=sid)
        return Response(status_code=204)

    def subscriptions(self, request: Request, body: bytes) -> Response:
        if request.method == "GET":
            with self.lock:
                found = list(self.store.subscriptions.values())
            return JSONResponse({"total": len(found), "href": str(request.url), "limit": 100, "subscriptions": found})
        data = _json(body)
        with self.lock:
            if data.get("destinationId") not in self.store.destinations:
                raise EbayError(400, 195020, "The destination was not found.", domain="API_NOTIFICATION")
            if data.get("topicId") not in ("ORDER_CONFIRMATION", "MARKETPLACE_ACCOUNT_DELETION"):
                raise EbayError(400, 195004, f"Invalid topic: {data.get('topicId')}", domain="API_NOTIFICATION")
            sid = self.store.next_id("S")
            self.store.subscriptions[sid] = {
                "subscriptionId": sid,
                "topicId": data["topicId"],
                "status": str(data.get("status") or "ENABLED"),
                "creationDate": iso(datetime.now(UTC)),
                "payload": data.get("payload") or {},
                "destinationId": data["destinationId"],
            }
        return JSONResponse(
            {}, status_code=201, headers={"Location": f"{str(request.base_url).rstrip('/')}{NTF}/subscription/{sid}"}
        )

    def subscription(self, request: Request, body: bytes) -> Response:
        sid = request.path_params["sid"]
        with self.lock:
            if sid not in self.store.subscriptions:
                raise EbayError(404, 195021, "The subscription was not found.", domain="API_NOTIFICATION")
            if request.method == "GET":
                return JSONResponse(self.store.subscriptions[sid])
            del self.store.subscriptions[sid]
        return Response(status_code=204)

    def notify(self, topic: str, data: dict[str, Any], *, all_destinations: bool = False) -> None:
        with self.lock:
            if all_destinations:
                targets = list(self.store.destinations.values())
            else:
                targets = [
                    self.store.destinations[s["destinationId"]]
                    for s in self.store.subscriptions.values()
                    if s["topicId"] == topic
                    and s["status"] == "ENABLED"
                    and s["destinationId"] in self.store.destinations
                ]
        for destination in targets:
            body = notify.notification(topic, data)
            self.webhooks.submit(
                OutboundWebhook(
                    destination["deliveryConfig"]["endpoint"],
                    body,
                    {"Content-Type": "application/json", "X-EBAY-SIGNATURE": self.signer.header(body)},
                    meta={"topic": topic},
                )
            )

    # control ---------------------------------------------------------------------------------------
    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        created, updated, hidden = [], [], []
        with self.lock:
            for spec in body.get("create") or []:
                order = self.store.new_order(
                    ago(float(spec.get("seconds_ago", 30))),
                    lines=int(spec.get("lines", 0)),
                    payment=str(spec.get("payment", "PAID")),
                    collect_vat=bool(spec.get("collect_vat", False)),
                )
                created.append(order["orderId"])
            for raw in body.get("raw") or []:
                order_id = str(raw.get("orderId") or self.store.next_id("RAW-"))
                self.store.orders[order_id] = {**raw, "orderId": order_id}
                created.append(order_id)
            for change in body.get("update") or []:
                order = self._order(str(change.get("orderId")))
                order.update({k: v for k, v in change.items() if k not in ("orderId", "seconds_ago")})
                if "lastModifiedDate" not in change:
                    self.store.touch(order, ago(float(change.get("seconds_ago", 0))))
                updated.append(order["orderId"])
            for order_id in body.get("hide") or []:
                self._order(str(order_id))
                self.store.hidden.add(str(order_id))
                hidden.append(str(order_id))
        if body.get("webhook"):
            for order_id in created + updated:
                self.notify("ORDER_CONFIRMATION", {"orderId": order_id})
        if body.get("account_deletion"):
            self.notify(
                "MARKETPLACE_ACCOUNT_DELETION",
                {
                    "username": str(body["account_deletion"]),
                    "userId": "ma8vp1jySJC",
                    "eiasToken": "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6wJnY+gAZGEpwmdj6x9nY+seQ==",
                },
                all_destinations=True,
            )
        return {"created": created, "updated": updated, "hidden": hidden}


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise EbayError(400, 32600, "Invalid input data", long="the request body is not JSON") from None
    if not isinstance(data, dict):
        raise EbayError(400, 32600, "Invalid input data", long="the request body is not an object")
    return data


def _int(text: str, error_id: int, name: str, *, domain: str = "API_FULFILLMENT") -> int:
    if not text.isdigit():
        raise EbayError(400, error_id, f"Invalid {name}: {text}", domain=domain)
    return int(text)


def _order_filter(text: str) -> Any:
    """getOrders' filter: ``name:[from..to]`` dates (inclusive, either end open) and
    ``orderfulfillmentstatus:{A|B}``; with both dates only creationdate counts [spec]."""
    criteria: dict[str, str] = {}
    for part in [p for p in _split(text) if p]:
        name, sep, value = part.partition(":")
        if not sep or name not in ("creationdate", "lastmodifieddate", "orderfulfillmentstatus"):
            raise EbayError(400, 30700, f"Invalid filter name: {name}")
        criteria[name] = value
    date_field, date_value = (
        ("creationDate", criteria["creationdate"])
        if "creationdate" in criteria
        else ("lastModifiedDate", criteria.get("lastmodifieddate"))
    )
    low = high = None
    if date_value is not None:
        if not (date_value.startswith("[") and date_value.endswith("]") and ".." in date_value):
            raise EbayError(400, 30800, f"Invalid filter value {date_value} for filter {date_field.lower()}")
        start, _, end = date_value[1:-1].partition("..")
        if not start:
            raise EbayError(400, 30820, "Start date is missing")
        try:
            low, high = parse_iso(start), parse_iso(end) if end else None
        except ValueError:
            raise EbayError(400, 30810, "Invalid date format") from None
        if high is not None and high < low:
            raise EbayError(400, 30840, "Start date should be before end date")
        if (high or datetime.now(UTC)) - low > timedelta(days=730):
            raise EbayError(400, 30830, "Time range between start date and end date must be within '2' years.")
    statuses = (
        set(criteria["orderfulfillmentstatus"].strip("{}").split("|")) if "orderfulfillmentstatus" in criteria else None
    )

    def test(order: dict[str, Any]) -> bool:
        if statuses is not None and order.get("orderFulfillmentStatus") not in statuses:
            return False
        if low is None:
            return True
        try:
            when = parse_iso(str(order.get(date_field)))
        except (ValueError, TypeError):
            return True  # a malformed record is listed, as eBay would list what it holds
        return when >= low and (high is None or when <= high)

    return test


def _split(text: str) -> list[str]:
    """Criteria are comma-separated; commas inside brackets or braces belong to the value."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch in "[{"
        depth -= ch in "]}"
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    return parts
