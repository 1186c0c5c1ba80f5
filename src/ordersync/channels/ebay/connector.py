"""eBay: orders in by polling the Sell Fulfillment API and by Notification API deliveries; item-level
shipments, stock (Inventory API or Trading, per listing) and buyer messages out.

Where each fact comes from is said in the module that uses it: ``client`` (endpoints, the getOrders filter),
``mapping`` (the order record), ``stock`` (listing kinds, batch sizes, the daily revision limit), ``auth``
(OAuth), ``notifications`` (signatures, topics), ``limits`` (call budgets).

Pushes check eBay before writing (invariant 3): a shipment whose tracking number eBay already lists for the
order is not created again; a message whose text is already in the buyer's conversation is not sent again.
Stock writes absolute values, which is safe to repeat.

Marketplace account deletion: the endpoint answers eBay's GET challenge, deliveries are checked like every
other, and a MARKETPLACE_ACCOUNT_DELETION notice has the named user's personal data erased from this
connection's orders by the hub (``ConnectorContext.erase_buyer``, the application layer's erasure): the
orders stay, with a history line. The connector only reads the notice.

Facts checked against eBay's pages (search, 2026-12): ReviseInventoryStatus takes at most four items; a listing
may be revised 250 times per calendar day; Inventory API listings cannot be revised with Trading;
ORDER_CONFIRMATION names the orderId to look up with getOrders; public keys should be cached about an hour;
seller cancellations go through the Post-Order API with CancelReasonEnum and need a digital signature for
EU/UK sellers (``signing``: RFC 9421, checked against eBay's published Ed25519 test vector); a self-certified application starts at 5,000 calls per day. Still unverified (said where used):
the per-API daily defaults, carrier code spellings, the Post-Order "IAF" header, RuName as redirect_uri, scope
in refresh requests, which bytes eBay signs, the time zone of eBay's "calendar day", the error ids and form of
the private key of eBay's digital signatures (``signing``), and that a variation's ``Quantity`` in
GetMyeBaySelling counts the sold units too.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ordersync.channels.sdk import xml
from ordersync.channels.sdk.capabilities import Capability, Mode, declare
from ordersync.channels.sdk.connector import Connector, ConnectorContext
from ordersync.channels.sdk.errors import (
    AuthError,
    ChannelError,
    NotFoundError,
    PermanentError,
    RateLimited,
    RecordError,
    TransientError,
)
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.idempotency import checked_write
from ordersync.channels.sdk.mapping import quarantine_record
from ordersync.channels.sdk.oauth2_auth import OAuth2Auth
from ordersync.channels.sdk.public_keys import notification_api_fetch, shared_cache
from ordersync.channels.sdk.reconcile_reads import ReconcileReads
from ordersync.channels.sdk.records import (
    ArticlePage,
    ConnectionTestResult,
    OrderPage,
    OrderRef,
    Page,
    PushResult,
    WebhookMeta,
    Window,
)
from ordersync.channels.sdk.settings import SettingsError
from ordersync.channels.sdk.webhook_reconcile import WebhookHealth
from ordersync.channels.sdk.webhook_reply import HashChallenge
from ordersync.channels.sdk.webhook_verify import Delivery, EcdsaScheme
from ordersync.domain import Article, ArticleVariant, OrderState, Shipment, StockUpdate

from . import auth, notifications, signing, stock
from .client import MAX_LIMIT, EbayClient, TradingError, stamp
from .mapping import orders_from_ebay
from .setup import GUIDE, MARKETPLACES, SETTINGS

log = logging.getLogger(__name__)
CHECK_ATTEMPTS = 5
#: hub carrier names -> eBay shippingCarrierCode (eBay's list comes from Trading GeteBayDetails; these
#: spellings are unverified here); anything else is sent as the seller wrote it
CARRIERS = {
    "dhl": "DHL",
    "deutsche post": "DeutschePost",
    "dpd": "DPD",
    "gls": "GLS",
    "hermes": "Hermes",
    "ups": "UPS",
    "fedex": "FedEx",
    "usps": "USPS",
    "royal mail": "RoyalMail",
    "post at": "AustrianPost",
}
CANCELED = "CANCELED"
#: the seller's reasons of the Post-Order API's CancelReasonEnum [docs]
CANCEL_REASONS = ("OUT_OF_STOCK_OR_CANNOT_FULFILL", "BUYER_ASKED_CANCEL", "ADDRESS_ISSUES")
SIGNATURE = EcdsaScheme(signed_time="/notification/publishDate")
DELETION_REASON = "eBay account deletion"


class EbayConnector(Connector):
    system = "ebay"
    display_name = "eBay"
    group = "marketplace"
    capabilities = (
        declare(
            Capability.IMPORT_ORDERS,
            Mode.POLL,
            Mode.WEBHOOK,
            note="Sell Fulfillment getOrders by modification time; ORDER_CONFIRMATION notifications",
        ),
        declare(Capability.IMPORT_ARTICLES, Mode.POLL, note="Inventory API items"),
        declare(
            Capability.TRANSMIT_TRACKING,
            Mode.API,
            item_level=True,
            note="shipping fulfilments per line item and quantity",
        ),
        declare(
            Capability.SET_STOCK,
            Mode.API,
            note="Inventory API bulk update, Trading ReviseInventoryStatus for other listings",
        ),
        declare(Capability.SEND_MESSAGES, Mode.API, note="Commerce Message API, in the buyer's conversation"),
        declare(
            Capability.CHANGE_STATUS,
            Mode.API,
            note="cancellation only (Post-Order API, whole orders, with the seller's reason)",
        ),
    )
    settings_schema = SETTINGS
    guide = GUIDE
    sandbox_factory = "ordersync.channels.ebay.sandbox:create_sandbox"
    reconcile_reads = ReconcileReads(orders=True)  # stock and listings are not compared yet
    oauth = auth.USER
    webhook_challenge = HashChallenge()
    poll_interval = 300

    def __init__(self, settings: Mapping[str, Any], context: ConnectorContext | None = None) -> None:
        super().__init__(settings, context)
        self.config = SETTINGS.parse(self.settings)
        if not 1 <= self.config["page_size"] <= MAX_LIMIT:
            raise SettingsError(f"setting 'page_size': {self.config['page_size']} is not between 1 and {MAX_LIMIT}")
        self._client: EbayClient | None = None
        self._app_http: ChannelHTTP | None = None
        self._user_auth: OAuth2Auth | None = None
        self._kinds: dict[str, tuple[str, list[dict[str, Any]]]] = {}
        self._sleep = time.sleep
        jwe, private = self.config["signing_jwe"], self.config["signing_private_key"]
        if bool(jwe.strip()) != bool(private.strip()):
            raise SettingsError(
                "settings 'signing_jwe' and 'signing_private_key': enter both parts of the signing key, or neither"
            )
        self._signing_key = signing.SigningKey.parse(jwe, private) if jwe.strip() else None

    # plumbing --------------------------------------------------------------------------------------
    @property
    def _key(self) -> str:
        return str(self.context.connection_id or self.config["api_url"])

    def oauth_auth(self) -> OAuth2Auth:
        if self._user_auth is None:
            self._user_auth = OAuth2Auth(self.oauth, self.config, self.context.tokens)
        return self._user_auth

    @property
    def client(self) -> EbayClient:
        if self._client is None:
            cfg = self.config
            user = self.oauth_auth()
            trading = OAuth2Auth(auth.TRADING, cfg, user.store)
            post_order = OAuth2Auth(auth.POST_ORDER, cfg, user.store)
            self._client = EbayClient(
                cfg["api_url"],
                auth=user,
                trading_auth=trading,
                post_order_auth=post_order,
                marketplace=cfg["marketplace"],
                site_id=MARKETPLACES[cfg["marketplace"]],
                timeout=cfg["timeout"],
                connection_key=self._key,
                verify_tls=cfg["verify_tls"],
                ca_pem=cfg["ca_bundle"],
                signing_key=self._signing_key,
            )
        return self._client

    @property
    def app_http(self) -> ChannelHTTP:
        """Calls made with the application token (public keys, notification destinations)."""
        if self._app_http is None:
            cfg = self.config
            app = OAuth2Auth(auth.APPLICATION, cfg, auth.application_store(cfg))
            self._app_http = ChannelHTTP(
                cfg["api_url"].rstrip("/"),
                auth=app,
                timeout=cfg["timeout"],
                verify=cfg["verify_tls"],
                ca_pem=cfg["ca_bundle"],
            )
        return self._app_http

    def close(self) -> None:
        for http in (self._client, self._app_http):
            if http is not None:
                http.close()

    def _checked(self, done: Any, write: Any) -> bool:
        """Write unless done; between tries a short pause (at most a second): the engine's outbox retries
        later anyway, so a worker is not held for long."""
        return checked_write(
            done,
            write,
            attempts=CHECK_ATTEMPTS,
            pause=lambda n: self._sleep(min(1.0, self.client.http.retry.backoff(n))),
        )

    # lifecycle -------------------------------------------------------------------------------------
    def test_connection(self) -> ConnectionTestResult:
        quick = dataclasses.replace(self.client.http.retry, max_attempts=2)  # a person is waiting
        try:
            data = self.client.probe(quick)
        except AuthError as exc:
            return ConnectionTestResult(
                False,
                f"eBay did not accept the authorisation ({exc}). Check App ID and Cert ID and allow access again.",
            )
        except TransientError as exc:
            return ConnectionTestResult(False, f"eBay could not be reached ({exc}).")
        except PermanentError as exc:
            return ConnectionTestResult(False, f"eBay refused the request: {exc}")
        total = data.get("total") if isinstance(data, dict) else None
        return ConnectionTestResult(
            True,
            f"Connected to eBay ({self.config['marketplace']}).",
            {"orders": str(total) if total is not None else "?"},
        )

    # import ----------------------------------------------------------------------------------------
    def fetch_orders(self, window: Window) -> Iterator[OrderPage]:
        for number, (records, total) in enumerate(self.client.orders(window, self.config["page_size"]), 1):
            orders, quarantined = orders_from_ebay(records)
            yield Page(orders, quarantined, number, None, total)

    def fetch_order(self, ref: OrderRef) -> OrderPage:
        orders, quarantined = orders_from_ebay([self.client.order(ref.external_id.strip())])
        return Page(orders, quarantined, 1, 1, 1)

    def fetch_articles(self, window: Window) -> Iterator[ArticlePage]:
        """Inventory API items (keyed by SKU), then the active listings made elsewhere (Trading
        GetMyeBaySelling, keyed by item id) whose SKU the Inventory API does not hold. Neither carries a
        modification time a query could use, so every poll reads them all."""
        skus: set[str] = set()
        number = 0
        for number, (items, total) in enumerate(self.client.inventory_items(), 1):
            page: ArticlePage = Page(number=number, window_total=total)
            for raw in items:
                try:
                    page.records.append(_article(raw))
                    skus.add(page.records[-1].sku)
                except RecordError as exc:
                    page.quarantined.append(quarantine_record(raw, exc, label="eBay inventory item"))
            yield page
        for items, total in self.client.active_listings():
            number += 1
            page = Page(number=number, window_total=total)
            for item in items:
                sku = xml.find_text(item, "SKU", default="") or ""
                variation_skus = {
                    xml.find_text(v, "SKU", default="") for v in xml.find_all(item, "Variations", "Variation")
                }
                if (sku and sku in skus) or (variation_skus and variation_skus <= skus):
                    continue  # an Inventory API listing, already read by its SKU(s)
                try:
                    page.records.append(_listing_article(item, sku))
                except RecordError as exc:
                    page.quarantined.append(
                        quarantine_record(
                            {"ItemID": xml.find_text(item, "ItemID"), "SKU": sku}, exc, label="eBay listing"
                        )
                    )
            yield page

    # webhooks --------------------------------------------------------------------------------------
    def _token(self) -> str:
        """The seller's verification token, or one derived from the client secret and the webhook address:
        eBay checks the endpoint while the destination is created, before a generated token could be saved."""
        return str(
            self.config.get("verification_token")
            or self.context.state.get("verification_token")
            or notifications.derived_token(self.config["client_secret"], self.context.webhook_url)
        )

    def answer_webhook_challenge(self, query: Mapping[str, str]) -> Any:
        return self.webhook_challenge.answer(query, self._token(), self.context.webhook_url)

    def register_webhooks(self) -> None:
        notifications.register(
            self.app_http, self.client.http, self.context.state, self.context.webhook_url, self._token()
        )

    def check_webhooks(self, repair: bool = True) -> WebhookHealth:
        return notifications.check(
            self.app_http, self.client.http, self.context.state, self.context.webhook_url, self._token(), repair
        )

    def unregister_webhooks(self) -> None:
        notifications.unregister(self.app_http, self.client.http, self.context.state)

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookMeta:
        cache = shared_cache(f"ebay:{self.config['api_url']}")
        fetch = notification_api_fetch(self.app_http)
        SIGNATURE.verify(Delivery.of(headers, body), lambda kid: cache.get(kid, fetch))
        return notifications.meta_of(body)

    def parse_webhook(self, meta: WebhookMeta, body: bytes) -> OrderPage:
        if meta.topic == notifications.DELETION_TOPIC:
            self._erase(notifications.deleted_user(body))
            return Page()
        if meta.topic != notifications.ORDER_TOPIC or not meta.resource_id:
            return Page()
        return self.fetch_order(OrderRef(meta.resource_id))

    def _erase(self, username: str) -> None:
        """Orders name their buyer by eBay username (``mapping``), so that is whose data is erased."""
        if self.context.erase_buyer is None:  # kept for a processor that can erase; never acknowledged unerased
            raise TransientError(
                f"eBay asks to erase the personal data of user {username!r}, and this process "
                "cannot erase; the delivery waits for a worker that can"
            )
        changed = self.context.erase_buyer(username, DELETION_REASON)
        log.info("eBay account deletion: personal data erased from %d order(s)", changed)  # the name is personal data

    # cancellation ----------------------------------------------------------------------------------
    def channel_status_for(self, state: OrderState) -> str | None:
        return CANCELED if state is OrderState.CANCELLED else None

    def push_state(self, ref: OrderRef, state: OrderState, comment: str = "") -> PushResult:
        """Only a cancellation is pushed: eBay sets paid and shipped itself (payment, fulfilments). The
        Post-Order API cancels whole orders [docs]; the reason is the comment when it names one of eBay's
        seller reasons, else the ``cancel_reason`` setting."""
        if state is not OrderState.CANCELLED:
            return PushResult(ok=True, detail=f"state {state.name_en!r} is not pushed to eBay; nothing sent")
        order_id = ref.external_id
        reason = comment.strip().upper() if comment.strip().upper() in CANCEL_REASONS else self.config["cancel_reason"]
        seen: dict[str, Any] = {}

        def done() -> bool:
            seen["order"] = order = self.client.order(order_id)
            return (order.get("cancelStatus") or {}).get("cancelState") in ("CANCELED", "IN_PROGRESS")

        def write() -> None:
            order = seen["order"]
            paid = order.get("orderPaymentStatus") in ("PAID", "PARTIALLY_REFUNDED")
            payment = next(
                (
                    p.get("paymentDate")
                    for p in (order.get("paymentSummary") or {}).get("payments") or []
                    if p.get("paymentDate")
                ),
                None,
            )
            body: dict[str, Any] = {
                "legacyOrderId": order.get("legacyOrderId") or order_id,
                "cancelReason": reason,
                "buyerPaid": paid,
            }
            if paid and payment:
                body["buyerPaidDate"] = {"value": payment}
            seen["cancel"] = self.client.cancel(body)

        already = self._checked(done, write)
        return PushResult(
            ok=True,
            already_done=already,
            remote_id=str((seen.get("cancel") or {}).get("cancelId") or order_id),
            detail=f"cancelled ({reason})",
        )

    # tracking --------------------------------------------------------------------------------------
    def push_tracking(self, ref: OrderRef, shipment: Shipment) -> PushResult:
        order_id, number = ref.external_id, shipment.tracking_number.strip()
        if not number:
            return PushResult(ok=False, detail="no tracking number to transmit")

        def done() -> bool:
            return any(f.get("shipmentTrackingNumber") == number for f in self.client.fulfillments(order_id))

        seen: dict[str, str] = {}

        def write() -> None:
            body = {
                "lineItems": self._lines(order_id, shipment),
                "trackingNumber": number,
                "shippingCarrierCode": CARRIERS.get(shipment.carrier.strip().lower(), shipment.carrier.strip()),
                "shippedDate": stamp(shipment.shipped_at or datetime.now(UTC)),
            }
            seen["id"] = self.client.create_fulfillment(order_id, body)

        already = self._checked(done, write)
        return PushResult(
            ok=True, already_done=already, remote_id=seen.get("id", order_id), detail=f"shipping fulfilment {number}"
        )

    def _lines(self, order_id: str, shipment: Shipment) -> list[dict[str, Any]]:
        if shipment.lines:
            return [{"lineItemId": line.item_external_id, "quantity": int(line.quantity)} for line in shipment.lines]
        shipped: dict[str, int] = {}
        for f in self.client.fulfillments(order_id):
            for line in f.get("lineItems") or []:
                shipped[str(line.get("lineItemId"))] = shipped.get(str(line.get("lineItemId")), 0) + int(
                    line.get("quantity") or 0
                )
        order = self.client.order(order_id)
        lines: list[dict[str, Any]] = [
            {
                "lineItemId": str(li["lineItemId"]),
                "quantity": int(li["quantity"]) - shipped.get(str(li["lineItemId"]), 0),
            }
            for li in order.get("lineItems") or []
        ]
        open_lines = [line for line in lines if line["quantity"] > 0]
        if not open_lines:
            raise PermanentError(f"order {order_id}: every line is shipped already; nothing left to ship")
        return open_lines

    # messages --------------------------------------------------------------------------------------
    def send_message(self, ref: OrderRef, subject: str, text: str) -> PushResult:
        order = self.client.order(ref.external_id)
        username = str((order.get("buyer") or {}).get("username") or "")
        if not username:
            return PushResult(ok=False, detail="eBay names no buyer for this order")
        item_id = next(
            (str(li.get("legacyItemId")) for li in order.get("lineItems") or [] if li.get("legacyItemId")), ""
        )
        # eBay's conversations are per buyer and listing, not per order: the order id in the text tells a second
        # order of the same buyer and item apart (for the buyer, and for the check below)
        tail = f"\n\n[{ref.external_id}]"
        message = (f"{subject.strip()}\n\n{text}" if subject.strip() else text)[: 2000 - len(tail)] + tail

        def done() -> bool:
            return any(
                message.strip() == str(m.get("messageBody") or "").strip()
                for c in self.client.conversations(username, item_id)
                for m in self.client.messages(str(c.get("conversationId")))
            )

        body: dict[str, Any] = {"otherPartyUsername": username, "messageText": message}
        if item_id:
            body["reference"] = {"referenceId": item_id, "referenceType": "LISTING"}
        sent: dict[str, Any] = {}
        already = self._checked(done, lambda: sent.update(self.client.send_message(body)))
        return PushResult(
            ok=True,
            already_done=already,
            remote_id=str(sent.get("messageId") or username),
            detail="message to the buyer",
        )

    # stock -----------------------------------------------------------------------------------------
    def _kind(self, sku: str) -> tuple[str, list[dict[str, Any]]]:
        if sku not in self._kinds:
            try:
                offers = self.client.offers(sku)
            except NotFoundError:
                offers = []
            self._kinds[sku] = (stock.INVENTORY_API if offers else stock.TRADING_API, offers)
        return self._kinds[sku]

    def push_stock(self, updates: list[StockUpdate]) -> list[PushResult]:
        latest = stock.coalesce(updates)
        counter = stock.counter_for(self._key)
        results: dict[str, PushResult | ChannelError] = {}
        inventory: list[tuple[str, int]] = []
        trading: list[str] = []
        for key, update in latest.items():
            try:
                kind, offers = self._kind(update.sku or key)
            except ChannelError as exc:
                results[key] = exc
                continue
            listing = _listing(offers) or update.product_external_id or key
            if counter.left(listing) <= 0:
                results[key] = RateLimited(
                    f"listing {listing} has used eBay's {stock.DAILY_REVISIONS} revisions for today",
                    retry_after=stock.seconds_to_next_day(),
                )
                continue
            if kind == stock.INVENTORY_API:
                inventory.append((key, max(1, len(offers))))
            else:
                trading.append(key)
        for call in stock.pack(inventory, stock.BULK_OFFERS):
            self._bulk(call, latest, counter, results)
        for start in range(0, len(trading), stock.TRADING_ITEMS):
            self._revise(trading[start : start + stock.TRADING_ITEMS], latest, counter, results)
        # a refused update is answered with its ChannelError in its place, which the dispatcher settles
        answers: list[Any] = [
            results[stock.key_of(u)]
            if latest[stock.key_of(u)] is u
            else PushResult(ok=True, remote_id=stock.key_of(u), detail="superseded by a newer value in the same batch")
            for u in updates
        ]
        return answers

    def _bulk(
        self, keys: list[str], latest: dict[str, StockUpdate], counter: stock.RevisionCounter, results: dict[str, Any]
    ) -> None:
        requests = []
        for key in keys:
            quantity = max(0, int(latest[key].quantity))
            offers = self._kinds[latest[key].sku or key][1]
            requests.append(
                {
                    "sku": latest[key].sku or key,
                    "shipToLocationAvailability": {"quantity": quantity},
                    "offers": [{"offerId": o["offerId"], "availableQuantity": quantity} for o in offers],
                }
            )
        try:
            answers = self.client.bulk_update(requests)
        except ChannelError as exc:
            results.update({key: exc for key in keys})
            return
        for key in keys:
            sku = latest[key].sku or key
            mine = [a for a in answers if a.get("sku") == sku]
            errors = [e for a in mine for e in a.get("errors") or [] if isinstance(e, dict)]
            listing = _listing(self._kinds[sku][1]) or sku
            if not mine:
                results[key] = TransientError(f"bulkUpdatePriceQuantity answered nothing for SKU {sku}")
            elif errors:
                results[key] = _refusal(
                    listing, "; ".join(f"{e.get('errorId')}: {e.get('message')}" for e in errors), counter
                )
            else:
                counter.spend(listing)
                results[key] = PushResult(
                    ok=True, remote_id=sku, detail=f"stock {latest[key].quantity} (Inventory API)"
                )

    def _revise(
        self, keys: list[str], latest: dict[str, StockUpdate], counter: stock.RevisionCounter, results: dict[str, Any]
    ) -> None:
        statuses = []
        for key in keys:
            update = latest[key]
            item = update.product_external_id if update.product_external_id.isdigit() else ""
            statuses.append(
                {
                    "ItemID": item or None,
                    "SKU": update.sku or (None if item else key),
                    "Quantity": max(0, int(update.quantity)),
                }
            )
        try:
            self.client.trading("ReviseInventoryStatus", {"InventoryStatus": statuses}, idempotent=True)
        except TradingError as exc:
            results.update({key: _refusal(latest[key].product_external_id or key, str(exc), counter) for key in keys})
            return
        except ChannelError as exc:
            results.update({key: exc for key in keys})
            return
        for key in keys:
            counter.spend(latest[key].product_external_id or key)
            results[key] = PushResult(ok=True, remote_id=key, detail=f"stock {latest[key].quantity} (Trading)")


def _listing(offers: list[dict[str, Any]]) -> str:
    return next(
        (str((o.get("listing") or {}).get("listingId")) for o in offers if (o.get("listing") or {}).get("listingId")),
        "",
    )


def _refusal(listing: str, text: str, counter: stock.RevisionCounter) -> ChannelError:
    """eBay's refusal of a revision; the daily limit turns into a wait until tomorrow."""
    if "revis" in text.lower() and ("limit" in text.lower() or "250" in text):
        counter.exhaust(listing)
        return RateLimited(f"listing {listing}: {text}", retry_after=stock.seconds_to_next_day())
    return PermanentError(text)


def _listing_article(item: Any, sku: str) -> Article:
    """A Trading ``ItemType`` of GetMyeBaySelling: ``ItemID``, ``Title``, ``SKU``, ``QuantityAvailable``
    (what is left to sell), ``SellingStatus/CurrentPrice``. A multi-variation listing becomes one article with
    a variant per ``Variations/Variation``, keyed by the variation's SKU: ReviseInventoryStatus finds a
    variation by ItemID and SKU [docs], and the hub links it to its article by that SKU."""
    item_id = xml.find_text(item, "ItemID", default="") or ""
    if not item_id.isdigit():
        raise RecordError(f"the listing's ItemID {item_id!r} is not a number", hint="Open the listing on eBay.")
    title = xml.find_text(item, "Title", default=item_id) or item_id
    left = xml.find_text(item, "QuantityAvailable") or xml.find_text(item, "Quantity")
    variants = [_variation(item_id, v) for v in xml.find_all(item, "Variations", "Variation")]
    return Article(
        external_id=item_id,
        title=title,
        sku=sku,
        manages_stock=True,
        variants=variants,
        stock=Decimal(left) if left and left.isdigit() and not variants else None,
    )


def _variation(item_id: str, variation: Any) -> ArticleVariant:
    """A Trading ``VariationType``: ``SKU``, ``Quantity`` (listed so far, sold included), ``SellingStatus/
    QuantitySold``, ``VariationSpecifics/NameValueList{Name, Value}``. What is left is Quantity - QuantitySold
    [docs; unverified here]."""
    sku = xml.find_text(variation, "SKU", default="") or ""
    if not sku:
        raise RecordError(
            f"listing {item_id} has a variation without a SKU, which the hub cannot set stock for",
            hint="Give every variation of the listing a SKU on eBay.",
        )
    listed, sold = (
        xml.find_text(variation, "Quantity") or "",
        xml.find_text(variation, "SellingStatus", "QuantitySold") or "0",
    )
    specifics = {
        xml.find_text(nv, "Name", default="") or "": xml.find_text(nv, "Value", default="") or ""
        for nv in xml.find_all(variation, "VariationSpecifics", "NameValueList")
    }
    stock = Decimal(max(0, int(listed) - int(sold))) if listed.isdigit() and sold.isdigit() else None
    return ArticleVariant(
        external_id=sku,
        sku=sku,
        title=" / ".join(v for v in specifics.values() if v),
        stock=stock,
        manages_stock=True,
        attributes={k: v for k, v in specifics.items() if k},
    )


def _article(raw: Any) -> Article:
    if not isinstance(raw, dict) or not raw.get("sku"):
        raise RecordError("the inventory item has no sku", hint="Open the item in Seller Hub.")
    product = raw.get("product") or {}
    quantity = ((raw.get("availability") or {}).get("shipToLocationAvailability") or {}).get("quantity")
    ean = product.get("ean") or []
    return Article(
        external_id=str(raw["sku"]),
        title=str(product.get("title") or raw["sku"]),
        sku=str(raw["sku"]),
        ean=str(ean[0]) if ean else "",
        stock=Decimal(quantity) if isinstance(quantity, int) else None,
        manages_stock=True,
    )
