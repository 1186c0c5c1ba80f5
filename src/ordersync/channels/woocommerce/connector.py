"""WooCommerce: orders and articles in by polling and webhooks; status, tracking, messages and stock out.

Listing. Orders are read by modification time (``modified_after``/``modified_before`` with
``dates_are_gmt=true``, WooCommerce 5.8+) over ``status=any``, sorted by ``id`` ascending: ``orderby``
is documented as ``date, id, include, title, slug``; ``modified`` is accepted by current WooCommerce
(woocommerce-rest-api PR #226, 2020) but not documented, and ``id`` is unique and immutable, so page
boundaries are stable while orders change. An order modified during paging leaves the window and shifts
later pages; the engine notices through ``window_total`` (``X-WP-Total``) and re-reads the window.

Refunds. An order lists its refunds as id, reason and total only; their dates and items come from
``GET /orders/{id}/refunds``, one call per order that lists refunds. WooCommerce 9.0 added the read-only
collection ``GET /refunds`` (``WC_REST_Refunds_Controller``, ``@since 9.0.0``, woocommerce PR #46895; the docs'
"Refunds" page): the same refund objects plus ``parent_id``. A page of orders that lists refunds on two or more
orders reads them all with one ``GET /refunds?include=<refund ids>&orderby=id&order=asc`` (100 ids and 100 per
page at most, further pages by ``X-WP-TotalPages``). ``include`` and not ``parent``: the controller declares
``parent`` (it inherits the order refunds collection's arguments) but drops ``post_parent__in``, where
``parent`` lands, from its query, so ``parent`` filters nothing; ``include`` becomes ``post__in`` (with HPOS
``id``), which it keeps. Verified in WooCommerce's source (refunds controller, its parents, the HPOS query
mapping) and its unit test of the route (all refunds of several orders, with ``parent_id``); not verified
against a running 9.x shop, and the docs page lists no arguments. An order whose listed refunds did not all
come back is read per order, so a refund missing from the collection costs a call, not its details. A shop
without the route (before 9.0; WordPress answers 404 ``rest_no_route``), or one whose answer holds refunds not
asked for (``include`` not applied, e.g. by a plugin's query filter), is read per order from then on, for the
life of the connector instance (logged once). One order with refunds costs one call either way and uses the
order refunds route, as does ``for_comparison``, which reads no refund details at all.

Pushes check the shop before writing (invariant 3): a status is only set if the order does not have it,
a tracking note and meta only if the tracking number is not there yet, a message only if no note has its
text. A write that fails with 5xx may have happened anyway, so it is not repeated blindly: the check
runs again before the next try. Stock is a batch of absolute values, which is safe to repeat.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from ...domain import OrderState, Shipment, StockUpdate
from ..sdk.capabilities import Capability, Mode, declare
from ..sdk.concurrency import in_order
from ..sdk.connector import Connector, ConnectorContext
from ..sdk.errors import AuthError, ChannelError, NotFoundError, PermanentError, RecordError, TransientError
from ..sdk.idempotency import checked_write
from ..sdk.reconcile_reads import ReconcileReads
from ..sdk.records import ArticlePage, ConnectionTestResult, OrderPage, OrderRef, Page, PushResult, WebhookMeta, Window
from ..sdk.webhook_reconcile import WebhookHealth
from . import webhooks
from .client import BATCH_LIMIT, PER_PAGE, WooClient, rid
from .mapping import MappingConfig, article_from_wc, has_refunds, order_from_wc, orders_from_wc, quarantine
from .setup import GUIDE, SETTINGS
from .statuses import StatusMap
from .tracking import meta_value_with, note_containing, tracking_note

CHECK_ATTEMPTS = 3
log = logging.getLogger(__name__)


def _gmt(value: datetime) -> str:
    """WooCommerce wants naive ISO timestamps; with dates_are_gmt=true they are read as UTC."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def window_params(window: Window) -> dict[str, str]:
    """The window (since, until] in WooCommerce's terms. Its dates have whole seconds and both bounds are
    exclusive, so ``modified_before`` is the second after ``until``: an order saved in the very second
    ``until`` falls in, belongs to this window; ``modified_after`` is ``since`` cut to the second. That
    second must be over when it is read, which the engine's safety lag (until <= now - lag) ensures."""
    params = {
        "dates_are_gmt": "true",
        "modified_before": _gmt(window.until.replace(microsecond=0) + timedelta(seconds=1)),
    }
    if window.since is not None:
        params["modified_after"] = _gmt(window.since)
    return params


class WooCommerceConnector(Connector):
    system = "woocommerce"
    display_name = "WooCommerce"
    group = "shop"
    capabilities = (
        declare(Capability.IMPORT_ORDERS, Mode.POLL, Mode.WEBHOOK),
        declare(Capability.IMPORT_ARTICLES, Mode.POLL),
        declare(Capability.CHANGE_STATUS, Mode.API),
        declare(Capability.SEND_MESSAGES, Mode.API, note="as a customer note, which WooCommerce e-mails"),
        declare(
            Capability.TRANSMIT_TRACKING,
            Mode.API,
            note="customer note plus the order meta of the Shipment Tracking plugins",
        ),
        declare(Capability.SET_STOCK, Mode.API),
    )
    settings_schema = SETTINGS
    guide = GUIDE
    sandbox_factory = "ordersync.channels.woocommerce.sandbox:create_sandbox"
    adjusts_own_stock = True  # WooCommerce reduces stock when an order is placed and restores it on cancel
    reconcile_reads = ReconcileReads(orders=True, stock=True, listings=True, for_comparison=True)

    def __init__(self, settings: Mapping[str, Any], context: ConnectorContext | None = None) -> None:
        super().__init__(settings, context)
        raw_key = self.settings.get("tracking_meta_key")
        self.config = cfg = SETTINGS.parse(self.settings)
        note_only = raw_key is not None and str(raw_key).strip().lower() in ("", "-", "none")
        self.tracking_key = "" if note_only else cfg["tracking_meta_key"]
        self.mapping = MappingConfig(
            StatusMap.from_settings(cfg["status_map_import"], cfg["status_map_export"]), self.tracking_key
        )
        self._client: WooClient | None = None
        self._sleep: Callable[[float], None] = time.sleep
        self._refunds_collection = True  # GET /refunds until the shop shows it lacks it
        self._refunds_lock = threading.Lock()

    @property
    def client(self) -> WooClient:
        """Built on first use: verifying a webhook needs no HTTP client (nor its TLS context)."""
        if self._client is None:
            cfg = self.config
            self._client = WooClient(
                cfg["url"],
                cfg["consumer_key"],
                cfg["consumer_secret"],
                auth=cfg["auth"],
                verify_tls=cfg["verify_tls"],
                ca_pem=cfg["ca_bundle"],
                timeout=cfg["timeout"],
                connection_key=str(self.context.connection_id or ""),
                concurrency=cfg["concurrency"],
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    # lifecycle -----------------------------------------------------------------------------------
    def test_connection(self) -> ConnectionTestResult:
        url = self.config["url"]
        try:
            quick = dataclasses.replace(self.client.http.retry, max_attempts=2)  # a person is waiting
            data, response = self.client.get("/orders", {"per_page": 1, "status": "any"}, retry=quick)
        except AuthError as exc:
            return ConnectionTestResult(
                False,
                f"WooCommerce did not accept the key ({exc}). Check consumer key "
                "and secret and that the key has Read/Write permission.",
            )
        except NotFoundError:
            return ConnectionTestResult(
                False,
                f"No WooCommerce REST API found at {url}/wp-json/wc/v3. Check the "
                "shop URL, that WooCommerce is active and that permalinks are not set "
                'to "Plain" (Settings → Permalinks).',
            )
        except TransientError as exc:
            return ConnectionTestResult(
                False,
                f"The shop at {url} could not be reached or did not answer with "
                f"the REST API ({exc}). Check the URL; if it shows a web page, check "
                "the permalinks.",
            )
        except PermanentError as exc:
            return ConnectionTestResult(False, f"The shop refused the request: {exc}")
        return ConnectionTestResult(
            True,
            "Connected to WooCommerce.",
            {"auth": self.client.auth_method, "orders": response.headers.get("X-WP-Total", str(len(data)))},
        )

    # import --------------------------------------------------------------------------------------
    def fetch_orders(self, window: Window, *, for_comparison: bool = False) -> Iterator[OrderPage]:
        """``for_comparison`` (a reconciliation, sdk.reconcile_reads): refunds keep the amount and reason the
        order lists, without the extra call per refunded order for their dates and items."""
        params = {"status": "any", "orderby": "id", "order": "asc", **window_params(window)}

        def refunds_of_page(records: list[Any]) -> dict[str, list[Any]]:
            # read where the page was read, one request at a time: beside the other pages in flight
            return {} if for_comparison else self._refund_details(records, concurrency=1)

        pages = self.client.pages_then("/orders", params, refunds_of_page, concurrency=self.config["concurrency"])
        for records, response, number, details in pages:
            orders, quarantined = orders_from_wc(records, self.mapping, details)
            yield Page(
                orders,
                quarantined,
                number,
                _int(response.headers.get("X-WP-TotalPages")),
                _int(response.headers.get("X-WP-Total")),
            )

    def fetch_order(self, ref: OrderRef) -> OrderPage:
        raw = self.client.order(ref.external_id)
        orders, quarantined = orders_from_wc([raw], self.mapping, self._refund_details([raw]))
        return Page(orders, quarantined, 1, 1, 1)

    def _refund_details(self, records: list[Any], *, concurrency: int | None = None) -> dict[str, list[Any]]:
        """The order lists its refunds as id, reason and total only; their dates and items are read apart,
        and only for the orders that list refunds. Where two or more of them do, one ``GET /refunds`` (per 100
        refunds) reads them all; otherwise, on a shop without that route, or for an order whose refunds it did
        not all return, one ``GET /orders/{id}/refunds`` per order, as many at a time as the setting allows.
        Either way the result is order id → that order's refunds, as the order refunds route returns them."""
        workers = self.config["concurrency"] if concurrency is None else concurrency
        refunded = [raw for raw in records if has_refunds(raw)]
        details: dict[str, list[Any]] = {}
        if len(refunded) > 1 and self._refunds_collection:
            details = self._refunds_by_collection(refunded, workers)
        rest = [raw for raw in refunded if str(raw["id"]) not in details]

        def refunds_of(raw: Any) -> tuple[str, list[Any]]:
            return str(raw["id"]), [
                r for page, _, _ in self.client.pages(f"/orders/{raw['id']}/refunds", {}) for r in page
            ]

        details.update(in_order(refunds_of, rest, workers))
        return {str(raw["id"]): details[str(raw["id"])] for raw in refunded}

    def _refunds_by_collection(self, refunded: list[Any], workers: int) -> dict[str, list[Any]]:
        """The refunds the orders list, read by ``GET /refunds?include=<refund ids>`` (see the module docstring):
        the orders whose every listed refund came back, each with its refunds in the order it lists them."""
        listed: dict[str, list[str]] = {}  # order id → the refund ids it lists
        for raw in refunded:
            ids = [str(s.get("id")) if isinstance(s, dict) else "" for s in raw["refunds"]]
            if all(i.isdigit() for i in ids):  # else the order refunds route, which needs no ids
                listed[str(raw["id"])] = ids
        wanted = {i: oid for oid, ids in listed.items() for i in ids}
        found: dict[str, dict[str, Any]] = {}
        ids = list(wanted)
        chunks = [ids[n : n + PER_PAGE] for n in range(0, len(ids), PER_PAGE)]
        try:
            for chunk in chunks:
                params = {"include": ",".join(chunk), "orderby": "id", "order": "asc"}
                chunk_ids = set(chunk)
                for page, response, _ in self.client.pages("/refunds", params, concurrency=workers):
                    total = _int(response.headers.get("X-WP-Total"))
                    if (total is not None and total > len(chunk)) or any(
                        not isinstance(r, dict) or str(r.get("id")) not in chunk_ids for r in page
                    ):
                        self._collection_unusable("answers with refunds it was not asked for (include ignored)")
                        return {}
                    for r in page:
                        if str(r.get("parent_id")) == wanted[str(r["id"])]:
                            found[str(r["id"])] = r
        except NotFoundError as exc:
            if exc.status != 404 or "rest_no_route" not in exc.body:
                raise
            self._collection_unusable("has no GET /refunds (rest_no_route; WooCommerce before 9.0)")
            return {}
        return {oid: [found[i] for i in ids] for oid, ids in listed.items() if all(i in found for i in ids)}

    def _collection_unusable(self, why: str) -> None:
        """Refund details per order from now on, for this connector instance; said once (pages in flight may
        find it out at the same time)."""
        with self._refunds_lock:
            if not self._refunds_collection:
                return
            self._refunds_collection = False
        log.info("WooCommerce at %s %s: reading refunds per order", self.config["url"], why)

    def fetch_articles(self, window: Window) -> Iterator[ArticlePage]:
        params = {"orderby": "id", "order": "asc", **window_params(window)}
        for records, response, number in self.client.pages("/products", params):
            page: ArticlePage = Page(
                number=number,
                total_pages=_int(response.headers.get("X-WP-TotalPages")),
                window_total=_int(response.headers.get("X-WP-Total")),
            )
            for raw in records:
                try:
                    page.records.append(article_from_wc(raw, self._variations(raw)))
                except RecordError as exc:
                    page.quarantined.append(quarantine(raw, exc))
            yield page

    def _variations(self, product: Any) -> list[Any]:
        if not isinstance(product, dict) or product.get("type") != "variable":
            return []
        if not str(product.get("id", "")).isdigit():
            raise RecordError("variable product without a numeric id", hint="The product record is damaged.")
        path = f"/products/{product['id']}/variations"
        return [v for page, _, _ in self.client.pages(path, {"orderby": "id", "order": "asc"}) for v in page]

    # webhooks ------------------------------------------------------------------------------------
    def register_webhooks(self) -> None:
        webhooks.register(self.client, self.context)

    def unregister_webhooks(self) -> None:
        webhooks.unregister(self.client, self.context)

    def check_webhooks(self, repair: bool = True) -> WebhookHealth:
        return webhooks.check(self.client, self.context, repair)

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookMeta:
        return webhooks.verify(self.context.state, headers, body)

    def parse_webhook(self, meta: WebhookMeta, body: bytes) -> OrderPage:
        if meta.is_ping or not meta.topic.startswith("order.") or meta.topic == "order.deleted":
            return Page()
        raw = webhooks.payload(body)
        try:
            return Page([order_from_wc(raw, self.mapping, self._refund_details([raw]))], [], 1, 1, 1)
        except RecordError as exc:
            return Page([], [quarantine(raw, exc)], 1, 1, 1)

    # push ----------------------------------------------------------------------------------------
    def _checked(self, done: Callable[[], bool], write: Callable[[], Any]) -> bool:
        """Write unless ``done()``; see ``sdk.idempotency``. True = the channel already showed the effect."""
        return checked_write(
            done, write, attempts=CHECK_ATTEMPTS, pause=lambda n: self._sleep(self.client.http.retry.backoff(n))
        )

    def channel_status_for(self, state: OrderState) -> str | None:
        return self.mapping.statuses.status_for(state)

    def push_state(self, ref: OrderRef, state: OrderState, comment: str = "") -> PushResult:
        status = self.mapping.statuses.status_for(state)
        if status is None:
            return PushResult(
                ok=True,
                detail=f"state {state.name_en!r} is not pushed to WooCommerce (status_map_export); nothing sent",
            )
        order_id = ref.external_id
        already = self._checked(
            lambda: self.client.order(order_id).get("status") == status,
            lambda: self.client.update_order(order_id, {"status": status}),
        )
        if comment:
            self._checked(
                lambda: note_containing(self.client.notes(order_id), comment) is not None,
                lambda: self.client.add_note(order_id, comment, to_customer=False),
            )
        return PushResult(ok=True, already_done=already, remote_id=order_id, detail=f"status {status}")

    def push_tracking(self, ref: OrderRef, shipment: Shipment) -> PushResult:
        order_id, number = ref.external_id, shipment.tracking_number
        if not number.strip():
            return PushResult(ok=False, detail="no tracking number to transmit")
        note_done = self._checked(
            lambda: note_containing(self.client.notes(order_id), number) is not None,
            lambda: self.client.add_note(
                order_id, tracking_note(shipment, self.config["note_language"]), to_customer=True
            ),
        )
        meta_done = True
        if self.tracking_key:
            key, seen = self.tracking_key, {}

            def meta_has_it() -> bool:
                seen["value"] = meta_value_with(self.client.order(order_id).get("meta_data"), key, shipment)
                return seen["value"] is None

            meta_done = self._checked(
                meta_has_it,
                lambda: self.client.update_order(order_id, {"meta_data": [{"key": key, "value": seen["value"]}]}),
            )
        return PushResult(
            ok=True, already_done=note_done and meta_done, remote_id=order_id, detail=f"tracking {number}"
        )

    def send_message(self, ref: OrderRef, subject: str, text: str) -> PushResult:
        order_id = ref.external_id
        note = f"{subject}\n\n{text}" if subject.strip() else text
        already = self._checked(
            lambda: note_containing(self.client.notes(order_id), note) is not None,
            lambda: self.client.add_note(order_id, note, to_customer=True),
        )
        return PushResult(ok=True, already_done=already, remote_id=order_id, detail="customer note")

    def push_stock(self, updates: list[StockUpdate]) -> list[PushResult]:
        """Simple products via /products/batch, variations via /products/{id}/variations/batch, ≤ 100 each.

        Several updates of one listing coalesce to the last; each gets the result of the value sent. An
        item WooCommerce rejects is a failed PushResult; the items of a call that failed as a whole get
        that ChannelError in their place, so the engine retries exactly those (retryable or not, as
        classified) while the other calls' results stand.
        """
        latest: dict[tuple[str, str], StockUpdate] = {}
        for u in updates:
            latest[(u.product_external_id, u.variant_external_id)] = u
        groups: dict[str, list[StockUpdate]] = {}
        results: dict[tuple[str, str], PushResult | ChannelError] = {}
        for (product, variant), u in latest.items():
            try:
                path = f"/products/{rid(product)}/variations/batch" if variant else "/products/batch"
                rid(variant or product)
            except NotFoundError as exc:
                results[(product, variant)] = PushResult(ok=False, remote_id=variant or product, detail=str(exc))
                continue
            groups.setdefault(path, []).append(u)
        for path, group in groups.items():
            for start in range(0, len(group), BATCH_LIMIT):
                chunk = group[start : start + BATCH_LIMIT]
                body = [
                    {
                        "id": rid(u.variant_external_id or u.product_external_id),
                        "manage_stock": True,
                        "stock_quantity": int(u.quantity),
                    }
                    for u in chunk
                ]
                try:
                    answer = self.client.batch(path, body)
                except ChannelError as exc:
                    results.update({(u.product_external_id, u.variant_external_id): exc for u in chunk})
                    continue
                results.update(_batch_results(chunk, answer))
        return [results[(u.product_external_id, u.variant_external_id)] for u in updates]  # type: ignore[misc]


def _batch_results(chunk: list[StockUpdate], answer: Any) -> dict[tuple[str, str], PushResult]:
    items = answer.get("update") if isinstance(answer, dict) else None
    items = items if isinstance(items, list) else []
    by_id = {str(i.get("id")): i for i in items if isinstance(i, dict)}
    out = {}
    for index, u in enumerate(chunk):
        target = u.variant_external_id or u.product_external_id
        item = by_id.get(target) or (items[index] if index < len(items) and isinstance(items[index], dict) else None)
        key = (u.product_external_id, u.variant_external_id)
        if item is None:
            out[key] = PushResult(ok=False, remote_id=target, detail="WooCommerce returned no result for this item")
        elif isinstance(item.get("error"), dict):
            err = item["error"]
            out[key] = PushResult(
                ok=False, remote_id=target, detail=f"{err.get('code', 'error')}: {err.get('message', '')}".strip()
            )
        else:
            out[key] = PushResult(ok=True, remote_id=target, detail=f"stock {item.get('stock_quantity', u.quantity)}")
    return out


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().isdigit() else None
