"""Etsy's Open API v3 as documented, on the SDK's sandbox kit (ledger, request log, faults, ``/_sandbox``).

* OAuth: ``GET /oauth/connect`` (the consent page, auto-approving: 302 to ``redirect_uri?code&state``; PKCE
  S256 required), ``POST /v3/public/oauth/token`` (``authorization_code`` with ``code_verifier`` checked,
  ``refresh_token``; ``client_id`` in the form, no secret). Access tokens are ``<user_id>.<random>`` and expire
  after ``ttl`` seconds (Etsy: 3600); refresh answers a new refresh token. Errors as RFC 6749
  ``{"error", "error_description"}``.
* Every ``/v3/application`` call wants ``x-api-key: keystring:shared_secret`` (403 otherwise) and a live
  bearer token (401 ``{"error": "invalid_token"}``); Etsy's error body is ``{"error": "..."}`` [spec
  ErrorSchema].
* Limits per app: ``limit_per_second`` in any sliding second, ``limit_per_day`` in total; every answer
  carries ``x-limit-per-second``, ``x-remaining-this-second``, ``x-limit-per-day``, ``x-remaining-today``;
  beyond them 429 with ``retry-after`` and the same headers (the 429 text is assumed).
* Routes: getMe, getShop, getShopReceipts (``min/max_last_modified``, ``sort_on``, ``sort_order``, ``limit``
  1..100, ``offset``), getShopReceipt, createReceiptShipment (form), getListingsByShop (``includes=Inventory``),
  getListingInventory, updateListingInventory (the whole tree replaced; refused when a product's property
  values do not match ``*_on_property``).

Webhooks: Etsy's webhook portal and its signed ORDER_PAID deliveries, see :mod:`.portal`.

Control (``POST /_sandbox/orders``): ``{"create": N}`` adds paid receipts now (announced to the portal's
endpoints unless ``"webhook": false``), ``{"portal": {"add"|"remove": url}}``, ``{"update": [{"receipt_id",
...}]}``, ``{"delete": [id]}``, ``{"raw": [{...}]}`` stores receipts as given, ``{"limits": {"per_second": 10,
"per_day": 10000}}``, ``{"ttl": seconds}``.
"""

from __future__ import annotations

import base64
import hashlib
import random
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ordersync.channels.sdk.sandbox import FaultRule, Sandbox

from . import data
from .conformance import EtsyConformance
from .portal import Portal

APP = "/v3/application"
KEYSTRING, SHARED_SECRET = "sandboxkeystring01", "sandboxsecret"


class EtsySandbox(EtsyConformance, Sandbox):
    system = "etsy"

    def __init__(self, *, seed: int = 1, orders: int = 20, **kit: Any) -> None:
        super().__init__(**kit)
        self.seed, self.count = seed, orders
        self._lock = threading.RLock()
        self.portal = Portal(seed)
        self.reset_data()

    # data ----------------------------------------------------------------------------------------
    def reset_data(self) -> None:
        rng = random.Random(self.seed)
        now = int(time.time())
        with self._lock:
            self.version = 0
            self._order_cache: tuple[tuple[Any, ...], list[dict[str, Any]]] = ((), [])
            self.listings = data.listings()
            self.receipts: dict[int, Any] = {}
            self.next_id = 3_000_000_001
            for _ in range(self.count):
                created = now - rng.randint(3600, 30 * 86400)
                self._add(rng, created, created + rng.randint(0, 3000))
            self.page_cap: int | None = None
            self.per_second, self.per_day, self.ttl = 10, 10_000, 3600.0
            self.second, self.second_calls = 0, 0
            self.day_calls, self.throttled, self.token_refreshes = 0, 0, 0
            self.access: dict[str, float] = {}
            self.refresh: set[str] = {self.initial_refresh}
            self.codes: dict[str, dict[str, str]] = {}

    @property
    def initial_refresh(self) -> str:
        return f"{data.USER_ID}.sandbox-refresh-{self.seed}"

    def _add(self, rng: random.Random, created: int, updated: int) -> int:
        self.version += 1
        rid, self.next_id = self.next_id, self.next_id + 1
        self.receipts[rid] = data.receipt(rid, rng, created, updated, self.listings)
        return rid

    def touch(self, rid: int, when: int | None = None) -> None:
        self.version += 1
        stamp = int(time.time()) if when is None else when
        self.receipts[rid]["update_timestamp"] = self.receipts[rid]["updated_timestamp"] = stamp

    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        rng, now = random.Random(), int(time.time())
        created, updated, deleted, paid = [], [], [], []
        with self._lock:
            self.version += 1
            if "limits" in body:
                self.per_second = int(body["limits"].get("per_second", self.per_second))
                self.per_day = int(body["limits"].get("per_day", self.per_day))
            if "ttl" in body:
                self.ttl = float(body["ttl"])
            for _ in range(int(body.get("create", 0) or 0)):
                created.append(self._add(rng, now, now))
            for raw in body.get("raw", []):
                rid, self.next_id = self.next_id, self.next_id + 1
                self.receipts[rid] = {"receipt_id": rid, "updated_timestamp": now, **raw}
                created.append(rid)
            for change in body.get("update", []):
                rid = change.get("receipt_id")
                if rid not in self.receipts:
                    raise LookupError(f"no receipt {rid!r}")
                was_paid = bool(self.receipts[rid].get("is_paid"))
                self.receipts[rid].update(change)
                if not was_paid and self.receipts[rid].get("is_paid"):
                    paid.append(rid)
                if "updated_timestamp" not in change:
                    self.touch(rid)
                updated.append(rid)
            for rid in body.get("delete", []):
                if self.receipts.pop(rid, None) is None:
                    raise LookupError(f"no receipt {rid!r}")
                deleted.append(rid)
            portal = self.portal.control(body["portal"]) if isinstance(body.get("portal"), dict) else None
        if body.get("webhook", True) is not False:
            self.portal.announce(self, [r for r in created if self.receipts[r].get("is_paid")] + paid)
        result: dict[str, Any] = {"created": created, "updated": updated, "deleted": deleted}
        return result if portal is None else result | {"portal": portal}

    def settings_for(self, base_url: str) -> dict[str, Any]:
        return {
            "client_id": KEYSTRING,
            "shared_secret": SHARED_SECRET,
            "refresh_token": self.initial_refresh,
            "api_url": base_url,
            "consent_url": base_url,
            "webhook_secret": self.portal.secret,
        }

    def fault_response(self, rule: FaultRule) -> tuple[int, dict[str, str], bytes]:
        status = 429 if rule.kind == "rate_limit" else rule.status
        text = b'{"error":"You have exceeded your quota"}' if status == 429 else b'{"error":"Internal Server Error"}'
        return status, {"content-type": "application/json", **self._limit_headers()}, text

    # routes --------------------------------------------------------------------------------------
    def routes(self) -> list[Any]:
        shop, receipt = APP + "/shops/{shop_id}", APP + "/shops/{shop_id}/receipts/{receipt_id}"
        api = self._api
        return [
            Route("/oauth/connect", self.authorize),
            Route("/v3/public/oauth/token", self.token, methods=["POST"]),
            Route(APP + "/users/me", api(self.me)),
            Route(shop, api(self.shop)),
            Route(shop + "/receipts", api(self.receipt_list)),
            Route(receipt, api(self.receipt_one)),
            Route(receipt + "/tracking", api(self.tracking), methods=["POST"]),
            Route(shop + "/listings", api(self.listing_list)),
            Route(APP + "/listings/{listing_id}/inventory", api(self.inventory), methods=["GET", "PUT"]),
        ]

    # OAuth ---------------------------------------------------------------------------------------
    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        if q.get("client_id") != KEYSTRING or q.get("response_type") != "code" or not q.get("redirect_uri"):
            return JSONResponse({"error": "invalid_request", "error_description": "unknown client or no redirect"}, 400)
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return JSONResponse({"error": "invalid_request", "error_description": "PKCE S256 is required"}, 400)
        code = secrets.token_urlsafe(16)
        with self._lock:
            self.codes[code] = {"challenge": q["code_challenge"], "redirect_uri": q["redirect_uri"]}
        return RedirectResponse(
            q["redirect_uri"] + "?" + urlencode({"code": code, "state": q.get("state", "")}), status_code=302
        )

    async def token(self, request: Request) -> Response:
        form = await request.form()
        if form.get("client_id") != KEYSTRING or form.get("client_secret"):
            return JSONResponse(
                {"error": "invalid_client", "error_description": "client_id is the keystring, and no secret is sent"},
                401,
            )
        grant = form.get("grant_type")
        with self._lock:
            if grant == "authorization_code":
                entry = self.codes.pop(str(form.get("code", "")), None)
                verifier = str(form.get("code_verifier", "")).encode()
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
                if (
                    entry is None
                    or entry["redirect_uri"] != form.get("redirect_uri")
                    or entry["challenge"] != challenge
                ):
                    return JSONResponse({"error": "invalid_grant", "error_description": "code or verifier"}, 400)
            elif grant == "refresh_token":
                refresh = str(form.get("refresh_token", ""))
                if refresh not in self.refresh:
                    return JSONResponse({"error": "invalid_grant", "error_description": "refresh token"}, 400)
                self.refresh.discard(refresh)
                self.token_refreshes += 1
            else:
                return JSONResponse({"error": "unsupported_grant_type"}, 400)
            access = f"{data.USER_ID}.{secrets.token_urlsafe(16)}"
            new_refresh = f"{data.USER_ID}.{secrets.token_urlsafe(16)}"
            self.access[access] = time.monotonic() + self.ttl
            self.refresh.add(new_refresh)
        self.ledger.record(f"token.{grant}", method="POST", path="/v3/public/oauth/token")
        return JSONResponse(
            {"access_token": access, "token_type": "Bearer", "expires_in": int(self.ttl), "refresh_token": new_refresh}
        )

    # the API -------------------------------------------------------------------------------------
    def _this_second(self) -> int:
        """Calls so far in the current second: Etsy's header says "this second", read here as the clock's
        second (a fixed window; how Etsy counts exactly is not documented)."""
        second = int(time.time())
        if second != self.second:
            self.second, self.second_calls = second, 0
        return self.second_calls

    def _limit_headers(self) -> dict[str, str]:
        with self._lock:
            return {
                "x-limit-per-second": str(self.per_second),
                "x-remaining-this-second": str(max(0, self.per_second - self._this_second())),
                "x-limit-per-day": str(self.per_day),
                "x-remaining-today": str(max(0, self.per_day - self.day_calls)),
            }

    def _api(self, handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            if request.headers.get("x-api-key") != f"{KEYSTRING}:{SHARED_SECRET}":
                return JSONResponse({"error": "Invalid API key: should be keystring:shared_secret"}, 403)
            token = request.headers.get("authorization", "")[7:]
            with self._lock:
                live = self.access.get(token, 0.0) > time.monotonic()
            if not live:
                return JSONResponse({"error": "invalid_token"}, 401)
            refused = self._spend()
            if refused is not None:
                return refused
            try:
                status, body = handler(request, await request.body())
            except ValueError as exc:
                status, body = 400, {"error": str(exc)}
            except LookupError as exc:
                status, body = 404, {"error": str(exc)}
            return JSONResponse(body, status, headers=self._limit_headers())

        return endpoint

    def _spend(self) -> Response | None:
        with self._lock:
            if self.day_calls >= self.per_day:
                self.throttled += 1
                wait = "3600"
            elif self._this_second() >= self.per_second:
                self.throttled += 1
                wait = "1"
            else:
                self.second_calls += 1
                self.day_calls += 1
                return None
        return JSONResponse(
            {"error": "You have exceeded your quota"}, 429, headers={"retry-after": wait, **self._limit_headers()}
        )

    def _shop_of(self, request: Request) -> None:
        if request.path_params["shop_id"] != str(data.SHOP_ID):
            raise LookupError(f"Shop with shop_id {request.path_params['shop_id']} not found")

    def me(self, request: Request, raw: bytes) -> tuple[int, Any]:
        return 200, {"user_id": data.USER_ID, "shop_id": data.SHOP_ID}

    def shop(self, request: Request, raw: bytes) -> tuple[int, Any]:
        self._shop_of(request)
        return 200, {
            "shop_id": data.SHOP_ID,
            "user_id": data.USER_ID,
            "shop_name": data.SHOP_NAME,
            "currency_code": "EUR",
        }

    def receipt_list(self, request: Request, raw: bytes) -> tuple[int, Any]:
        self._shop_of(request)
        q = request.query_params
        low, high = (_int(q, name, 946684800, 2**40) for name in ("min_last_modified", "max_last_modified"))
        limit, offset = _int(q, "limit", 1, 100) or 25, _int(q, "offset", 0, 10**9) or 0
        if self.page_cap:
            limit = min(limit, self.page_cap)
        sort_on, order = q.get("sort_on", "created"), q.get("sort_order", "desc")
        if sort_on not in ("created", "updated", "receipt_id") or order not in (
            "asc",
            "ascending",
            "desc",
            "descending",
        ):
            raise ValueError("sort_on or sort_order has an unknown value")
        with self._lock:
            hits = [r for r in self._sorted(sort_on, order.startswith("desc")) if _within(r, low, high)]
        page = hits[offset : offset + limit]
        if page and self.faults.take("page_drift", "GET", request.url.path):
            self.touch(page[0]["receipt_id"])  # the buyer changed it just now: it leaves the window
        return 200, {"count": len(hits), "results": page}

    def _sorted(self, sort_on: str, descending: bool) -> list[dict[str, Any]]:
        """The receipts in listing order, sorted again only after a change (a 10,000-receipt backlog is
        listed a hundred times)."""
        stamp = (sort_on, descending, self.version)
        if self._order_cache[0] != stamp:
            key = {"created": "created_timestamp", "updated": "updated_timestamp", "receipt_id": "receipt_id"}[sort_on]
            rows = sorted(
                self.receipts.values(), key=lambda r: (_num(r.get(key)), _num(r.get("receipt_id"))), reverse=descending
            )
            self._order_cache = (stamp, rows)
        return self._order_cache[1]

    def _receipt(self, request: Request) -> dict[str, Any]:
        self._shop_of(request)
        rid = request.path_params["receipt_id"]
        found = self.receipts.get(int(rid)) if rid.isdigit() else None
        if found is None:
            raise LookupError(f"Receipt with receipt_id {rid} not found")
        return found

    def receipt_one(self, request: Request, raw: bytes) -> tuple[int, Any]:
        with self._lock:
            return 200, self._receipt(request)

    def tracking(self, request: Request, raw: bytes) -> tuple[int, Any]:
        from urllib.parse import parse_qs

        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        with self._lock:
            receipt = self._receipt(request)
            code, carrier = form.get("tracking_code", ""), form.get("carrier_name", "")
            if bool(code) != bool(carrier):
                raise ValueError("tracking_code and carrier_name must be sent together")
            receipt["is_shipped"], receipt["status"] = True, "completed"
            if code:
                receipt["shipments"].append(
                    {
                        "receipt_shipping_id": 600_000 + len(receipt["shipments"]) + 1,
                        "shipment_notification_timestamp": int(time.time()),
                        "carrier_name": carrier,
                        "tracking_code": code,
                    }
                )
            self.touch(receipt["receipt_id"])
        self.ledger.record(
            "receipt.shipment", method="POST", path=request.url.path, resource_id=receipt["receipt_id"], body=form
        )
        return 200, receipt

    def listing_list(self, request: Request, raw: bytes) -> tuple[int, Any]:
        self._shop_of(request)
        q = request.query_params
        limit, offset = _int(q, "limit", 1, 100) or 25, _int(q, "offset", 0, 10**9) or 0
        with_inventory = "Inventory" in q.getlist("includes") or "Inventory" in q.get("includes", "").split(",")
        with self._lock:
            rows = [self._listing(lid, with_inventory) for lid in sorted(self.listings)]
        return 200, {"count": len(rows), "results": rows[offset : offset + limit]}

    def _listing(self, lid: int, with_inventory: bool) -> dict[str, Any]:
        item = self.listings[lid]
        live = [o for p in item["inventory"]["products"] for o in p["offerings"]]
        row = {
            "listing_id": lid,
            "user_id": data.USER_ID,
            "shop_id": data.SHOP_ID,
            "title": item["title"],
            "state": "active",
            "quantity": sum(o["quantity"] for o in live),
            "has_variations": bool(item["inventory"]["price_on_property"]),
            "price": data.money(item["price"]),
            "skus": [p["sku"] for p in item["inventory"]["products"]],
        }
        if with_inventory:
            row["inventory"] = item["inventory"]
        return row

    def inventory(self, request: Request, raw: bytes) -> tuple[int, Any]:
        lid = request.path_params["listing_id"]
        with self._lock:
            item = self.listings.get(int(lid)) if lid.isdigit() else None
            if item is None:
                raise LookupError(f"Listing with listing_id {lid} not found")
            if request.method == "GET":
                return 200, item["inventory"]
            tree = _replace(item["inventory"], raw)
            item["inventory"] = tree
        self.ledger.record("listing.inventory", method="PUT", path=request.url.path, resource_id=int(lid), body=tree)
        return 200, tree


def _replace(old: dict[str, Any], raw: bytes) -> dict[str, Any]:
    """The new tree from a PUT body, as Etsy stores it: prices become Money, ids are (re)assigned."""
    import json

    body = json.loads(raw or b"{}")
    products = body.get("products")
    if not isinstance(products, list) or not products:
        raise ValueError("products is required and must not be empty")
    on_property = {
        name: body.get(name, []) for name in ("price_on_property", "quantity_on_property", "sku_on_property")
    }
    by_sku = {p["sku"]: p for p in old["products"]}
    new = []
    for n, product in enumerate(products):
        props = sorted(v["property_id"] for v in product.get("property_values") or [])
        for name, ids in on_property.items():
            if any(i not in props for i in ids):
                raise ValueError(f"products[{n}]: {name} names a property the product has no value for")
        offerings = product.get("offerings") or []
        if not offerings or any(not {"price", "quantity", "is_enabled"} <= set(o) for o in offerings):
            raise ValueError(f"products[{n}].offerings need price, quantity and is_enabled")
        if any(not isinstance(o["quantity"], int) or o["quantity"] < 0 for o in offerings):
            raise ValueError(f"products[{n}]: quantity must be a whole number from 0")
        pid = by_sku.get(product.get("sku"), {}).get("product_id", 9900 + n)
        new.append(
            {
                "product_id": pid,
                "sku": product.get("sku") or "",
                "is_deleted": False,
                "property_values": [
                    {"scale_id": None, "scale_name": None, **v} for v in product.get("property_values") or []
                ],
                "offerings": [
                    {
                        "offering_id": pid * 10 + k,
                        "quantity": o["quantity"],
                        "is_enabled": o["is_enabled"],
                        "is_deleted": False,
                        "price": data.money(round(float(o["price"]) * 100)),
                        **({"readiness_state_id": o["readiness_state_id"]} if "readiness_state_id" in o else {}),
                    }
                    for k, o in enumerate(offerings)
                ],
            }
        )
    return {"products": new, **on_property}


def _int(q: Any, name: str, low: int, high: int) -> int | None:
    raw = q.get(name)
    if raw is None:
        return None
    if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}")
    return int(raw)


def _num(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _within(receipt: Any, low: int | None, high: int | None) -> bool:
    stamp = receipt.get("updated_timestamp") if isinstance(receipt, dict) else None
    if not isinstance(stamp, int):
        return True  # a damaged receipt is listed, as a real API would list it
    return (low is None or stamp >= low) and (high is None or stamp <= high)
