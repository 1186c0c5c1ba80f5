"""PrestaShop: orders and articles in by polling the webservice; status, tracking, messages and stock out.

Import: ``GET /api/orders?display=full&date=1&filter[date_upd]=[from,to]&sort=[id_ASC]&limit=offset,count``
[docs]. The interval includes both ends and the dates have whole seconds in the shop's time zone, so the
window (since, until] becomes [since + 1 s, until] cut to the second, written in the shop's zone (the
engine's safety lag keeps ``until`` in the past; where summer time ends inside the window, see
``window_filter``). Paging, concurrent pages and the window-shift rule: see ``client``. For each
page the addresses, customers (and once the currencies, countries and order states) are read with one
``filter[id]=[a|b|…]`` call per resource; with the ``concurrency`` setting above 1 these reads and the mapping run
for several pages at a time as well, the pages still handed on in order.

Pushes check the shop first, so a retried push never doubles: a status is a new order_history (the order's
``current_state`` is compared first) [docs], with ``?sendemail=1`` when the buyer is to get the state's e-mail
(PrestaShop PR #376, issue #25639); tracking is the ``tracking_number`` of the order's first
order_carrier, written by a PUT of the whole order_carrier (PUT replaces) [docs]; a message is a
customer_message in the order's customer_thread, made if missing [docs]. [unverified]: whether setting the
tracking number through the webservice mails the buyer (the back office's button does); a customer_message
made through the webservice is not e-mailed by PrestaShop; the buyer sees it (``private`` 0) with the order
in the shop account. Messages and history entries are written as the employee ``employee_id``: a message
with ``id_employee`` 0 is one the customer wrote. Stock: see
``stock``.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...domain import OrderState, Shipment, StockUpdate
from ..sdk.capabilities import Capability, Mode, declare
from ..sdk.concurrency import in_order
from ..sdk.connector import Connector, ConnectorContext
from ..sdk.errors import AuthError, NotFoundError, PermanentError, TransientError
from ..sdk.idempotency import checked_write
from ..sdk.reconcile_reads import ReconcileReads
from ..sdk.records import ArticlePage, ConnectionTestResult, OrderPage, OrderRef, Page, PushResult, Window
from ..sdk.settings import SettingsError
from .client import PrestashopClient, pid
from .mapping import Lookups, ids_of, orders_from_prestashop
from .mapping import text as value_of
from .setup import GUIDE, SETTINGS
from .states import StateMap
from .stock import article_pages, push_stock

CHECK_ATTEMPTS = 3
EPOCH = datetime(1971, 1, 1, tzinfo=UTC)


class PrestashopConnector(Connector):
    system = "prestashop"
    display_name = "PrestaShop"
    group = "shop"
    capabilities = (
        declare(Capability.IMPORT_ORDERS, Mode.POLL, note="webservice order list by date_upd"),
        declare(Capability.CHANGE_STATUS, Mode.API, note="as a new order history entry"),
        declare(Capability.TRANSMIT_TRACKING, Mode.API, note="tracking number of the order carrier"),
        declare(Capability.SEND_MESSAGES, Mode.API, note="as a message in the order's customer thread"),
        declare(Capability.IMPORT_ARTICLES, Mode.POLL),
        declare(Capability.SET_STOCK, Mode.API, note="stock_availables per product and combination"),
    )
    settings_schema = SETTINGS
    guide = GUIDE
    sandbox_factory = "ordersync.channels.prestashop.sandbox:create_sandbox"
    reconcile_reads = ReconcileReads(orders=True)  # stock and listings are not compared yet

    def __init__(self, settings: Mapping[str, Any], context: ConnectorContext | None = None) -> None:
        super().__init__(settings, context)
        self.config = cfg = SETTINGS.parse(self.settings)
        if not 1 <= cfg["page_size"] <= 500:
            raise SettingsError(f"setting 'page_size': {cfg['page_size']} is not between 1 and 500")
        if cfg["concurrency"] < 1:
            raise SettingsError(f"setting 'concurrency': {cfg['concurrency']} is not 1 or more")
        try:
            self.zone: tzinfo = ZoneInfo(cfg["timezone"].strip() or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"setting 'timezone': {cfg['timezone']!r} is not a time zone such as Europe/Berlin"
            ) from None
        self.states = StateMap(cfg["status_map_import"], cfg["status_map_export"])
        if cfg["employee_id"] < 0:
            raise SettingsError(f"setting 'employee_id': {cfg['employee_id']} is not an employee id")
        self.employee = str(cfg["employee_id"])  # 0 would make the shop show the message as the buyer's
        self._client: PrestashopClient | None = None
        self._fixed: dict[str, dict[str, Any]] | None = None
        self._fixed_lock = threading.Lock()  # pages are looked up side by side: read the fixed lists once
        self._sleep: Callable[[float], None] = time.sleep

    @property
    def client(self) -> PrestashopClient:
        if self._client is None:
            cfg = self.config
            self._client = PrestashopClient(
                cfg["base_url"],
                cfg["api_key"],
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

    def test_connection(self) -> ConnectionTestResult:
        quick = dataclasses.replace(self.client.http.retry, max_attempts=2)  # a person is waiting
        url = self.config["base_url"]
        try:
            self.client.rows("orders", {"display": "[id]", "limit": "1"}, retry=quick)
        except AuthError as exc:
            return ConnectionTestResult(
                False,
                f"PrestaShop did not accept the webservice key ({exc}). Check the "
                "key, that it is active and may view orders (Advanced Parameters > "
                "Webservice).",
            )
        except NotFoundError:
            return ConnectionTestResult(
                False, f"No PrestaShop webservice at {url}/api. Check the address and that the webservice is enabled."
            )
        except TransientError as exc:
            return ConnectionTestResult(
                False,
                f"{url} could not be reached or did not answer as the PrestaShop "
                f"webservice ({exc}). Check the address.",
            )
        except PermanentError as exc:
            return ConnectionTestResult(False, f"PrestaShop refused the request: {exc}")
        return ConnectionTestResult(True, "Connected to the PrestaShop webservice.", {"base_url": url})

    # import --------------------------------------------------------------------------------------
    def window_filter(self, window: Window) -> dict[str, str]:
        """The window as a date_upd interval in the shop's local dates. Where the window spans the end of
        summer time, local dates repeat an hour, so the interval is written with both offsets and the widest
        bounds taken: a few orders are read twice (harmless), none is left out."""
        low = (window.since or EPOCH).replace(microsecond=0) + timedelta(seconds=1)
        high = window.until.replace(microsecond=0)
        offsets = {low.astimezone(self.zone).utcoffset(), high.astimezone(self.zone).utcoffset()}

        def local(moment: datetime, offset: timedelta | None) -> str:
            return (moment.astimezone(UTC).replace(tzinfo=None) + (offset or timedelta(0))).strftime(
                "%Y-%m-%d %H:%M:%S"
            )

        start = min(local(low, o) for o in offsets)
        end = max(local(high, o) for o in offsets)
        return {"date": "1", "filter[date_upd]": f"[{start},{end}]"}

    def _fixed_lookups(self) -> dict[str, dict[str, Any]]:
        """Currencies, countries and order states change rarely: read once per connector."""
        with self._fixed_lock:
            return self._read_fixed()

    def _read_fixed(self) -> dict[str, dict[str, Any]]:
        if self._fixed is None:
            c = self.client
            self._fixed = {
                "currencies": {
                    str(r["id"]): value_of(r, "iso_code") for r in c.rows("currencies", {"display": "[id,iso_code]"})
                },
                "countries": {
                    str(r["id"]): value_of(r, "iso_code") for r in c.rows("countries", {"display": "[id,iso_code]"})
                },
                "order_states": {str(r["id"]): r for r in c.rows("order_states", {"display": "full"})},
            }
        return self._fixed

    def lookups(self, records: list[Any]) -> Lookups:
        fixed = self._fixed_lookups()
        addresses = ids_of(records, "id_address_delivery") | ids_of(records, "id_address_invoice")
        return Lookups(
            self.zone,
            self.states,
            fixed["order_states"],
            fixed["currencies"],
            fixed["countries"],
            self.client.by_ids("addresses", addresses),
            self.client.by_ids("customers", ids_of(records, "id_customer"), "[id,email,firstname,lastname]"),
        )

    def fetch_orders(self, window: Window) -> Iterator[OrderPage]:
        workers = self.config["concurrency"]
        pages = self.client.order_pages(self.window_filter(window), self.config["page_size"], concurrency=workers)

        def mapped(page: tuple[list[Any], int]) -> tuple[tuple[list[Any], list[Any]], int]:
            records, total = page
            return orders_from_prestashop(records, self.lookups(records)), total

        for number, ((orders, quarantined), total) in enumerate(in_order(mapped, pages, workers), 1):
            yield Page(orders, quarantined, number, None, total)

    def fetch_order(self, ref: OrderRef) -> OrderPage:
        raw = self.client.one("orders", ref.external_id)
        orders, quarantined = orders_from_prestashop([raw], self.lookups([raw]))
        return Page(orders, quarantined, 1, 1, 1)

    def fetch_articles(self, window: Window) -> Iterator[ArticlePage]:
        yield from article_pages(self.client, self.window_filter(window), self.config["page_size"])

    # push ----------------------------------------------------------------------------------------
    def _checked(self, done: Callable[[], bool], write: Callable[[], Any]) -> bool:
        return checked_write(
            done, write, attempts=CHECK_ATTEMPTS, pause=lambda n: self._sleep(self.client.http.retry.backoff(n))
        )

    def channel_status_for(self, state: OrderState) -> str | None:
        return self.states.state_id_for(state)

    def push_state(self, ref: OrderRef, state: OrderState, comment: str = "") -> PushResult:
        state_id = self.states.state_id_for(state)
        if state_id is None:
            return PushResult(
                ok=True, detail=f"state {state.name_en!r} is not pushed to PrestaShop (status_map_export); nothing sent"
            )
        order_id = pid(ref.external_id)
        already = self._checked(
            lambda: value_of(self.client.one("orders", order_id), "current_state") == state_id,
            lambda: self.client.write(
                "POST",
                "order_histories",
                {"id_employee": self.employee, "id_order": order_id, "id_order_state": state_id},
                params={"sendemail": "1"} if self.config["notify_customer"] else None,
            ),
        )
        return PushResult(ok=True, already_done=already, remote_id=order_id, detail=f"order state {state_id}")

    def push_tracking(self, ref: OrderRef, shipment: Shipment) -> PushResult:
        order_id, number = pid(ref.external_id), shipment.tracking_number.strip()
        if not number:
            return PushResult(ok=False, detail="no tracking number to transmit")
        carriers = by_id(self.client.rows("order_carriers", {"display": "full", "filter[id_order]": f"[{order_id}]"}))
        if not carriers:
            return PushResult(
                ok=False, remote_id=order_id, detail="the order has no carrier in PrestaShop (virtual products only?)"
            )
        carrier_id = str(carriers[0]["id"])

        def current() -> dict[str, Any]:
            return self.client.one("order_carriers", carrier_id)

        seen: dict[str, Any] = {}

        def done() -> bool:
            seen["record"] = current()
            return value_of(seen["record"], "tracking_number") == number

        def write() -> None:
            fields = {k: v for k, v in seen["record"].items() if not isinstance(v, (dict, list))}
            self.client.write("PUT", "order_carriers", {**fields, "tracking_number": number}, carrier_id)

        already = self._checked(done, write)
        return PushResult(ok=True, already_done=already, remote_id=carrier_id, detail=f"tracking {number}")

    def send_message(self, ref: OrderRef, subject: str, text: str) -> PushResult:
        order_id = pid(ref.external_id)
        message = f"{subject}\n\n{text}" if subject.strip() else text
        thread = self._thread(order_id)
        thread_id = str(thread["id"])

        def done() -> bool:
            return any(
                value_of(m, "message") == message.strip()
                for m in self.client.rows(
                    "customer_messages", {"display": "full", "filter[id_customer_thread]": f"[{thread_id}]"}
                )
            )

        already = self._checked(
            done,
            lambda: self.client.write(
                "POST",
                "customer_messages",
                {"id_customer_thread": thread_id, "id_employee": self.employee, "message": message, "private": "0"},
            ),
        )
        return PushResult(ok=True, already_done=already, remote_id=thread_id, detail="customer message")

    def _thread(self, order_id: str) -> dict[str, Any]:
        """The order's customer thread, made if it has none (PrestaShop keeps one per order and customer)."""

        def existing() -> list[dict[str, Any]]:
            return by_id(self.client.rows("customer_threads", {"display": "full", "filter[id_order]": f"[{order_id}]"}))

        threads = existing()
        if not threads:
            order = self.client.one("orders", order_id)
            customer = self.client.one("customers", value_of(order, "id_customer"))
            self._checked(
                lambda: bool(existing()),
                lambda: self.client.write(
                    "POST",
                    "customer_threads",
                    {
                        "id_lang": value_of(order, "id_lang"),
                        "id_shop": value_of(order, "id_shop"),
                        "id_customer": value_of(order, "id_customer"),
                        "id_order": order_id,
                        "id_contact": "0",
                        "email": value_of(customer, "email"),
                        "token": secrets.token_hex(6),
                        "status": "open",
                    },
                ),
            )
            threads = existing()
            if not threads:
                raise TransientError(f"PrestaShop shows no customer thread for order {order_id} after making one")
        return threads[0]

    def push_stock(self, updates: list[StockUpdate]) -> list[PushResult]:
        return push_stock(self.client, updates)  # type: ignore[return-value]  # failed calls: their ChannelError


def by_id(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows in id order, sorted here: a few per order, and some shops break on ``sort`` (see ``client``)."""
    return sorted(rows, key=lambda r: int(r["id"]) if str(r.get("id", "")).isdigit() else 0)
