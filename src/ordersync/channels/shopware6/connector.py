"""Shopware 6: orders and products in by polling (and app webhooks), states, tracking and stock out.

Auth is an integration's access key (client-credentials grant on ``{base_url}/api/oauth/token``), declared
as ``oauth``: the SDK fetches the token, renews it before it expires and once after a 401; a 401 of the
token endpoint means the key was deleted, and the connection is marked for re-authorisation.

Listing: ``POST /api/search/order`` with the window filter of ``criteria.py``, sorted by id, page/limit,
``total-count-mode: exact`` so every page reports the window's size (the engine's window-shift rule). Once
the first page has told the size, up to ``concurrency`` pages are in flight (a setting), still handed to the
engine in order, each with its own count.

Pushes check the shop first (invariant 3). A status is a target state of one of the three state
machines (``states.py``); the connector reads the current state and walks the transitions to it, one at
a time, reading again after a failure whose effect is unknown. Shopware's 400
``SYSTEM__ILLEGAL_STATE_TRANSITION`` is a permanent error naming the states, never retried. Tracking adds
the number to the primary delivery's ``trackingCodes`` (PATCH of the whole list) and moves the delivery to
``shipped``, or with ``ship_partially`` to ``shipped_partially`` for a shipment of some lines (Shopware's
delivery state says "partly shipped" but records no quantities per line; the shipment that completes the
order arrives as the status push Shipped: ``ship`` from ``shipped_partially``). Stock is an upsert of ``{id, stock}`` through ``/api/_action/sync``; ids come from searching
the products by ``productNumber`` (the SKU; variants have their own product number and id).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from ...domain import Article, OrderState, Shipment, StockUpdate
from ...domain.timeutil import parse_utc
from ..sdk.capabilities import Capability, Mode, declare
from ..sdk.connector import Connector, ConnectorContext
from ..sdk.errors import AuthError, ChannelError, NotFoundError, PermanentError, RecordError, TransientError
from ..sdk.oauth2 import ClientAuth, Grant, OAuth2
from ..sdk.reconcile_reads import ReconcileReads
from ..sdk.records import ArticlePage, ConnectionTestResult, OrderPage, OrderRef, Page, PushResult, WebhookMeta, Window
from ..sdk.settings import SettingsError
from ..sdk.webhook_reconcile import RemoteHook, WebhookHealth, reconcile
from . import criteria, webhooks
from .client import SYNC_CHUNK, Shopware6Client
from .mapping import orders_from_shopware6, primary, quarantine, state_name
from .setup import GUIDE, SETTINGS
from .states import StateMap, Target, path

ILLEGAL = "SYSTEM__ILLEGAL_STATE_TRANSITION"
CHECK_ATTEMPTS = 3
HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def shopware_error(exc: ChannelError) -> tuple[str, str]:
    """The first ``code`` and ``detail`` of Shopware's error body ``{"errors": [...]}``."""
    try:
        first = (json.loads(exc.body or "{}").get("errors") or [{}])[0]
    except (ValueError, AttributeError, IndexError):
        return "", ""
    return str(first.get("code") or ""), str(first.get("detail") or "")


def _id(value: str, what: str = "order") -> str:
    text = str(value).strip().lower()
    if not HEX_ID.match(text):
        raise NotFoundError(f"{value!r} is not a Shopware {what} id (32 hex digits)")
    return text


class Shopware6Connector(Connector):
    system = "shopware6"
    display_name = "Shopware 6"
    group = "shop"
    capabilities = (
        declare(
            Capability.IMPORT_ORDERS,
            Mode.POLL,
            Mode.WEBHOOK,
            note="Admin API order search by modification time; app webhooks",
        ),
        declare(Capability.IMPORT_ARTICLES, Mode.POLL),
        declare(Capability.CHANGE_STATUS, Mode.API, note="order, delivery and payment state machines"),
        declare(
            Capability.TRANSMIT_TRACKING,
            Mode.API,
            item_level=True,
            note="delivery tracking codes; ship, or ship_partially for a part (Shopware keeps no line quantities)",
        ),
        declare(Capability.SET_STOCK, Mode.API, note="bulk through the sync API, variants by product number"),
    )
    settings_schema = SETTINGS
    guide = GUIDE
    sandbox_factory = "ordersync.channels.shopware6.sandbox:create_sandbox"
    reconcile_reads = ReconcileReads(orders=True, stock=True, listings=True)
    adjusts_own_stock = True  # Shopware lowers stock when an order is placed
    oauth = OAuth2(
        token_url="{base_url}/api/oauth/token",
        grants=(Grant.CLIENT_CREDENTIALS,),
        client_auth=ClientAuth.BODY,
        # Shopware answers a deleted or wrong key with 401 in its own error body (no "error" key)
        revoked_errors=((401, ""), (401, "invalid_client"), (400, "invalid_client")),
    )

    def __init__(self, settings: Mapping[str, Any], context: ConnectorContext | None = None) -> None:
        super().__init__(settings, context)
        self.config = cfg = SETTINGS.parse(self.settings)
        if not 1 <= cfg["page_size"] <= 500:
            raise SettingsError(f"setting 'page_size': {cfg['page_size']} is not between 1 and 500")
        if cfg["concurrency"] < 1:
            raise SettingsError(f"setting 'concurrency': {cfg['concurrency']} is not a number of requests from 1")
        self.states = StateMap.from_settings(cfg["status_map_import"], cfg["status_map_export"])
        self._client: Shopware6Client | None = None
        self._sleep: Callable[[float], None] = time.sleep

    @property
    def client(self) -> Shopware6Client:
        if self._client is None:
            cfg = self.config
            self._client = Shopware6Client(
                cfg["base_url"],
                self.oauth_auth(),
                timeout=cfg["timeout"],
                verify_tls=cfg["verify_tls"],
                ca_pem=cfg["ca_bundle"],
                connection_key=str(self.context.connection_id or ""),
                concurrency=cfg["concurrency"],
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    # lifecycle -----------------------------------------------------------------------------------
    def test_connection(self) -> ConnectionTestResult:
        url = self.config["base_url"]
        try:
            quick = dataclasses.replace(self.client.http.retry, max_attempts=2)  # a person is waiting
            data = self.client.search("order", {"limit": 1, "total-count-mode": "exact"}, retry=quick)
        except AuthError as exc:
            return ConnectionTestResult(
                False,
                f"Shopware did not accept the access key ({exc}). Check the access "
                "key ID and secret, and that the integration's role may view orders.",
            )
        except NotFoundError:
            return ConnectionTestResult(False, f"No Shopware 6 Admin API found at {url}/api. Check the address.")
        except TransientError as exc:
            return ConnectionTestResult(False, f"The shop at {url} could not be reached ({exc}). Check the address.")
        except PermanentError as exc:
            return ConnectionTestResult(False, f"Shopware refused the request: {exc}")
        return ConnectionTestResult(True, "Connected to Shopware 6.", {"orders": str(data.get("total", ""))})

    # import --------------------------------------------------------------------------------------
    def fetch_orders(self, window: Window) -> Iterator[OrderPage]:
        size = self.config["page_size"]
        pages = self.client.pages("order", criteria.orders_in(window), size, concurrency=self.config["concurrency"])
        for records, total, number in pages:
            orders, quarantined = orders_from_shopware6(records, self.states)
            yield Page(orders, quarantined, number, max(1, -(-total // size)), total)

    def fetch_order(self, ref: OrderRef) -> OrderPage:
        data = self.client.search("order", criteria.order_by_id(_id(ref.external_id), criteria.ORDER_ASSOCIATIONS))
        if not data["data"]:
            raise NotFoundError(f"Shopware has no order {ref.external_id}")
        orders, quarantined = orders_from_shopware6(data["data"], self.states)
        return Page(orders, quarantined, 1, 1, 1)

    def fetch_articles(self, window: Window) -> Iterator[ArticlePage]:
        """Every product and variant as an article of its own: a variant has its own product number and id
        in Shopware, and its own stock."""
        size = self.config["page_size"]
        for records, total, number in self.client.pages("product", criteria.products_in(window), size):
            page: ArticlePage = Page(number=number, total_pages=max(1, -(-total // size)), window_total=total)
            for raw in records:
                try:
                    page.records.append(_article(raw))
                except RecordError as exc:
                    page.quarantined.append(quarantine(raw, exc))
            yield page

    # webhooks ------------------------------------------------------------------------------------
    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookMeta:
        return webhooks.verify(self.config["shop_secret"], headers, body)

    def parse_webhook(self, meta: WebhookMeta, body: bytes) -> OrderPage:
        ids = [i for i in webhooks.order_ids(webhooks.body_of(body)) if HEX_ID.match(i)]
        if not ids:
            return Page()
        data = self.client.search("order", {"ids": ids, "associations": criteria.ORDER_ASSOCIATIONS, "limit": len(ids)})
        orders, quarantined = orders_from_shopware6(data["data"], self.states)
        return Page(orders, quarantined, 1, 1, len(orders) + len(quarantined))

    def _our_webhooks(self) -> dict[str, dict[str, Any]]:
        """The shop's webhooks named as ours, by event; Shopware keeps webhook names unique."""
        names = [f"ordersync {event}" for event in webhooks.EVENTS]
        found = self.client.search(
            "webhook", {"filter": [{"type": "equalsAny", "field": "name", "value": names}], "limit": len(names)}
        )["data"]
        return {str(h.get("eventName")): h for h in found if isinstance(h, dict) and h.get("id")}

    def register_webhooks(self) -> None:
        """Webhooks of the app (setting ``app_id``; Shopware signs only an app's webhooks, with the app's
        shop secret) pointing at the hub. One that exists already (by its name) is pointed at the hub's current
        address and activated, so a second call changes nothing."""
        url = self.context.webhook_url
        present = self._our_webhooks()
        ids = {}
        for event in webhooks.EVENTS:
            hook = present.get(event)
            if hook is not None:
                if hook.get("url") != url or hook.get("active") is False:
                    self.client.update_webhook(str(hook["id"]), {"url": url, "active": True})
                ids[event] = str(hook["id"])
                continue
            body = {
                "id": hashlib.md5(f"{url}|{event}".encode()).hexdigest(),
                "name": f"ordersync {event}",
                "eventName": event,
                "url": url,
            }
            if self.config["app_id"]:
                body["appId"] = self.config["app_id"]
            self.client.register_webhook(body)
            ids[event] = body["id"]
        self.context.state["webhooks"] = ids

    def unregister_webhooks(self) -> None:
        for hook in self._our_webhooks().values():
            self.client.delete_webhook(str(hook["id"]))
        self.context.state.pop("webhooks", None)

    def check_webhooks(self, repair: bool = True) -> WebhookHealth:
        """Our hooks (ids in the state) as the shop lists them; Shopware switches a webhook off after failed
        deliveries [unverified count]: it is re-activated, a deleted one re-created where it pointed."""
        listed = [
            RemoteHook(str(h["id"]), event, str(h.get("url") or ""), h.get("active") is not False)
            for event, h in self._our_webhooks().items()
        ]

        def create(event: str, url: str) -> str:
            body = {
                "id": hashlib.md5(f"{url}|{event}|{time.time()}".encode()).hexdigest(),
                "name": f"ordersync {event}",
                "eventName": event,
                "url": url,
            }
            if self.config["app_id"]:
                body["appId"] = self.config["app_id"]
            self.client.register_webhook(body)
            return body["id"]

        url = next((h.url for h in listed if h.url), self.context.webhook_url)
        health = reconcile(
            listed,
            dict(self.context.state.get("webhooks") or {}),
            url,
            reactivate=(lambda h: self.client.update_webhook(h.id, {"active": True})) if repair else None,
            create=create if repair else None,
        )
        self.context.state["webhooks"] = dict(health.ids)
        return health

    # push ----------------------------------------------------------------------------------------
    def channel_status_for(self, state: OrderState) -> str | None:
        target = self.states.target_for(state)
        return target.state if target else None

    def _read(self, order_id: str) -> dict[str, Any]:
        data = self.client.search("order", criteria.order_by_id(_id(order_id), criteria.STATE_ASSOCIATIONS))
        if not data["data"] or not isinstance(data["data"][0], dict):
            raise NotFoundError(f"Shopware has no order {order_id}")
        return data["data"][0]

    @staticmethod
    def _carrier(order: dict[str, Any], entity: str) -> dict[str, Any]:
        """The record whose state machine ``entity`` is: the order, its primary delivery or transaction."""
        if entity == "order":
            return order
        record = (
            primary(order, "deliveries", "primaryOrderDeliveryId")
            if entity == "order_delivery"
            else primary(order, "transactions", "primaryOrderTransactionId")
        )
        if record is None:
            raise PermanentError(
                f"the Shopware order {order.get('orderNumber') or order.get('id')} has no "
                f"{'delivery' if entity == 'order_delivery' else 'payment transaction'}"
            )
        return record

    def _move(self, order_id: str, target: Target) -> bool:
        """Walk the state machine to ``target``; True if the shop showed it before we moved anything."""
        failures, moved = 0, False
        for _ in range(12):
            record = self._carrier(self._read(order_id), target.entity)
            current = state_name(record)
            if current == target.state:
                return not moved
            steps = path(target.entity, current, target.state)
            if not steps:
                raise PermanentError(
                    f"Shopware offers no way from the {target.entity} state {current!r} to "
                    f"{target.state!r}; change it in the Shopware administration"
                )
            transition = steps[0][0]
            try:
                self.client.transition(target.entity, str(record["id"]), transition)
                moved = True
            except TransientError:  # the transition may have happened: read again before the next try
                failures += 1
                moved = True
                if failures >= CHECK_ATTEMPTS:
                    raise
                self._sleep(self.client.http.retry.backoff(failures))
            except PermanentError as exc:
                code, detail = shopware_error(exc)
                if code != ILLEGAL or isinstance(exc, AuthError):
                    raise
                if state_name(self._carrier(self._read(order_id), target.entity)) == target.state:
                    return False
                raise PermanentError(
                    f"Shopware refused the {target.entity} transition {transition!r} from "
                    f"{current!r} ({ILLEGAL}): {detail}",
                    status=exc.status,
                    body=exc.body,
                ) from None
        raise TransientError(f"the {target.entity} did not reach {target.state!r}; it keeps changing")

    def push_state(self, ref: OrderRef, state: OrderState, comment: str = "") -> PushResult:
        target = self.states.target_for(state)
        if target is None:
            return PushResult(
                ok=True, detail=f"state {state.name_en!r} is not pushed to Shopware (status_map_export); nothing sent"
            )
        already = self._move(ref.external_id, target)
        return PushResult(
            ok=True, already_done=already, remote_id=ref.external_id, detail=f"{target.entity} {target.state}"
        )

    def push_tracking(self, ref: OrderRef, shipment: Shipment) -> PushResult:
        number = shipment.tracking_number.strip()
        if not number:
            return PushResult(ok=False, detail="no tracking number to transmit")
        delivery = self._carrier(self._read(ref.external_id), "order_delivery")
        codes = [str(c) for c in delivery.get("trackingCodes") or []]
        had_code = number in codes
        if not had_code:
            self.client.patch_delivery(str(delivery["id"]), {"trackingCodes": [*codes, number]})
        if shipment.lines and state_name(delivery) in ("shipped_partially", "shipped"):
            shipped = True  # a further part of a delivery already (partly) shipped: its state stays
        else:
            target = "shipped_partially" if shipment.lines else "shipped"
            shipped = self._move(ref.external_id, Target("order_delivery", target))
        return PushResult(
            ok=True,
            already_done=had_code and shipped,
            remote_id=str(delivery["id"]),
            detail=f"tracking {number}" + (" (part of the delivery)" if shipment.lines else ""),
        )

    def push_stock(self, updates: list[StockUpdate]) -> list[PushResult]:
        """One search for the products (by product number, else by id), then upserts of absolute stock in
        chunks; an update whose product Shopware does not know fails alone, a failed call fails its chunk."""
        numbers = sorted({u.sku for u in updates if u.sku})
        ids = sorted(
            {t for u in updates if (t := (u.variant_external_id or u.product_external_id).lower()) and HEX_ID.match(t)}
        )
        found = (
            self.client.search("product", criteria.products_by_number(numbers, ids))["data"] if numbers or ids else []
        )
        by_number = {p.get("productNumber"): p["id"] for p in found if isinstance(p, dict) and p.get("id")}
        known = {p["id"] for p in found if isinstance(p, dict) and p.get("id")}
        targets: dict[int, str] = {}
        results: dict[int, PushResult | ChannelError] = {}
        for n, u in enumerate(updates):
            target = by_number.get(u.sku) or (u.variant_external_id or u.product_external_id).lower()
            if target in known:
                targets[n] = target
            else:
                results[n] = PushResult(ok=False, remote_id=target, detail=f"Shopware has no product {u.sku or target}")
        latest = {targets[n]: updates[n].quantity for n in sorted(targets)}
        payload: list[dict[str, Any]] = [{"id": pid, "stock": int(qty)} for pid, qty in latest.items()]
        failed: dict[str, ChannelError] = {}
        for start in range(0, len(payload), SYNC_CHUNK):
            chunk = payload[start : start + SYNC_CHUNK]
            try:
                self.client.sync([{"action": "upsert", "entity": "product", "payload": chunk}])
            except ChannelError as exc:
                failed.update({item["id"]: exc for item in chunk})
        for n, pid in targets.items():
            results[n] = failed.get(pid) or PushResult(ok=True, remote_id=pid, detail=f"stock {latest[pid]}")
        return [results[n] for n in range(len(updates))]  # type: ignore[misc]


def _article(raw: Any) -> Article:
    if not isinstance(raw, dict) or not raw.get("id"):
        raise RecordError("the record is not a product with an id", hint="Open the product in Shopware.")
    stock = raw.get("stock")
    if stock is not None and (not isinstance(stock, int) or isinstance(stock, bool)):
        raise RecordError(f"stock {stock!r} is not a whole number", hint="Check the product's stock in Shopware.")
    updated = raw.get("updatedAt") or raw.get("createdAt")
    try:
        when = parse_utc(str(updated)) if updated else None
    except ValueError as exc:
        raise RecordError(str(exc), hint="Open the product in Shopware.") from None
    return Article(
        external_id=str(raw["id"]),
        title=str(raw.get("name") or raw.get("productNumber") or ""),
        sku=str(raw.get("productNumber") or ""),
        stock=Decimal(stock) if stock is not None else None,
        manages_stock=stock is not None,
        updated_at=when,
    )
