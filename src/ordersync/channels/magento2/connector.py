"""Magento 2 / Adobe Commerce: orders and products in by polling; status, shipments with tracking, stock and
buyer messages out, over the admin REST API (see client.py for auth and paging, mapping.py for the order).

Listing: ``GET /V1/orders`` with two filter groups (AND) ``updated_at gteq since`` and ``updated_at lteq
until`` (second precision, UTC, no zone, as Magento stores it), sorted by ``entity_id`` ascending so page
boundaries stay put while orders change; ``total_count`` is the window's size for the window-shift rule. Once
the first page has told it, up to ``concurrency`` pages are in flight (a setting), still handed to the engine
in order, each with its own count.

Pushes check the shop before writing (invariant 3) and never repeat a write blindly after a 5xx:

* status: an action per hub state (statuses.py): by default "Cancelled" → ``POST /V1/orders/{id}/cancel``
  (``false`` = Magento refuses, e.g. fully invoiced) and "Paid" → ``POST /V1/order/{id}/invoice`` (offline,
  no capture); ``hold``/``unhold`` on request. Magento can neither cancel nor invoice a held order, so a held
  order is released first. The shop moves to complete by itself once everything is invoiced and shipped;
* tracking: ``POST /V1/order/{id}/ship`` with ``items [{order_item_id, qty}]`` (the lines of the hub's
  shipment; none = whatever is still open) and ``tracks [{track_number, title, carrier_code}]``, notify on;
  one shipment per parcel, several per order; a tracking number the order's shipments (``GET
  /V1/shipments``) already carry is not sent again. When nothing is left to ship (the shop shipped it
  itself) the number is added to the latest shipment with ``POST /V1/shipment/track``;
* messages: ``POST /V1/orders/{id}/comments`` with ``is_customer_notified`` 1, which makes Magento e-mail the
  comment to the buyer [Magento's Sales ``OrderService::addComment`` hands ``is_customer_notified`` to the
  order comment sender in current 2.4 code; early 2.x releases only stored the flag; not in the schema]. The
  order's current ``status`` goes along, since adding a history entry sets the order's status to the
  entry's. A comment with the same text is not added again;
* stock: MSI source items or legacy stock items, see stock.py.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from ...domain import OrderState, Shipment, StockUpdate
from ..sdk.capabilities import Capability, Mode, declare
from ..sdk.connector import Connector, ConnectorContext
from ..sdk.errors import AuthError, NotFoundError, PermanentError, TransientError
from ..sdk.idempotency import checked_write
from ..sdk.reconcile_reads import ReconcileReads
from ..sdk.records import ArticlePage, ConnectionTestResult, OrderPage, OrderRef, Page, PushResult, Window
from ..sdk.settings import SettingsError
from . import stock
from .articles import articles_from_magento2
from .client import MagentoClient
from .mapping import orders_from_magento2
from .setup import GUIDE, SETTINGS
from .statuses import DONE_IN, RESULT, status_actions

CHECK_ATTEMPTS = 3
CARRIERS = {"dhl": "dhl", "ups": "ups", "fedex": "fedex", "usps": "usps"}  # Magento's built-in carrier codes


def magento_time(value: datetime) -> str:
    """Magento's own format: UTC, to the second, no zone."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def window_groups(window: Window) -> list[list[tuple[str, str, str]]]:
    """(since, until] as two AND-ed filter groups. Magento counts whole seconds, so ``since`` is cut to its
    second (an order of that second is read again, which changes nothing) and ``until`` too (an order
    saved later in that second has a later stored second... or the same one, and then it is in both)."""
    groups = [[("updated_at", magento_time(window.until), "lteq")]]
    if window.since is not None:
        groups.insert(0, [("updated_at", magento_time(window.since), "gteq")])
    return groups


def _order_id(ref: OrderRef) -> str:
    text = ref.external_id.strip()
    if not text.isdigit():
        raise NotFoundError(f"{ref.external_id!r} is not a Magento order id")
    return text


def carrier_code(carrier: str) -> str:
    key = carrier.strip().lower().replace(" ", "")
    return next((code for name, code in CARRIERS.items() if key.startswith(name)), "custom")


class Magento2Connector(Connector):
    system = "magento2"
    display_name = "Magento 2 / Adobe Commerce"
    group = "shop"
    capabilities = (
        declare(Capability.IMPORT_ORDERS, Mode.POLL, note="REST order list by modification time"),
        declare(Capability.IMPORT_ARTICLES, Mode.POLL, note="simple and virtual products by SKU"),
        declare(Capability.CHANGE_STATUS, Mode.API, note="cancel, invoice, hold and unhold (configurable)"),
        declare(
            Capability.TRANSMIT_TRACKING,
            Mode.API,
            item_level=True,
            note="a Magento shipment per parcel, with its lines and tracking number",
        ),
        declare(Capability.SEND_MESSAGES, Mode.API, note="as an order comment that Magento e-mails to the buyer"),
        declare(Capability.SET_STOCK, Mode.API, note="Multi-Source Inventory or classic stock items (detected)"),
    )
    settings_schema = SETTINGS
    guide = GUIDE
    sandbox_factory = "ordersync.channels.magento2.sandbox:create_sandbox"
    reconcile_reads = ReconcileReads(orders=True, stock=True, listings=True)

    def __init__(self, settings: Mapping[str, Any], context: ConnectorContext | None = None) -> None:
        super().__init__(settings, context)
        self.config = cfg = SETTINGS.parse(self.settings)
        if not 1 <= cfg["page_size"] <= 300:
            raise SettingsError(f"setting 'page_size': {cfg['page_size']} is not between 1 and 300")
        if cfg["auth"] == "oauth1":
            for name in ("consumer_key", "consumer_secret", "access_token_secret"):
                if not cfg[name]:
                    raise SettingsError(f"setting {name!r} is required for OAuth 1.0a signatures (auth oauth1)")
        if cfg["concurrency"] < 1:
            raise SettingsError(f"setting 'concurrency': {cfg['concurrency']} is not a number of requests from 1")
        if not cfg["store_code"].replace("_", "").isalnum():
            raise SettingsError(f"setting 'store_code': {cfg['store_code']!r} is not a Magento store code")
        self.actions = status_actions(cfg["status_actions"])
        self._client: MagentoClient | None = None
        self._stock_mode: str | None = None if cfg["stock_mode"] == "auto" else cfg["stock_mode"]
        self._sleep: Callable[[float], None] = time.sleep

    @property
    def client(self) -> MagentoClient:
        if self._client is None:
            cfg = self.config
            self._client = MagentoClient(
                cfg["base_url"],
                auth=cfg["auth"],
                consumer_key=cfg["consumer_key"],
                consumer_secret=cfg["consumer_secret"],
                access_token=cfg["access_token"],
                access_token_secret=cfg["access_token_secret"],
                store_code=cfg["store_code"],
                timeout=cfg["timeout"],
                connection_key=str(self.context.connection_id or ""),
                verify_tls=cfg["verify_tls"],
                ca_pem=cfg["ca_bundle"],
                concurrency=cfg["concurrency"],
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    # lifecycle -----------------------------------------------------------------------------------
    def test_connection(self) -> ConnectionTestResult:
        url, auth = self.config["base_url"], self.config["auth"]
        quick = dataclasses.replace(self.client.http.retry, max_attempts=2)  # a person is waiting
        try:
            data = self.client.get("/orders", {"searchCriteria[pageSize]": "1"}, retry=quick)
        except AuthError as exc:
            advice = (
                "Check the access token; if it is right, the shop does not allow integration tokens as "
                "bearer tokens: choose oauth1 and enter all four credentials."
                if auth == "bearer"
                else "Check the four integration credentials, that the integration is active and that it may "
                "use Sales → Operations → Orders."
            )
            return ConnectionTestResult(False, f"Magento did not accept the credentials ({exc}). {advice}")
        except NotFoundError:
            return ConnectionTestResult(
                False,
                f"No Magento REST API at {url}/rest/{self.config['store_code']}/V1. "
                "Check the shop address and the store code.",
            )
        except TransientError as exc:
            return ConnectionTestResult(
                False,
                f"The shop at {url} could not be reached or did not answer with "
                f"its REST API ({exc}). Check the address.",
            )
        except PermanentError as exc:
            return ConnectionTestResult(False, f"Magento refused the request: {exc}")
        return ConnectionTestResult(
            True, "Connected to Magento.", {"auth": auth, "orders": str(data.get("total_count", ""))}
        )

    # import --------------------------------------------------------------------------------------
    def fetch_orders(self, window: Window) -> Iterator[OrderPage]:
        size = self.config["page_size"]
        pages = self.client.search(
            "/orders", window_groups(window), [("entity_id", "ASC")], size, concurrency=self.config["concurrency"]
        )
        for records, total, number in pages:
            orders, quarantined = orders_from_magento2(records)
            yield Page(orders, quarantined, number, max(1, math.ceil(total / size)), total)

    def fetch_order(self, ref: OrderRef) -> OrderPage:
        orders, quarantined = orders_from_magento2([self.client.order(_order_id(ref))])
        return Page(orders, quarantined, 1, 1, 1)

    def fetch_articles(self, window: Window) -> Iterator[ArticlePage]:
        size = self.config["page_size"]
        groups = [*window_groups(window), [("type_id", "simple,virtual", "in")]]
        for records, total, number in self.client.search("/products", groups, [("entity_id", "ASC")], size):
            articles, quarantined = articles_from_magento2(records)
            shown = stock.read(self.client, self._mode(), self.config["source_code"], [a.sku for a in articles])
            for article in articles:
                article.stock = shown.get(article.sku)
                article.manages_stock = article.stock is not None
            yield Page(articles, quarantined, number, max(1, math.ceil(total / size)), total)

    # push ----------------------------------------------------------------------------------------
    def _checked(self, done: Callable[[], bool], write: Callable[[], Any]) -> bool:
        """Write unless ``done()`` (see ``sdk.idempotency``). True = the shop already showed the effect."""
        return checked_write(
            done, write, attempts=CHECK_ATTEMPTS, pause=lambda n: self._sleep(self.client.http.retry.backoff(n))
        )

    def channel_status_for(self, state: OrderState) -> str | None:
        return RESULT.get(self.actions.get(state, ""))

    def push_state(self, ref: OrderRef, state: OrderState, comment: str = "") -> PushResult:
        oid = _order_id(ref)
        action = self.actions.get(state)
        if action is None:
            return PushResult(
                ok=True, detail=f"state {state.name_en!r} is not pushed to Magento (status_actions); nothing sent"
            )
        seen: dict[str, Any] = {}

        def done() -> bool:
            seen["order"] = order = self.client.order(oid)
            if action == "invoice":
                return _amount(order.get("total_invoiced")) >= _amount(order.get("grand_total")) > 0
            if action == "unhold":
                return order.get("state") != "holded"
            return order.get("state") in DONE_IN[action]

        def write() -> None:
            held = seen["order"].get("state") == "holded"
            if action == "hold" or action == "unhold":
                self.client.send("POST", f"/orders/{oid}/{action}")
                return
            if held:  # Magento neither cancels nor invoices a held order
                self.client.send("POST", f"/orders/{oid}/unhold")
            if action == "cancel":
                if self.client.send("POST", f"/orders/{oid}/cancel") is not True:
                    raise PermanentError(
                        f"Magento refused to cancel order {oid} (state "
                        f"{seen['order'].get('state')}): an invoiced or shipped order needs a "
                        "credit memo in the admin"
                    )
            else:
                self.client.send("POST", f"/order/{oid}/invoice", {"capture": False, "notify": False})

        already = self._checked(done, write)
        if comment:
            self._comment(oid, comment, notify=False)
        return PushResult(ok=True, already_done=already, remote_id=oid, detail=f"Magento action {action}")

    def push_tracking(self, ref: OrderRef, shipment: Shipment) -> PushResult:
        oid, number = _order_id(ref), shipment.tracking_number.strip()
        if not number:
            return PushResult(ok=False, detail="no tracking number to transmit")
        track = {
            "track_number": number,
            "title": shipment.carrier.strip() or "Carrier",
            "carrier_code": carrier_code(shipment.carrier),
        }
        seen: dict[str, Any] = {}

        def done() -> bool:
            seen["shipments"] = shipments = self.client.shipments(oid)
            return any(t.get("track_number") == number for s in shipments for t in s.get("tracks") or [])

        def write() -> None:
            order = self.client.order(oid)
            items = [
                {"order_item_id": int(line.item_external_id), "qty": float(line.quantity)}
                for line in shipment.lines
                if line.item_external_id.isdigit()
            ]
            if len(items) != len(shipment.lines):
                raise PermanentError("a shipment line names an item that is not a Magento order item id")
            if not items and not _open_to_ship(order) and seen["shipments"]:
                last = seen["shipments"][-1]
                self.client.send(
                    "POST",
                    "/shipment/track",
                    {
                        "entity": {
                            "order_id": int(oid),
                            "parent_id": last["entity_id"],
                            "weight": 0,
                            "qty": 0,
                            "description": "",
                            **track,
                        }
                    },
                )
                return
            self.client.send("POST", f"/order/{oid}/ship", {"items": items, "notify": True, "tracks": [track]})

        already = self._checked(done, write)
        return PushResult(ok=True, already_done=already, remote_id=oid, detail=f"tracking {number}")

    def send_message(self, ref: OrderRef, subject: str, text: str) -> PushResult:
        oid = _order_id(ref)
        note = f"{subject}\n\n{text}" if subject.strip() else text
        already = self._comment(oid, note, notify=True)
        return PushResult(ok=True, already_done=already, remote_id=oid, detail="order comment to the buyer")

    def _comment(self, oid: str, text: str, *, notify: bool) -> bool:
        seen: dict[str, Any] = {}

        def done() -> bool:
            return any((c.get("comment") or "").strip() == text.strip() for c in self.client.comments(oid))

        def write() -> None:
            seen.setdefault("status", self.client.order(oid).get("status"))
            entry = {
                "comment": text,
                "is_customer_notified": int(notify),
                "is_visible_on_front": int(notify),
                "parent_id": int(oid),
            }
            if seen["status"]:
                entry["status"] = seen["status"]  # without it Magento may blank the order's status
            self.client.send("POST", f"/orders/{oid}/comments", {"statusHistory": entry})

        return self._checked(done, write)

    def _mode(self) -> str:
        if self._stock_mode is None:
            self._stock_mode = stock.detect(self.client)
        return self._stock_mode

    def push_stock(self, updates: list[StockUpdate]) -> list[Any]:
        return stock.push(self.client, self._mode(), self.config["source_code"], updates)


def _amount(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def _open_to_ship(order: dict[str, Any]) -> bool:
    items = order.get("items") or []
    return any(
        _amount(i.get("qty_ordered")) - _amount(i.get("qty_shipped")) - _amount(i.get("qty_canceled")) > 0
        for i in items
        if isinstance(i, dict) and not i.get("parent_item_id") and not i.get("is_virtual")
    )
