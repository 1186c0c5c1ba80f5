"""Etsy (Open API v3): receipts in by polling, tracking and stock out.

* **Auth**: OAuth 2 authorization code with PKCE (S256) at ``https://www.etsy.com/oauth/connect``, tokens from
  ``https://api.etsy.com/v3/public/oauth/token`` (``openapi.etsy.com`` is the same host) with the app's
  keystring as ``client_id`` in the form and no client secret; refresh tokens; every request also carries
  ``x-api-key: keystring:shared_secret`` [spec securitySchemes; docs developers.etsy.com/documentation/
  essentials/authentication and …/requests]. A refresh token may be pasted instead of the consent step.
* **Shop**: chosen after consent: the ``shop_id`` setting, or the authorising user's shop from
  ``getMe`` (``/users/me`` answers ``user_id`` and ``shop_id``), kept in the connection's state.
* **Orders**: ``getShopReceipts`` by ``min_last_modified``/``max_last_modified`` (unix seconds),
  ``sort_on=updated``, ``sort_order=asc``, offset paging; ``count`` is the window's size on every page, so
  a receipt that leaves the window while it is paged makes the engine read the window again.
* **Tracking**: ``createReceiptShipment`` (form ``tracking_code``, ``carrier_name``; ``other`` for a carrier
  Etsy does not know); whole receipts only (no line-level shipping in v3). Etsy requires tracking for
  shipments within the US over $10 and to India [spec operation description]; without a tracking number
  such a receipt is refused here with that reason instead of being marked shipped.
* **Stock**: ``updateListingInventory`` replaces the whole tree; see :mod:`.stock`.
* **Messages**: v3 has no conversations API, so SEND_MESSAGES is not declared: the hub then sends the
  buyer the message by e-mail itself (``sync.actions.send_message``, the seed's route 7). Declaring it here
  would route messages to this connector, which has no way to deliver them.
* **Limits**: per second and per day, see :mod:`.client`; when the day's budget is spent the import stops
  quietly, remembers where it stopped (``context.state["resume_since"]``) and shows the budget in the
  connection's state (``day_budget``) and its connection test, instead of failing runs; a push that meets it
  is rescheduled for when calls are allowed again.
* **Webhooks**: Etsy documents them (developers.etsy.com/documentation/essentials/webhooks, searched
  2026-12): commercial apps only, one event, ORDER_PAID, signed with a signing secret per endpoint; the
  endpoint is added by hand in Etsy's webhook portal (no Open API path registers, lists or repairs one), so
  the seller adds the hub's webhook address there and pastes the endpoint's signing secret into the
  ``webhook_secret`` setting. A delivery is verified (Standard Webhooks scheme, see :mod:`.webhooks` for
  what is Etsy's word and what third parties add) and the receipt it names is read through the API.
  Polling (every ``poll_interval``) stays the import route: it covers every change ORDER_PAID does not
  announce, and every order whose webhook was lost or refused.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ordersync.channels.sdk.capabilities import Capability, Mode, declare
from ordersync.channels.sdk.connector import Connector, ConnectorContext
from ordersync.channels.sdk.errors import (
    AuthError,
    NotFoundError,
    PermanentError,
    RecordError,
    TransientError,
)
from ordersync.channels.sdk.mapping import quarantine_record
from ordersync.channels.sdk.oauth2 import ClientAuth, Grant, OAuth2
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
from ordersync.domain import Shipment, StockUpdate

from .articles import article_from_listing
from .client import RECEIPTS_MAX_LIMIT, DayBudgetSpent, EtsyClient
from .mapping import orders_from_etsy
from .setup import GUIDE, SETTINGS
from .stock import rewrite
from .webhooks import is_order_paid, receipt_of
from .webhooks import verify as verify_delivery

EARLIEST = 946684800  # min_last_modified minimum [spec]
SCOPES = ("transactions_r", "transactions_w", "listings_r", "listings_w", "shops_r")


class EtsyConnector(Connector):
    system = "etsy"
    display_name = "Etsy"
    group = "marketplace"
    capabilities = (
        declare(
            Capability.IMPORT_ORDERS,
            Mode.POLL,
            Mode.WEBHOOK,
            note="receipts by modification time; ORDER_PAID webhooks where the app has them",
        ),
        declare(Capability.IMPORT_ARTICLES, Mode.POLL, note="listings with their inventory"),
        declare(Capability.TRANSMIT_TRACKING, Mode.API, note="receipt shipment with tracking code and carrier"),
        declare(Capability.SET_STOCK, Mode.API, note="listing inventory, only the changed quantities"),
    )
    settings_schema = SETTINGS
    guide = GUIDE
    sandbox_factory = "ordersync.channels.etsy.sandbox:create_sandbox"
    # orders: the receipts of a period, read for a comparison so that a spent day budget ends the run
    # incomplete instead of cutting the listing short. Stock and listings are not declared: the listings read
    # is not verified to include inactive and draft listings, so a listing missing from it proves nothing.
    reconcile_reads = ReconcileReads(orders=True, for_comparison=True)
    oauth = OAuth2(
        token_url="{api_url}/v3/public/oauth/token",
        authorize_url="{consent_url}/oauth/connect",
        grants=(Grant.AUTHORIZATION_CODE, Grant.REFRESH_TOKEN),
        scopes=SCOPES,
        pkce=True,
        # Etsy's token endpoint takes client_id in the form and no secret (a public PKCE client): the
        # SDK's form auth sends client_secret, which names no setting here and so goes empty
        client_auth=ClientAuth.BODY,
        client_secret_setting="no_client_secret",
        refresh_token_setting="refresh_token",
    )

    def __init__(self, settings: Mapping[str, Any], context: ConnectorContext | None = None) -> None:
        super().__init__(settings, context)
        self.config = SETTINGS.parse(self.settings)
        if not 1 <= self.config["page_size"] <= RECEIPTS_MAX_LIMIT:
            raise SettingsError(
                f"setting 'page_size': {self.config['page_size']} is not between 1 and {RECEIPTS_MAX_LIMIT}"
            )
        self.settings = {**self.settings, **self.config}  # OAuth URLs name settings that have defaults
        self._client: EtsyClient | None = None

    @property
    def client(self) -> EtsyClient:
        if self._client is None:
            cfg = self.config
            self._client = EtsyClient(
                cfg["api_url"],
                f"{cfg['client_id']}:{cfg['shared_secret']}",
                auth=self.oauth_auth(),
                timeout=cfg["timeout"],
                connection_key=str(self.context.connection_id or ""),
                verify_tls=cfg["verify_tls"],
                ca_pem=cfg["ca_bundle"],
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    @property
    def shop_id(self) -> int:
        """The shop chosen after consent: the setting, else the authorising user's shop (kept in state)."""
        if self.config["shop_id"]:
            return int(self.config["shop_id"])
        known = self.context.state.get("shop_id")
        if isinstance(known, int) and known > 0:
            return known
        shop = self.client.me().get("shop_id")
        if not isinstance(shop, int) or shop <= 0:
            raise PermanentError("the Etsy account that authorised ordersync has no shop")
        self.context.state["shop_id"] = shop
        return shop

    def test_connection(self) -> ConnectionTestResult:
        quick = dataclasses.replace(self.client.http.retry, max_attempts=2)  # a person is waiting
        try:
            shop_id = self.shop_id
            shop = self.client.shop(shop_id, retry=quick)
        except DayBudgetSpent as exc:
            return ConnectionTestResult(
                False, f"{exc}. Orders are read again once Etsy allows it.", self._budget_details()
            )
        except AuthError as exc:
            return ConnectionTestResult(
                False, f"Etsy did not accept the authorisation or the API key (keystring:shared secret): {exc}"
            )
        except TransientError as exc:
            return ConnectionTestResult(False, f"Etsy could not be reached ({exc}).")
        except PermanentError as exc:
            return ConnectionTestResult(False, f"Etsy refused the request: {exc}")
        return ConnectionTestResult(
            True,
            f"Connected to the Etsy shop {shop.get('shop_name') or shop_id}.",
            {"shop_id": str(shop_id), **self._budget_details()},
        )

    def _budget_details(self) -> dict[str, str]:
        snap = self.client.quota.snapshot()
        return {k: str(v) for k, v in snap.items() if v is not None}

    # import ----------------------------------------------------------------------------------------
    def fetch_orders(self, window: Window, *, for_comparison: bool = False) -> Iterator[OrderPage]:
        """``for_comparison`` (a reconciliation): exactly the window, no resume bookkeeping, and a spent day
        budget raises ``DayBudgetSpent`` instead of ending the listing early."""
        if for_comparison:
            yield from self._receipt_pages(window.since, window.until)
            return
        since = self._resume(window.since)
        try:
            yield from self._receipt_pages(since, window.until)
        except DayBudgetSpent as exc:
            # stop quietly; the next import starts from here again, whatever window the engine plans
            self.context.state["resume_since"] = since.isoformat() if since is not None else "all"
            self.context.state["day_budget"] = {
                "spent": True,
                "resume_in_s": round(exc.resume_in),
                "noted_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            return
        self.context.state.pop("resume_since", None)
        self.context.state.pop("day_budget", None)

    def _receipt_pages(self, since: datetime | None, until: datetime) -> Iterator[OrderPage]:
        params: dict[str, Any] = {
            "sort_on": "updated",
            "sort_order": "asc",
            "max_last_modified": max(EARLIEST, math.floor(until.timestamp())),
        }
        if since is not None:
            params["min_last_modified"] = max(EARLIEST, math.floor(since.timestamp()))
        pages = self.client.receipts(self.shop_id, params, self.config["page_size"])
        for number, (records, count) in enumerate(pages, 1):
            orders, quarantined = orders_from_etsy(records)
            yield Page(orders, quarantined, number, None, count)

    def _resume(self, since: datetime | None) -> datetime | None:
        resume = self.context.state.get("resume_since")
        if resume == "all":
            return None
        if isinstance(resume, str):
            earlier = datetime.fromisoformat(resume)
            return earlier if since is None or earlier < since else since
        return since

    def fetch_order(self, ref: OrderRef) -> OrderPage:
        receipt_id = ref.external_id.strip()
        if not receipt_id.isdigit():
            raise NotFoundError(f"{ref.external_id!r} is not an Etsy receipt id")
        orders, quarantined = orders_from_etsy([self.client.receipt(self.shop_id, receipt_id)])
        return Page(orders, quarantined, 1, 1, 1)

    # webhooks --------------------------------------------------------------------------------------
    def register_webhooks(self) -> None:
        """Nothing to call: Etsy's endpoints are added by hand in its webhook portal. Says what the seller
        must do when the connection cannot receive them yet; remembers the address otherwise."""
        url = self.context.webhook_url
        if not url:
            raise PermanentError("the hub has no public URL, so Etsy cannot deliver webhooks; orders are still polled")
        if not self.config["webhook_secret"]:
            raise PermanentError(
                f"Etsy webhooks are set up by hand: in Etsy's webhook portal (commercial apps "
                f"only) add the endpoint {url} for ORDER_PAID and paste its signing secret into "
                f"the setting 'webhook_secret'; until then orders are polled"
            )
        self.context.state["webhook_url"] = url

    def unregister_webhooks(self) -> None:
        """The portal's endpoint stays until the seller removes it there; deliveries to a removed connection's
        address are answered 404."""
        self.context.state.pop("webhook_url", None)

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookMeta:
        return verify_delivery(self.config["webhook_secret"], headers, body)

    def parse_webhook(self, meta: WebhookMeta, body: bytes) -> OrderPage:
        """ORDER_PAID of this shop: the receipt read now; any other event or shop: nothing to store."""
        if not is_order_paid(meta.topic) or not meta.resource_id:
            return Page()
        shop, receipt = receipt_of(json.loads(body))
        if shop and shop != str(self.shop_id):
            return Page()
        return self.fetch_order(OrderRef(external_id=receipt))

    def fetch_articles(self, window: Window) -> Iterator[ArticlePage]:
        """Every listing of the shop with its inventory (Etsy lists listings without a modification filter)."""
        for number, (records, count) in enumerate(self.client.listings(self.shop_id), 1):
            page: ArticlePage = Page(number=number, window_total=count)
            for raw in records:
                try:
                    page.records.append(article_from_listing(raw))
                except RecordError as exc:
                    page.quarantined.append(quarantine_record(raw, exc, label="Etsy listing"))
            yield page

    # pushes ----------------------------------------------------------------------------------------
    def push_tracking(self, ref: OrderRef, shipment: Shipment) -> PushResult:
        receipt = self._receipt(ref)
        number = shipment.tracking_number.strip()
        for shipped in receipt.get("shipments") or []:
            if isinstance(shipped, dict) and number and str(shipped.get("tracking_code") or "") == number:
                return PushResult(already_done=True, remote_id=str(shipped.get("receipt_shipping_id") or ""))
        if not number and _tracking_required(receipt):
            raise PermanentError(
                "Etsy requires a tracking number and carrier for this receipt (within the US "
                "over $10, or to India): add the tracking number to the shipment"
            )
        form = {"tracking_code": number, "carrier_name": shipment.carrier.strip() or "other"} if number else {}
        answer = self.client.create_shipment(self.shop_id, ref.external_id, form)
        ids = (
            [
                s.get("receipt_shipping_id")
                for s in (answer.get("shipments") or [])
                if isinstance(s, dict) and str(s.get("tracking_code") or "") == number
            ]
            if isinstance(answer, dict)
            else []
        )
        return PushResult(remote_id=str(ids[-1]) if ids and ids[-1] is not None else "")

    def _receipt(self, ref: OrderRef) -> dict[str, Any]:
        if not ref.external_id.strip().isdigit():
            raise NotFoundError(f"{ref.external_id!r} is not an Etsy receipt id")
        receipt = self.client.receipt(self.shop_id, ref.external_id.strip())
        if not isinstance(receipt, dict):
            raise TransientError("the receipt answer is not an object")
        return receipt

    def push_stock(self, updates: list[StockUpdate]) -> list[PushResult]:
        by_listing: dict[str, list[int]] = {}
        for n, update in enumerate(updates):
            by_listing.setdefault(update.product_external_id, []).append(n)
        results: list[PushResult | None] = [None] * len(updates)
        for listing_id, positions in by_listing.items():
            if not listing_id.isdigit():
                for n in positions:
                    results[n] = PushResult(ok=False, detail=f"{listing_id!r} is not an Etsy listing id")
                continue
            quantities = {
                (updates[n].variant_external_id, updates[n].sku): max(0, updates[n].quantity) for n in positions
            }
            tree = self.client.inventory(listing_id)
            body, changed, missing = rewrite(tree, quantities)
            if changed:
                self.client.put_inventory(listing_id, body)
            for n in positions:
                key = (updates[n].variant_external_id, updates[n].sku)
                results[n] = (
                    PushResult(ok=False, detail=f"listing {listing_id} has no product {key[0] or key[1]!r}")
                    if key in missing
                    else PushResult(already_done=key not in changed, remote_id=listing_id)
                )
        return [r for r in results if r is not None]


def _tracking_required(receipt: Mapping[str, Any]) -> bool:
    country = str(receipt.get("country_iso") or "").upper()
    total = receipt.get("grandtotal") or {}
    try:
        amount = Decimal(total["amount"]) / Decimal(total["divisor"])
    except (KeyError, TypeError, ArithmeticError):
        amount = Decimal(0)
    return country == "IN" or (country == "US" and total.get("currency_code") == "USD" and amount > 10)
