"""Amazon: orders in by polling its REST API.

The skeleton's API shape (``GET /api/v1/orders`` filtered by ``updated_min``/``updated_max``, sorted by id,
``?page=N&per_page=M`` with an ``X-Total-Count`` and ``X-Total-Pages`` header; ``GET /api/v1/shop`` for the
connection test; a bearer token) is an example: replace it by what the vendor documents, field by field, and
say in this docstring where each fact comes from. Declare a capability only when it is implemented here
and its conformance tests pass (tests/conformance/).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from ordersync.channels.sdk.capabilities import Capability, Mode, declare
from ordersync.channels.sdk.connector import Connector, ConnectorContext
from ordersync.channels.sdk.errors import AuthError, NotFoundError, PermanentError, TransientError
from ordersync.channels.sdk.records import ConnectionTestResult, OrderPage, OrderRef, Page, Window
from ordersync.channels.sdk.guide import GuideStep
from ordersync.channels.sdk.settings import CA_BUNDLE, VERIFY_TLS, SettingField, SettingsError, SettingsSchema

from .client import AmazonClient
from .mapping import orders_from_amazon

SETTINGS = SettingsSchema((
    SettingField("base_url", "Shop address", "url", help="The address of the shop, e.g. https://shop.example.com."),
    SettingField("api_token", "API token", secret=True, help="A read-only API token created in the shop's admin."),
    SettingField("page_size", "Orders per request", "int", required=False, default=50),
    SettingField("timeout", "Timeout (seconds)", "int", required=False, default=30),
    VERIFY_TLS,
    CA_BUNDLE,
))

GUIDE = (
    GuideStep("Create an API token",
              "In the Amazon admin, create an API token that may read orders, and copy it.",
              "API-Token anlegen",
              "Lege in der Verwaltung von Amazon ein API-Token an, das Bestellungen lesen darf, und kopiere es.",
              settings=("api_token",)),
    GuideStep("Enter the shop address",
              "Enter the address of the shop and the token, then test the connection.",
              "Shop-Adresse eintragen",
              "Trage die Adresse des Shops und das Token ein und teste dann die Verbindung.",
              settings=("base_url",)),
)


class AmazonConnector(Connector):
    system = "amazon"
    display_name = "Amazon"
    group = "shop"
    capabilities = (
        declare(Capability.IMPORT_ORDERS, Mode.POLL, note="REST order list by modification time"),
    )
    settings_schema = SETTINGS
    guide = GUIDE
    sandbox_factory = "ordersync.channels.amazon.sandbox:create_sandbox"

    def __init__(self, settings: Mapping[str, Any], context: ConnectorContext | None = None) -> None:
        super().__init__(settings, context)
        self.config = SETTINGS.parse(self.settings)
        if not 1 <= self.config["page_size"] <= 250:
            raise SettingsError(f"setting 'page_size': {self.config['page_size']} is not between 1 and 250")
        self._client: AmazonClient | None = None

    @property
    def client(self) -> AmazonClient:
        if self._client is None:
            cfg = self.config
            self._client = AmazonClient(cfg["base_url"], cfg["api_token"], timeout=cfg["timeout"],
                                      connection_key=str(self.context.connection_id or ""),
                                      verify_tls=cfg["verify_tls"], ca_pem=cfg["ca_bundle"])
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def test_connection(self) -> ConnectionTestResult:
        http = self.client.http
        quick = dataclasses.replace(http.retry, max_attempts=2)  # a person is waiting
        try:
            shop = self.client.shop(retry=quick)
        except AuthError as exc:
            return ConnectionTestResult(False, f"Amazon did not accept the API token: {exc}")
        except TransientError as exc:
            return ConnectionTestResult(False, f"{self.config['base_url']} could not be reached ({exc}). "
                                        "Check the address.")
        except PermanentError as exc:
            return ConnectionTestResult(False, f"Amazon refused the request: {exc}")
        return ConnectionTestResult(True, f"Connected to {shop.get('name') or self.config['base_url']}.",
                                    {"base_url": self.config["base_url"]})

    def fetch_orders(self, window: Window) -> Iterator[OrderPage]:
        for number, (records, total) in enumerate(self.client.orders(window, self.config["page_size"]), 1):
            orders, quarantined = orders_from_amazon(records)
            yield Page(orders, quarantined, number, None, total)

    def fetch_order(self, ref: OrderRef) -> OrderPage:
        if not ref.external_id.strip().isdigit():
            raise NotFoundError(f"{ref.external_id!r} is not a Amazon order id")
        orders, quarantined = orders_from_amazon([self.client.order(ref.external_id.strip())])
        return Page(orders, quarantined, 1, 1, 1)
