"""Shopware 5: orders in by polling the REST API; status, tracking code and stock out.

Import without a change timestamp: see ``polling.py`` (new orders by ``orderTime``, open orders re-read on
every poll, orders that left the open set read one by one, fingerprints in the connection state so only
changed orders are read in detail). Status and tracking are ``PUT /api/orders/{id}`` with
``orderStatusId``/``paymentStatusId`` and ``trackingCode``; stock is ``PUT /api/articles/{id}``
(``articles.py``). Every push reads the order or article first and writes only what the shop does not
show yet, so a push retried after a lost answer is recognised as done. Digest authentication and the
vendor facts used are in ``client.py``.

Not verified against a running shop: how several tracking codes are kept. Shopware has one
``trackingCode`` field; a second parcel's code is appended after a comma, which the backend shows as is
(a dispatch's tracking link template then gets both).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ...domain import OrderState, Shipment, StockUpdate
from ..sdk.capabilities import Capability, Mode, declare
from ..sdk.connector import Connector, ConnectorContext
from ..sdk.errors import AuthError, NotFoundError, PermanentError, RecordError, TransientError
from ..sdk.idempotency import checked_write
from ..sdk.records import ArticlePage, ConnectionTestResult, OrderPage, OrderRef, Page, PushResult, Window
from ..sdk.settings import SettingsError
from . import articles
from .client import Shopware5Client, filter_params
from .mapping import orders_from_shopware5, quarantine
from .polling import OrderPoll, local_stamp
from .setup import GUIDE, SETTINGS
from .statuses import StatusMap

CHECK_ATTEMPTS = 3


def tracking_codes(value: Any) -> list[str]:
    return [c.strip() for c in str(value or "").split(",") if c.strip()]


class Shopware5Connector(Connector):
    system = "shopware5"
    display_name = "Shopware 5"
    group = "shop"
    capabilities = (
        declare(
            Capability.IMPORT_ORDERS, Mode.POLL, note="new orders by order time, open orders re-read on every poll"
        ),
        declare(Capability.IMPORT_ARTICLES, Mode.POLL),
        declare(Capability.CHANGE_STATUS, Mode.API, note="order status or payment status (PUT /api/orders)"),
        declare(Capability.TRANSMIT_TRACKING, Mode.API, note="the order's tracking code"),
        declare(Capability.SET_STOCK, Mode.API, note="inStock of the main detail or the variant"),
    )
    settings_schema = SETTINGS
    guide = GUIDE
    sandbox_factory = "ordersync.channels.shopware5.sandbox:create_sandbox"
    adjusts_own_stock = True  # Shopware lowers inStock when an order is placed

    def __init__(self, settings: Mapping[str, Any], context: ConnectorContext | None = None) -> None:
        super().__init__(settings, context)
        self.config = cfg = SETTINGS.parse(self.settings)
        if not 1 <= cfg["page_size"] <= 1000:
            raise SettingsError(f"setting 'page_size': {cfg['page_size']} is not between 1 and 1000")
        if not 1 <= cfg["open_orders_limit"] <= 100_000:
            raise SettingsError(f"setting 'open_orders_limit': {cfg['open_orders_limit']} is not between 1 and 100000")
        self.statuses = StatusMap.from_settings(cfg["status_map_import"], cfg["status_map_export"])
        self._client: Shopware5Client | None = None
        self._sleep: Callable[[float], None] = time.sleep

    @property
    def client(self) -> Shopware5Client:
        if self._client is None:
            cfg = self.config
            self._client = Shopware5Client(
                cfg["base_url"],
                cfg["username"],
                cfg["api_key"],
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
        quick = dataclasses.replace(self.client.http.retry, max_attempts=2)  # a person is waiting
        url = self.config["base_url"]
        try:
            body = self.client.get("/orders", {"limit": "1"}, retry=quick)
        except AuthError as exc:
            return ConnectionTestResult(
                False,
                f"Shopware 5 did not accept user name and API key ({exc}). Check "
                "both and that API access is enabled for the user.",
            )
        except NotFoundError:
            return ConnectionTestResult(False, f"No Shopware 5 REST API found at {url}/api. Check the address.")
        except TransientError as exc:
            return ConnectionTestResult(
                False, f"{url} could not be reached or did not answer as Shopware 5 ({exc}). Check the address."
            )
        except PermanentError as exc:
            return ConnectionTestResult(False, f"Shopware 5 refused the request: {exc}")
        return ConnectionTestResult(True, "Connected to Shopware 5.", {"orders": str(body.get("total", ""))})

    # import --------------------------------------------------------------------------------------
    def fetch_orders(self, window: Window) -> Iterator[OrderPage]:
        poll = OrderPoll(
            self.client,
            self.statuses,
            self.context.state,
            page_size=self.config["page_size"],
            open_limit=self.config["open_orders_limit"],
        )
        yield from poll.pages(window)

    def fetch_order(self, ref: OrderRef) -> OrderPage:
        orders, quarantined = orders_from_shopware5([self.client.order(ref.external_id)], self.statuses)
        return Page(orders, quarantined, 1, 1, 1)

    def fetch_articles(self, window: Window) -> Iterator[ArticlePage]:
        changed = [("changed", ">=", local_stamp(window.since), False)] if window.since else []
        params = filter_params(changed, [("id", "ASC")])
        for number, (records, total) in enumerate(self.client.pages("/articles", params, self.config["page_size"]), 1):
            page: ArticlePage = Page(number=number, window_total=total)
            for record in records:
                try:
                    if not isinstance(record, dict) or not isinstance(record.get("id"), int):
                        raise RecordError("the list record is not an article with a numeric id")
                    page.records.append(articles.article_from_shopware5(self.client.article(record["id"])))
                except NotFoundError:
                    continue  # deleted since it was listed
                except RecordError as exc:
                    page.quarantined.append(quarantine(record, exc))
            yield page

    # push ----------------------------------------------------------------------------------------
    def channel_status_for(self, state: OrderState) -> str | None:
        target = self.statuses.target_for(state)
        return target.name if target is not None else None

    def push_state(self, ref: OrderRef, state: OrderState, comment: str = "") -> PushResult:
        target = self.statuses.target_for(state)
        if target is None:
            return PushResult(
                ok=True, detail=f"state {state.name_en!r} is not pushed to Shopware 5 (status_map_export); nothing sent"
            )
        already = self._checked(
            lambda: self.client.order(ref.external_id).get(target.field) == target.status_id,
            lambda: self.client.update_order(ref.external_id, {target.field: target.status_id}),
        )
        return PushResult(
            ok=True,
            already_done=already,
            remote_id=ref.external_id,
            detail=f"{target.field} {target.status_id} ({target.name})",
        )

    def push_tracking(self, ref: OrderRef, shipment: Shipment) -> PushResult:
        number = shipment.tracking_number.strip()
        if not number:
            return PushResult(ok=False, detail="no tracking number to transmit")
        if "," in number:
            return PushResult(ok=False, detail=f"tracking number {number!r} contains a comma")
        seen: list[str] = []

        def shown() -> bool:
            seen[:] = tracking_codes(self.client.order(ref.external_id).get("trackingCode"))
            return number in seen

        already = self._checked(
            shown, lambda: self.client.update_order(ref.external_id, {"trackingCode": ", ".join([*seen, number])})
        )
        return PushResult(ok=True, already_done=already, remote_id=ref.external_id, detail=f"tracking {number}")

    def push_stock(self, updates: list[StockUpdate]) -> list[PushResult]:
        return articles.push_all(self.client, updates, self._checked)  # type: ignore[return-value]

    def _checked(self, done: Callable[[], bool], write: Callable[[], Any]) -> bool:
        """Write unless ``done()``; True = the shop already showed the effect (see ``sdk.idempotency``)."""
        return checked_write(
            done, write, attempts=CHECK_ATTEMPTS, pause=lambda n: self._sleep(self.client.http.retry.backoff(n))
        )
