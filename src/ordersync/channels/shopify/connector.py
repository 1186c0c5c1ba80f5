"""Shopify on the GraphQL Admin API: orders and articles in, status, tracking and stock out.

Listing. Orders are read with ``orders(query: "updated_at:>='since' AND updated_at:<='until'",
sortKey: UPDATED_AT)`` and paged by cursor, never by offset: a cursor names a position in the sort order,
so an order that changes while a window is read moves to the end, where it is read again, instead of
shifting later pages
(``window_total`` stays None; the window is (since, until] read with whole seconds, which is Shopify's
precision, the lower bound inclusive as harmless overlap). The first import of a shop (``since`` None) runs
as one bulk operation instead (``bulk``), unless switched off.

Page sizes are planned from Shopify's price list: the first page is a small probe, and from the
``requestedQueryCost`` it reports the connector derives the points one order costs and asks for as many
orders as fit in 90 % of what one query may request (1 000 points, or the bucket if smaller). The client's
cost budget then spaces the pages so that they find the bucket full enough (see ``client``).

Pushes check the shop before writing (invariant 3): a status action only if the order does not show it yet
(``statuses.already_done``), a fulfilment only if no fulfilment carries the tracking number
(``fulfillment``). Stock is set as absolute ``available`` quantities, which is safe to repeat.
Messages: Shopify has no API for messages to buyers, so the capability is not declared.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from ...domain import OrderState, Shipment, StockUpdate
from ..sdk.capabilities import Capability, Mode, declare
from ..sdk.connector import Connector, ConnectorContext
from ..sdk.errors import (
    AuthError,
    ChannelError,
    NotFoundError,
    PermanentError,
    RecordError,
)
from ..sdk.idempotency import checked_write
from ..sdk.paging import GraphQLCursorPaginator, graphql_connections
from ..sdk.reconcile_reads import ReconcileReads
from ..sdk.records import (
    ArticlePage,
    ConnectionTestResult,
    OrderPage,
    OrderRef,
    Page,
    PushResult,
    WebhookMeta,
    Window,
)
from ..sdk.webhook_reconcile import WebhookHealth
from . import bulk, fulfillment, queries, webhooks
from .client import MAX_QUERY_COST, QueryTooCostly, ShopifyClient, user_errors
from .mapping import article_from_shopify, orders_from_shopify, quarantine
from .setup import GUIDE, SETTINGS
from .statuses import StatusMap, already_done
from .stock import push_stock

CHECK_ATTEMPTS = 3
PROBE = 2  # orders on the first page, whose price plans the rest
MAX_PAGE = 250
BULK_PAGE = 250
_MUTATION = {
    "cancel": ("orderCancel", queries.ORDER_CANCEL),
    "close": ("orderClose", queries.ORDER_CLOSE),
    "open": ("orderOpen", queries.ORDER_OPEN),
    "mark_paid": ("orderMarkAsPaid", queries.ORDER_MARK_PAID),
}


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def window_query(window: Window, field: str = "updated_at") -> str:
    """Shopify's search string for the window (since, until]."""
    terms = [f"{field}:>='{_stamp(window.since)}'"] if window.since is not None else []
    return " AND ".join([*terms, f"{field}:<='{_stamp(window.until)}'"])


def gid(kind: str, ident: str) -> str:
    """Accept a bare number where a global id is needed (settings, refs typed by hand)."""
    text = str(ident).strip()
    return f"gid://shopify/{kind}/{text}" if text.isdigit() else text


class ShopifyConnector(Connector):
    system = "shopify"
    display_name = "Shopify"
    group = "shop"
    capabilities = (
        declare(Capability.IMPORT_ORDERS, Mode.POLL, Mode.WEBHOOK),
        declare(Capability.IMPORT_ARTICLES, Mode.POLL),
        declare(Capability.CHANGE_STATUS, Mode.API, note="cancel, close, re-open, mark as paid"),
        declare(Capability.TRANSMIT_TRACKING, Mode.API, note="as a fulfilment with tracking info", item_level=True),
        declare(Capability.SET_STOCK, Mode.API, note="'available' quantity at one location"),
    )
    settings_schema = SETTINGS
    guide = GUIDE
    sandbox_factory = "ordersync.channels.shopify.sandbox:create_sandbox"
    # the product read gives each variant's 'available' quantity at the stock location, the figure the stock
    # push sets (without a location configured it is the sum over all locations, and pushes fail until one is)
    reconcile_reads = ReconcileReads(orders=True, stock=True, listings=True)

    def __init__(self, settings: Mapping[str, Any], context: ConnectorContext | None = None) -> None:
        super().__init__(settings, context)
        self.config = cfg = SETTINGS.parse(self.settings)
        self.statuses = StatusMap.from_settings(cfg["status_map_import"], cfg["status_map_export"])
        self.location_id = gid("Location", cfg["location_id"]) if cfg["location_id"] else ""
        self._client: ShopifyClient | None = None
        self._sleep: Callable[[float], None] = time.sleep
        self.bulk_interval = 2.0

    @property
    def client(self) -> ShopifyClient:
        """Built on first use: verifying a webhook needs no HTTP client."""
        if self._client is None:
            cfg = self.config
            self._client = ShopifyClient(
                cfg["shop_url"],
                cfg["access_token"],
                api_version=cfg["api_version"],
                timeout=cfg["timeout"],
                connection_key=str(self.context.connection_id or ""),
                verify_tls=cfg["verify_tls"],
                ca_pem=cfg["ca_bundle"],
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    # lifecycle -----------------------------------------------------------------------------------
    def test_connection(self) -> ConnectionTestResult:
        url = self.config["shop_url"]
        quick = dataclasses.replace(self.client.http.retry, max_attempts=2)  # a person is waiting
        try:
            shop = self.client.call(queries.SHOP, retry=quick)["shop"]
            location = (
                self.client.call(queries.LOCATION, {"id": self.location_id}, retry=quick).get("location")
                if self.location_id
                else None
            )
        except AuthError as exc:
            return ConnectionTestResult(
                False,
                f"Shopify did not accept the access token ({exc}). Copy the Admin "
                "API access token (shpat_…) of the custom app again.",
            )
        except NotFoundError:
            return ConnectionTestResult(
                False,
                f"No Shopify Admin API found at {url} for API version "
                f"{self.config['api_version']}. Check the address and the version.",
            )
        except ChannelError as exc:
            return ConnectionTestResult(False, f"The shop at {url} could not be reached or refused: {exc}")
        if self.location_id and location is None:
            return ConnectionTestResult(
                False, f"The shop has no location {self.location_id}; check the stock location (Settings → Locations)."
            )
        details = {"shop": shop["name"], "domain": shop["myshopifyDomain"], "currency": shop["currencyCode"]}
        if location:
            details["location"] = location["name"]
        return ConnectionTestResult(True, f"Connected to Shopify shop {shop['name']}.", details)

    # import --------------------------------------------------------------------------------------
    def fetch_orders(self, window: Window) -> Iterator[OrderPage]:
        search = window_query(window)
        if window.since is None and self.config["bulk_backfill"]:
            yield from self._backfill(search)
        else:
            yield from self._paged(search)

    def _plan(self, asked: int, requested: float) -> tuple[int, float | None]:
        """Orders per page so that one page requests ≤ 90 % of what a query may request, and that page's
        expected requested cost (so the budget waits for the right amount before the first call of a size)."""
        if requested <= 2 or asked <= 0:
            return asked, None
        per_order = (requested - 2) / asked
        limit = min(MAX_QUERY_COST, self.client.budget.capacity) * 0.9
        first = max(1, min(MAX_PAGE, int((limit - 2) // per_order)))
        return first, 2 + per_order * first

    def _paged(self, search: str) -> Iterator[OrderPage]:
        size: dict[str, Any] = {"first": PROBE, "expected": None}  # replanned after every page

        def fetch(after: str | None) -> Mapping[str, Any]:
            while True:  # not a retry: a smaller page is a different query
                try:
                    return self.client.call(
                        queries.ORDERS,
                        {"first": size["first"], "after": after, "query": search},
                        estimate=size["expected"],
                    )["orders"]
                except QueryTooCostly:
                    if size["first"] == 1:
                        raise
                    size["first"], size["expected"] = max(1, size["first"] // 2), None

        for number, conn in enumerate(graphql_connections(fetch), 1):
            requested = float(self.client.last_cost.get("requestedQueryCost") or 0)
            raws = [self._complete(e["node"]) for e in conn["edges"]]
            orders, quarantined = orders_from_shopify(raws, self.statuses)
            yield Page(orders, quarantined, number)
            size["first"], size["expected"] = self._plan(size["first"], requested)

    def _complete(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Fetch the rest of an order's line items if it has more than one page holds."""
        lines = raw.get("lineItems") or {}
        cursor = GraphQLCursorPaginator()
        cursor.advance(lines)  # type: ignore[arg-type]
        while not cursor.finished:
            more = self.client.call(queries.ORDER_LINE_ITEMS, {"id": raw["id"], "after": cursor.current})["order"]
            if more is None:
                break
            lines["edges"] = [*lines.get("edges", []), *more["lineItems"]["edges"]]
            cursor.advance(more["lineItems"])
        return raw

    def _backfill(self, search: str) -> Iterator[OrderPage]:
        op_id = bulk.start(self.client, search)
        op = bulk.wait(self.client, op_id, interval=self.bulk_interval, sleep=self._sleep)
        page: OrderPage = Page(number=1)
        for raw in bulk.records(op.get("url"), timeout=self.config["timeout"] * 4):
            orders, quarantined = orders_from_shopify([raw], self.statuses)
            page.records += orders
            page.quarantined += quarantined
            if len(page.records) + len(page.quarantined) >= BULK_PAGE:
                yield page
                page = Page(number=page.number + 1)
        if page.records or page.quarantined or page.number == 1:
            yield page

    def fetch_order(self, ref: OrderRef) -> OrderPage:
        raw = self.client.call(queries.ORDER, {"id": gid("Order", ref.external_id)}).get("order")
        if raw is None:
            raise NotFoundError(f"Shopify has no order {ref.external_id}")
        orders, quarantined = orders_from_shopify([self._complete(raw)], self.statuses)
        return Page(orders, quarantined, 1, 1)

    def fetch_articles(self, window: Window) -> Iterator[ArticlePage]:
        """Products with their variants; with a stock location, each variant's 'available' quantity there.
        That reading costs about 5 points per variant slot (500 per product), so a page holds one product
        where it held two (a query may request at most 1,000 points)."""
        query, at = (
            (queries.PRODUCTS_AT_LOCATION, {"location": self.location_id})
            if self.location_id
            else (queries.PRODUCTS, {})
        )
        size: dict[str, Any] = {"first": 1 if at else PROBE, "expected": None}

        def fetch(after: str | None) -> Mapping[str, Any]:
            return self.client.call(
                query,
                {"first": size["first"], "after": after, "query": window_query(window), **at},
                estimate=size["expected"],
            )["products"]

        for number, conn in enumerate(graphql_connections(fetch), 1):
            requested = float(self.client.last_cost.get("requestedQueryCost") or 0)
            page: ArticlePage = Page(number=number)
            for edge in conn["edges"]:
                raw = edge["node"]
                try:
                    if raw["variants"]["pageInfo"]["hasNextPage"]:
                        raise RecordError(
                            "the product has more than 100 variants",
                            hint="ordersync reads up to 100 variants per Shopify product.",
                        )
                    page.records.append(article_from_shopify(raw))
                except RecordError as exc:
                    page.quarantined.append(quarantine(raw, exc))
            yield page
            size["first"], size["expected"] = self._plan(size["first"], requested)

    # webhooks ------------------------------------------------------------------------------------
    def register_webhooks(self) -> None:
        webhooks.register(self.client, self.context)

    def unregister_webhooks(self) -> None:
        webhooks.unregister(self.client, self.context)

    def check_webhooks(self, repair: bool = True) -> WebhookHealth:
        return webhooks.check(self.client, self.context, repair)

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookMeta:
        return webhooks.verify(self.config["api_secret"], headers, body)

    def parse_webhook(self, meta: WebhookMeta, body: bytes) -> OrderPage:
        """Read the order the webhook names through GraphQL (see ``webhooks``)."""
        if not meta.topic.startswith("orders/"):
            return Page()
        try:
            return self.fetch_order(OrderRef(webhooks.require_order_id(meta)))
        except RecordError as exc:
            return Page([], [quarantine({"id": meta.resource_id or meta.delivery_id}, exc)], 1, 1)

    # push ----------------------------------------------------------------------------------------
    def _checked(self, done: Callable[[], bool], write: Callable[[], Any]) -> bool:
        """Write unless ``done()``; see ``sdk.idempotency``. True = the channel already showed the effect."""
        return checked_write(
            done, write, attempts=CHECK_ATTEMPTS, pause=lambda n: self._sleep(self.client.http.retry.backoff(n))
        )

    def channel_status_for(self, state: OrderState) -> str | None:
        return self.statuses.status_for(state)

    def push_state(self, ref: OrderRef, state: OrderState, comment: str = "") -> PushResult:
        action = self.statuses.action_for(state)
        if action is None:
            return PushResult(
                ok=True, detail=f"state {state.name_en!r} is not pushed to Shopify (status_map_export); nothing sent"
            )
        order_id = gid("Order", ref.external_id)

        def done() -> bool:
            order = self.client.call(queries.ORDER_STATE, {"id": order_id}).get("order")
            if order is None:
                raise NotFoundError(f"Shopify has no order {order_id}")
            if action == "mark_paid" and not already_done(action, order) and not order.get("canMarkAsPaid"):
                raise PermanentError(
                    f"Shopify cannot mark order {order_id} as paid ({order.get('displayFinancialStatus')})"
                )
            return already_done(action, order)

        def write() -> None:
            field, document = _MUTATION[action]
            variables: dict[str, Any] = {"input": {"id": order_id}}
            if action == "cancel":
                variables = {
                    "orderId": order_id,
                    "reason": "OTHER",
                    "refund": False,
                    "restock": True,
                    "notifyCustomer": False,
                    "staffNote": comment[:255] or None,
                }
            payload = self.client.call(document, variables, mutation=True).get(field) or {}
            errors = user_errors(payload, "orderCancelUserErrors" if action == "cancel" else "userErrors")
            if errors:
                raise PermanentError(f"Shopify refused {field}: {'; '.join(errors)}")

        already = self._checked(done, write)
        return PushResult(ok=True, already_done=already, remote_id=order_id, detail=f"{action}")

    def push_tracking(self, ref: OrderRef, shipment: Shipment) -> PushResult:
        number = shipment.tracking_number.strip()
        if not number:
            return PushResult(ok=False, detail="no tracking number to transmit")
        order_id = gid("Order", ref.external_id)
        seen: dict[str, Any] = {}
        made: dict[str, str] = {}

        def done() -> bool:
            seen["order"] = fulfillment.read(self.client, order_id)
            return fulfillment.has_number(seen["order"], number)

        def write() -> None:
            made["id"] = fulfillment.write(
                self.client,
                seen["order"],
                dataclasses.replace(shipment, tracking_number=number),
                notify=self.config["notify_customer"],
            )

        already = self._checked(done, write)
        return PushResult(
            ok=True, already_done=already, remote_id=made.get("id", order_id), detail=f"tracking {number}"
        )

    def push_stock(self, updates: list[StockUpdate]) -> list[PushResult]:
        return push_stock(self.client, self.location_id, updates)
