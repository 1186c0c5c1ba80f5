"""A minimal connector whose whole authentication is the OAuth 2 declaration (tests only)."""

from __future__ import annotations

from collections.abc import Iterator

from ordersync.channels.sdk.capabilities import Capability, Mode, declare
from ordersync.channels.sdk.connector import Connector
from ordersync.channels.sdk.guide import GuideStep
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.oauth2 import ClientAuth, Grant, OAuth2
from ordersync.channels.sdk.records import ConnectionTestResult, OrderPage, PushResult, Window
from ordersync.channels.sdk.settings import SettingField, SettingsSchema
from ordersync.domain import StockUpdate


class OAuthDemo(Connector):
    system = "oauthdemo"
    display_name = "OAuth demo"
    group = "shop"
    capabilities = (declare(Capability.IMPORT_ORDERS, Mode.POLL), declare(Capability.SET_STOCK, Mode.API))
    settings_schema = SettingsSchema(
        (
            SettingField("base_url", "Shop URL", type="url"),
            SettingField("client_id", "Client ID"),
            SettingField("client_secret", "Client secret", secret=True),
            SettingField("refresh_token", "Refresh token (private app)", secret=True, required=False),
        )
    )
    guide = (
        GuideStep(
            "Create an app",
            "Create an OAuth app and copy its client id and secret.",
            settings=("base_url", "client_id", "client_secret"),
        ),
    )
    oauth = OAuth2(
        token_url="{base_url}/oauth/token",
        authorize_url="{base_url}/oauth/authorize",
        grants=(Grant.AUTHORIZATION_CODE, Grant.REFRESH_TOKEN, Grant.CLIENT_CREDENTIALS),
        scopes=("orders.read",),
        pkce=True,
        client_auth=ClientAuth.BASIC,
        refresh_token_setting="refresh_token",
    )

    def __init__(self, settings, context=None) -> None:
        super().__init__(settings, context)
        self.http = ChannelHTTP(self.settings["base_url"], auth=self.oauth_auth())

    def close(self) -> None:
        self.http.close()

    def me(self) -> dict:
        return self.http.request("GET", "/api/me", expect_json=True).json()

    def test_connection(self) -> ConnectionTestResult:
        return ConnectionTestResult(True, f"shop {self.me()['shop']}")

    def fetch_orders(self, window: Window) -> Iterator[OrderPage]:
        self.me()
        yield OrderPage()

    def push_stock(self, updates: list[StockUpdate]) -> list[PushResult]:
        return [
            PushResult(
                detail=str(
                    self.http.request(
                        "PUT", f"/api/stock/{u.product_external_id}", json={"quantity": u.quantity}
                    ).json()
                )
            )
            for u in updates
        ]
