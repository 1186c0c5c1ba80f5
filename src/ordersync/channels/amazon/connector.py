"""Amazon Selling Partner API: orders by polling (Orders v0), item-level shipment confirmation, stock of
MFN listings (Listings Items, JSON_LISTINGS_FEED), listings as articles.

Auth is Login with Amazon as data (``oauth``): the refresh-token grant with client id and secret in the form
body and the access token in ``x-amz-access-token``; the refresh token comes from Seller Central's consent
page (authorization code) or is pasted by a seller who self-authorised a private app. :mod:`.auth` adds
Amazon's 403-for-expired-token and the Restricted Data Token.

Import window: Amazon's order data lags, and ``getOrders`` refuses a ``LastUpdatedBefore`` later than two
minutes before the request. The engine's window (since, until] is therefore read two minutes earlier
(``LastUpdatedAfter = since − 2 min``, ``LastUpdatedBefore = until − 2 min``); the ``LastUpdatedBefore``
Amazon answers is the true end of what it listed, kept in the connection state, and the next run starts
no later than that, so a longer lag on Amazon's side loses nothing. One query covers all the connection's
marketplaces (``MarketplaceIds``), each order keeps its own currency.

Status (CHANGE_STATUS): only a seller cancellation goes to Amazon (:mod:`.cancellation`, ``push_state`` with
CANCELLED, an order acknowledgement feed); ``channel_status_for`` names no other state, so the engine pushes
none. ``createFeed`` allows 0.0083 calls/s after a burst of 15: after a 429 the next feed waits two minutes in
production; the conformance suite runs the sandbox's usage plans scaled (``configure {quick}``), and the
budget follows the rate the answers' ``x-amzn-RateLimit-Limit`` reports.

Messages (:mod:`.messages`): the Messaging API's per-order template actions, only those
``getMessagingActionsForOrder`` lists for the order; Amazon offers no way to read what was sent, so a send
whose answer is lost cannot be checked: the kind is declared ``at_most_once`` and such a send waits for the
seller instead of going out twice. Order notifications (SQS/EventBridge only) are not received; polling is
the route.

Unverified facts (encoded as assumptions): the wording of Amazon's answer to a repeated
``packageReferenceId``; the exact spelling of the carrier codes in :mod:`.shipping`; the answer
``createRestrictedDataToken`` gives an app without the restricted role (the sandbox answers 403
``Unauthorized``, the connector treats any 403/4xx there as "no role" and imports without the address).
"""

from __future__ import annotations

import dataclasses
import gzip
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ordersync.channels.sdk.async_push import AsyncPush, JobOutcome, PushJob
from ordersync.channels.sdk.capabilities import Capability, Mode, declare
from ordersync.channels.sdk.connector import Connector, ConnectorContext
from ordersync.channels.sdk.errors import AuthError, ChannelError, NotFoundError, PermanentError, TransientError
from ordersync.channels.sdk.oauth2 import ClientAuth, Grant, OAuth2, ReauthorizationNeeded
from ordersync.channels.sdk.reconcile_reads import ReconcileReads
from ordersync.channels.sdk.records import (
    ArticlePage,
    ConnectionTestResult,
    OrderPage,
    OrderRef,
    Page,
    PushResult,
    Window,
)
from ordersync.channels.sdk.settings import SettingsError
from ordersync.domain import OrderState, Shipment, StockUpdate
from ordersync.domain.timeutil import parse_utc

from . import cancellation, messages, shipping, stock
from .articles import articles_from_amazon
from .auth import LwaAuth
from .client import AmazonClient, stamp
from .mapping import orders_from_amazon
from .marketplaces import ENDPOINTS, marketplace_ids
from .setup import GUIDE, SETTINGS

#: Amazon lists nothing newer than this (and refuses a LastUpdatedBefore inside it)
LAG = timedelta(minutes=2)
HORIZON = "orders_horizon"
ITEMS_CACHE = "recent_order_items"
#: how far back from a window's end the items of listed orders are remembered (overlap + lag + margin)
CACHE_SPAN = timedelta(minutes=10)
CACHE_MAX = 300
RESTRICTED = ["buyerInfo", "shippingAddress"]
#: a period without a start is read by creation from here on (getOrders wants CreatedAfter or LastUpdatedAfter)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


class AmazonConnector(Connector):
    system = "amazon"
    display_name = "Amazon"
    group = "marketplace"
    capabilities = (
        declare(
            Capability.IMPORT_ORDERS,
            Mode.POLL,
            note="getOrders by last update, two minutes behind Amazon's lag; addresses via Restricted Data Token",
        ),
        declare(Capability.IMPORT_ARTICLES, Mode.POLL, note="searchListingsItems, linked by SKU"),
        declare(
            Capability.TRANSMIT_TRACKING,
            Mode.API,
            item_level=True,
            note="confirmShipment per package with its items; not for FBA orders",
        ),
        declare(
            Capability.SET_STOCK, Mode.API, note="patchListingsItem for single changes, JSON_LISTINGS_FEED for many"
        ),
        declare(
            Capability.CHANGE_STATUS,
            Mode.API,
            note="cancellation only, as an order acknowledgement feed with a reason code; no other status "
            "goes to Amazon",
        ),
        declare(
            Capability.SEND_MESSAGES,
            Mode.API,
            note="only the message types Amazon allows for the order (no free chat, no attachments); sent at most once",
        ),
    )
    settings_schema = SETTINGS
    guide = GUIDE
    sandbox_factory = "ordersync.channels.amazon.sandbox:create_sandbox"
    poll_interval = 120
    #: orders compared from getOrders alone (``_orders_to_compare``); stock and listings are not compared yet
    reconcile_reads = ReconcileReads(orders=True, for_comparison=True)
    oauth = OAuth2(
        token_url="{lwa_token_url}",
        authorize_url="{seller_central_url}/apps/authorize/consent?application_id={application_id}",
        grants=(Grant.AUTHORIZATION_CODE, Grant.REFRESH_TOKEN),
        client_auth=ClientAuth.BODY,
        token_header="x-amz-access-token",
        token_format="{token}",
        refresh_token_setting="refresh_token",
    )
    #: stock and cancellation feeds; a lost stock submit cannot be found (a visible failure), a lost
    #: cancellation is recognised by the order's status (check_push), so the lookup is declared
    async_push = AsyncPush(kinds=("stock", "state"), timeout_s=4 * 3600, find_by_reference=True, lookup_grace_s=900)
    push_batches = {"stock": stock.FEED_MAX_MESSAGES}
    at_most_once = frozenset({"message"})  # Amazon lists no sent messages: a lost answer cannot be checked

    def __init__(self, settings: Mapping[str, Any], context: ConnectorContext | None = None) -> None:
        super().__init__(settings, context)
        self.config = SETTINGS.parse(self.settings)
        cfg = self.config
        if not 1 <= cfg["page_size"] <= 100:
            raise SettingsError(f"setting 'page_size': {cfg['page_size']} is not between 1 and 100 (Amazon's limit)")
        try:
            self.marketplace_ids = marketplace_ids(cfg["marketplaces"], cfg["region"])
        except ValueError as exc:
            raise SettingsError(f"setting 'marketplaces': {exc}") from None
        self.settings = {**self.settings, **{k: v for k, v in cfg.items() if v is not None}}
        self.endpoint = cfg["endpoint"] or ENDPOINTS[cfg["region"]]
        self._client: AmazonClient | None = None

    def oauth_auth(self) -> LwaAuth:
        return LwaAuth(self.oauth, self.settings, self.context.tokens)

    @property
    def client(self) -> AmazonClient:
        if self._client is None:
            cfg = self.config
            self._client = AmazonClient(
                self.endpoint,
                self.oauth_auth(),
                seller_id=cfg["seller_id"],
                timeout=cfg["timeout"],
                connection_key=str(self.context.connection_id or ""),
                verify_tls=cfg["verify_tls"],
                ca_pem=cfg["ca_bundle"],
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def test_connection(self) -> ConnectionTestResult:
        http = self.client.http
        quick = dataclasses.replace(http.retry, max_attempts=2)
        try:
            http.request(
                "GET",
                f"/listings/2021-08-01/items/{self.config['seller_id']}",
                expect_json=True,
                retry=quick,
                params={"marketplaceIds": self.marketplace_ids[0], "pageSize": 1},
            )
        except ReauthorizationNeeded as exc:
            return ConnectionTestResult(False, f"Amazon no longer accepts the authorisation: {exc}")
        except AuthError as exc:
            return ConnectionTestResult(
                False, f"Amazon refused the access (check client ID, secret, refresh token and merchant token): {exc}"
            )
        except TransientError as exc:
            return ConnectionTestResult(False, f"Amazon could not be reached ({exc}).")
        except PermanentError as exc:
            return ConnectionTestResult(False, f"Amazon refused the request: {exc}")
        return ConnectionTestResult(
            True,
            f"Connected to Amazon ({self.config['region']}, {self.config['marketplaces']}).",
            {"endpoint": self.endpoint},
        )

    # import ------------------------------------------------------------------------------------------
    def _restricted_token(self, path: str = "/orders/v0/orders") -> str:
        """An RDT for the addresses of the order list (or of one order), or "" where the app lacks the role."""
        try:
            token = self.client.restricted_data_token(RESTRICTED, path)
        except ReauthorizationNeeded:
            raise
        except (AuthError, PermanentError) as exc:
            self.context.state["restricted_data"] = f"refused: {exc}"[:300]
            return ""
        self.context.state.pop("restricted_data", None)
        return token

    def fetch_orders(self, window: Window, *, for_comparison: bool = False) -> Iterator[OrderPage]:
        """``for_comparison`` (a reconciliation, ``reconcile_reads``): :meth:`_orders_to_compare`."""
        if for_comparison:
            yield from self._orders_to_compare(window)
            return
        # the engine's clock may run ahead of Amazon's; Amazon refuses an end inside its last two minutes
        until = min(window.until, datetime.now(UTC)) - LAG
        since = (
            window.since if window.since is not None else window.until - timedelta(days=self.config["backfill_days"])
        ) - LAG
        horizon = self.context.state.get(HORIZON)
        if horizon:
            since = min(since, parse_utc(horizon))
        since = min(since, until - timedelta(seconds=1))
        params = {
            "MarketplaceIds": ",".join(self.marketplace_ids),
            "LastUpdatedAfter": stamp(since),
            "LastUpdatedBefore": stamp(until),
            "MaxResultsPerPage": self.config["page_size"],
        }
        rdt = self._restricted_token()
        answered: datetime | None = None
        cache: dict[str, list[Any]] = dict(self.context.state.get(ITEMS_CACHE) or {})
        seen: dict[str, list[Any]] = {}
        for number, payload in enumerate(self.client.orders(params, rdt), 1):
            if payload.get("LastUpdatedBefore"):
                end = parse_utc(str(payload["LastUpdatedBefore"]))
                answered = end if answered is None else min(answered, end)
            orders = payload.get("Orders")
            if not isinstance(orders, list):
                raise TransientError("getOrders answered no Orders list")
            records = [self._with_items(o, cache, seen) for o in orders]
            mapped, quarantined = orders_from_amazon(records)
            yield Page(mapped, quarantined, number, None, None)
        self.context.state[HORIZON] = stamp(min(answered or until, until))
        keep = stamp(until - CACHE_SPAN)
        recent = sorted(
            (
                (oid, entry)
                for oid, entry in {**cache, **seen}.items()
                if isinstance(entry, list) and str(entry[0]) >= keep
            ),
            key=lambda kv: str(kv[1][0]),
        )
        self.context.state[ITEMS_CACHE] = dict(recent[-CACHE_MAX:])  # the state stays small in a rush

    def _orders_to_compare(self, window: Window) -> Iterator[OrderPage]:
        """The orders of a period as a reconciliation compares them: getOrders alone, by ``LastUpdatedAfter``
        (``CreatedAfter`` from the start when the period has none), ending two minutes before now as Amazon
        requires; no Restricted Data Token (addresses are not compared) and no getOrderItems, as the total is
        ``OrderTotal`` (10,000 orders are 100 getOrders calls instead of 10,000 getOrderItems at 0.5/s). Only an
        order without ``OrderTotal`` (Pending) has its items read, as the import computes its total from them.
        Nothing of the import's bookkeeping (horizon, items cache) is touched; the orders to import are read
        again by id (``fetch_order``)."""
        until = min(window.until, datetime.now(UTC)) - LAG
        params: dict[str, Any] = {
            "MarketplaceIds": ",".join(self.marketplace_ids),
            "MaxResultsPerPage": self.config["page_size"],
        }
        if window.since is None:
            params |= {"CreatedAfter": stamp(EARLIEST), "CreatedBefore": stamp(until)}
        else:
            params |= {
                "LastUpdatedAfter": stamp(min(window.since, until - timedelta(seconds=1))),
                "LastUpdatedBefore": stamp(until),
            }
        for number, payload in enumerate(self.client.orders(params), 1):
            orders = payload.get("Orders")
            if not isinstance(orders, list):
                raise TransientError("getOrders answered no Orders list")
            records = [
                self._with_items(o) if isinstance(o, dict) and not o.get("OrderTotal") else {"order": o, "items": []}
                for o in orders
            ]
            mapped, quarantined = orders_from_amazon(records)
            yield Page(mapped, quarantined, number, None, None)

    def _with_items(
        self, order: Any, cache: dict[str, list[Any]] | None = None, seen: dict[str, list[Any]] | None = None
    ) -> dict[str, Any]:
        """The order with its items. Items of an order whose LastUpdateDate is the one read in a previous run
        come from the connection state: an order's items change only with its LastUpdateDate, and each poll
        lists the last minutes again (overlap and lag), which would spend getOrderItems' budget twice."""
        if not isinstance(order, dict) or not order.get("AmazonOrderId"):
            return {"order": order, "items": None}
        oid, updated = str(order["AmazonOrderId"]), str(order.get("LastUpdateDate") or "")
        cached = (cache or {}).get(oid)
        if isinstance(cached, list) and len(cached) == 2 and cached[0] == updated and isinstance(cached[1], list):
            items = cached[1]
        else:
            items = self.client.order_items(oid)
        if seen is not None and updated:
            seen[oid] = [updated, items]
        return {"order": order, "items": items}

    def fetch_order(self, ref: OrderRef) -> OrderPage:
        """One order, read with an RDT like the list, so a refresh never drops an address the list gave."""
        oid = ref.external_id.strip()
        order = self.client.order(oid, self._restricted_token(f"/orders/v0/orders/{oid}"))
        mapped, quarantined = orders_from_amazon([self._with_items(order)])
        return Page(mapped, quarantined, 1, 1, 1)

    def fetch_articles(self, window: Window) -> Iterator[ArticlePage]:
        for number, body in enumerate(self.client.listings(self.marketplace_ids[0], window.since), 1):
            items = body.get("items")
            if not isinstance(items, list):
                raise TransientError("searchListingsItems answered no items list")
            articles, quarantined = articles_from_amazon(items)
            yield Page(articles, quarantined, number, None, body.get("numberOfResults"))

    # push --------------------------------------------------------------------------------------------
    def push_tracking(self, ref: OrderRef, shipment: Shipment) -> PushResult:
        order = self.client.order(ref.external_id)
        items = self.client.order_items(ref.external_id)
        lines = shipping.plan(order, items, shipment)
        if isinstance(lines, PushResult):
            return lines
        body = shipping.request_body(order, shipment, lines)
        try:
            self.client.confirm_shipment(ref.external_id, body)
        except PermanentError as exc:
            # a repeat the SDK sent after a 5xx that Amazon had acted on: the package is there already
            if "already" in str(exc).lower() and "confirm" in str(exc).lower():
                return PushResult(
                    already_done=True,
                    detail=f"Amazon already has package {body['packageDetail']['packageReferenceId']}",
                )
            again = shipping.plan(
                self.client.order(ref.external_id), self.client.order_items(ref.external_id), shipment
            )
            if isinstance(again, PushResult):
                return again
            raise
        return PushResult(
            remote_id=body["packageDetail"]["packageReferenceId"],
            detail=f"confirmed {sum(q for _, q in lines)} item(s) with {shipment.tracking_number}",
        )

    def channel_status_for(self, state: OrderState) -> str | None:
        return "Canceled" if state is OrderState.CANCELLED else None

    def push_state(self, ref: OrderRef, state: OrderState, comment: str = "") -> PushResult:
        """A cancellation goes as an order acknowledgement feed (:mod:`.cancellation`); Amazon takes no other
        status from a seller (shipping is confirmShipment, the rest Amazon sets itself)."""
        if state is not OrderState.CANCELLED:
            return PushResult(
                detail=f"Amazon takes no status from the hub but a cancellation; {state.name_en} stays in the hub"
            )
        oid = ref.external_id
        order = self.client.order(oid)
        status = order.get("OrderStatus")
        if status == "Canceled":
            return PushResult(already_done=True, detail=f"Amazon shows {oid} as canceled")
        if order.get("FulfillmentChannel") == "AFN":
            raise PermanentError(f"order {oid} is fulfilled by Amazon: cancel it in Seller Central")
        if status not in cancellation.CANCELLABLE:
            raise PermanentError(f"Amazon cannot cancel order {oid} in status {status}")
        items = [str(i["OrderItemId"]) for i in self.client.order_items(oid) if i.get("OrderItemId")]
        reason = cancellation.reason_of(comment, self.config["cancel_reason"])
        document = self.client.create_feed_document(cancellation.CONTENT_TYPE)
        self.client.upload(
            str(document["url"]),
            cancellation.feed_document(self.config["seller_id"], oid, items, reason),
            cancellation.CONTENT_TYPE,
        )
        market = str(order.get("MarketplaceId") or self.marketplace_ids[0])
        feed_id = self.client.create_feed([market], str(document["feedDocumentId"]), cancellation.FEED_TYPE)
        return PushResult.accepted(feed_id, check_after_s=60, item=0)

    def send_message(self, ref: OrderRef, subject: str, text: str) -> PushResult:
        """One buyer message as the template action the subject or the setting names, only when Amazon lists
        that action for the order (:mod:`.messages`); sent at most once (``at_most_once``)."""
        oid = ref.external_id
        order = self.client.order(oid)
        market = str(order.get("MarketplaceId") or self.marketplace_ids[0])
        kind = messages.message_type(subject, self.config["message_type"])
        allowed = messages.allowed_types(self.client.messaging_actions(oid, market))
        try:
            body = messages.check(kind, text, allowed)
        except messages.MessageRefused as exc:
            raise PermanentError(f"message to the buyer of {oid}: {exc}") from None
        self.client.send_message(oid, market, kind, body)
        return PushResult(remote_id=f"{oid}:{kind}", detail=f"{kind} message to the buyer")

    def push_stock(self, updates: list[StockUpdate]) -> list[PushResult | Exception]:
        if len(updates) >= self.config["feed_threshold"]:
            return self._stock_feed(updates)
        return [self._stock_one(u) for u in updates]

    def _stock_one(self, update: StockUpdate) -> PushResult | Exception:
        sku, quantity = stock.sku_of(update), max(0, update.quantity)
        market = self.marketplace_ids[0]
        try:
            if stock.shown_quantity(self.client.listing(sku, market)) == quantity:
                return PushResult(already_done=True, detail=f"Amazon shows {quantity} for {sku}")
            answer = self.client.patch_quantity(sku, market, quantity)
        except NotFoundError:
            return PermanentError(f"Amazon has no listing with SKU {sku!r}")
        except ChannelError as exc:
            return exc
        if answer.get("status") == "INVALID":
            issues = "; ".join(f"{i.get('code')}: {i.get('message')}" for i in answer.get("issues") or [])
            return PermanentError(f"Amazon refused the quantity for {sku}: {issues}")
        return PushResult(remote_id=str(answer.get("submissionId") or ""), detail=f"{sku}: {quantity}")

    def _stock_feed(self, updates: list[StockUpdate]) -> list[PushResult | Exception]:
        results: list[PushResult | Exception] = []
        for start in range(0, len(updates), stock.FEED_MAX_MESSAGES):  # the engine hands at most one feed's worth
            part = updates[start : start + stock.FEED_MAX_MESSAGES]
            document = self.client.create_feed_document()
            self.client.upload(str(document["url"]), stock.feed_document(self.config["seller_id"], part))
            feed_id = self.client.create_feed(self.marketplace_ids, str(document["feedDocumentId"]))
            results += [PushResult.accepted(feed_id, check_after_s=60, item=n) for n in range(len(part))]
        return results

    def check_push(self, job: PushJob) -> JobOutcome:
        if job.kind == "state":
            order = self.client.order(job.order_id)
            feed = self.client.feed(job.job_id) if job.job_id and order.get("OrderStatus") != "Canceled" else None
            try:
                return cancellation.outcome(order, feed, self._report(feed) if feed else None)
            except ValueError as exc:  # xml.InvalidXML / UnsafeXML
                return JobOutcome.failed(f"feed {job.job_id}: the processing report could not be read ({exc})")
        if not job.job_id:
            return JobOutcome.failed("Amazon feeds carry no reference of ours: the lost submission cannot be found")
        feed = self.client.feed(job.job_id)
        try:
            return stock.outcome(feed, self._report(feed))
        except (ValueError, TypeError, AttributeError) as exc:
            return JobOutcome.failed(f"feed {job.job_id}: the processing report could not be read ({exc})")

    def _report(self, feed: dict[str, Any]) -> bytes | None:
        """The processing report of a finished feed, unzipped; None while there is none."""
        if feed.get("processingStatus") != "DONE" or not feed.get("resultFeedDocumentId"):
            return None
        document = self.client.feed_document(str(feed["resultFeedDocumentId"]))
        report = self.client.download(str(document["url"]))
        if document.get("compressionAlgorithm") == "GZIP":  # feeds_2021-06-30.json FeedDocument
            report = gzip.decompress(report)
        return report
