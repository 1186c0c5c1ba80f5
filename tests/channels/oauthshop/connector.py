"""A small shop connector whose only authentication is OAuth 2 with the seller's consent (authorization code
with PKCE, refresh, revocation): the conformance suite runs its OAuth cases, and the import, push and crash
cases of an OAuth connector, through it (tests only; the HTTP contract is in the sandbox's docstring)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from ordersync.channels.sdk.capabilities import Capability, Mode, declare
from ordersync.channels.sdk.connector import Connector
from ordersync.channels.sdk.errors import PermanentError, RecordError
from ordersync.channels.sdk.guide import GuideStep
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.mapping import map_records, quarantine_record, read_amount, read_record
from ordersync.channels.sdk.oauth2 import ClientAuth, Grant, OAuth2
from ordersync.channels.sdk.records import ConnectionTestResult, OrderPage, OrderRef, PushResult, Window
from ordersync.channels.sdk.settings import SettingField, SettingsSchema
from ordersync.domain import LineCancellation, Order, OrderItem, OrderState, Shipment

STATES = {
    "open": OrderState.ORDERED,
    "paid": OrderState.PAID,
    "shipped": OrderState.SHIPPED,
    "completed": OrderState.CLOSED,
    "cancelled": OrderState.CANCELLED,
}
PUSHED = {
    OrderState.PAID: "paid",
    OrderState.SHIPPED: "shipped",
    OrderState.CLOSED: "completed",
    OrderState.CANCELLED: "cancelled",
}


class OAuthShop(Connector):
    system = "oauthshop"
    display_name = "OAuth shop (tests)"
    group = "shop"
    capabilities = (
        declare(Capability.IMPORT_ORDERS, Mode.POLL),
        declare(Capability.CHANGE_STATUS, Mode.API, cancels_lines=True),
        declare(Capability.TRANSMIT_TRACKING, Mode.API),
    )
    settings_schema = SettingsSchema(
        (
            SettingField("base_url", "Shop URL", type="url"),
            SettingField("client_id", "Client ID"),
            SettingField("client_secret", "Client secret", secret=True),
            SettingField("refresh_token", "Refresh token (private app)", secret=True, required=False),
            SettingField("page_size", "Orders per page", type="int", required=False, default=50),
            SettingField("timeout", "Timeout (seconds)", type="int", required=False, default=30),
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
        grants=(Grant.AUTHORIZATION_CODE, Grant.REFRESH_TOKEN),
        scopes=("orders.read", "orders.write"),
        pkce=True,
        client_auth=ClientAuth.BASIC,
        refresh_token_setting="refresh_token",
    )
    sandbox_factory = "channels.oauthshop.sandbox:create_sandbox"

    def __init__(self, settings, context=None) -> None:
        super().__init__(settings, context)
        self.http = ChannelHTTP(
            self.settings["base_url"], auth=self.oauth_auth(), timeout=float(self.settings.get("timeout") or 30)
        )

    def close(self) -> None:
        self.http.close()

    def test_connection(self) -> ConnectionTestResult:
        self.http.request("GET", "/api/orders", params={"per_page": 1}, expect_json=True)
        return ConnectionTestResult(True, "orders readable")

    def fetch_orders(self, window: Window) -> Iterator[OrderPage]:
        params: dict[str, Any] = {
            "updated_before": window.until.isoformat(),
            "per_page": int(self.settings.get("page_size") or 50),
        }
        if window.since is not None:
            params["updated_after"] = window.since.isoformat()
        page = 1
        while True:
            answer = self.http.request("GET", "/api/orders", params=params | {"page": page}, expect_json=True).json()
            rows = answer["orders"]
            orders, bad = map_records(rows, _order, lambda raw, exc: quarantine_record(raw, exc, label="order"))
            yield OrderPage(records=orders, quarantined=bad, number=page, window_total=answer["total"])
            if not rows or page * params["per_page"] >= answer["total"]:
                return
            page += 1

    def channel_status_for(self, state: OrderState) -> str | None:
        return PUSHED.get(state)

    def _current(self, ref: OrderRef) -> dict[str, Any]:
        return self.http.request("GET", f"/api/orders/{ref.external_id}", expect_json=True).json()

    def push_state(self, ref: OrderRef, state: OrderState, comment: str = "") -> PushResult:
        status = PUSHED[state]
        if self._current(ref)["status"] == status:
            return PushResult(already_done=True, remote_id=ref.external_id)
        self.http.request("PUT", f"/api/orders/{ref.external_id}/status", json={"status": status}, idempotent=True)
        return PushResult(remote_id=ref.external_id, detail=status)

    def push_tracking(self, ref: OrderRef, shipment: Shipment) -> PushResult:
        """The shop has no idempotency key: a shipment it already lists is not posted again, and one it
        refuses as a duplicate (a repeat of a POST whose answer was lost) is done."""
        if any(s["tracking_number"] == shipment.tracking_number for s in self._current(ref)["shipments"]):
            return PushResult(already_done=True, remote_id=ref.external_id)
        try:
            self.http.request(
                "POST",
                f"/api/orders/{ref.external_id}/shipments",
                json={"carrier": shipment.carrier, "tracking_number": shipment.tracking_number},
            )
        except PermanentError as exc:
            if exc.status == 422 and "duplicate_tracking_number" in exc.body:
                return PushResult(already_done=True, remote_id=ref.external_id)
            raise
        return PushResult(remote_id=ref.external_id, detail=shipment.tracking_number)

    def cancel_lines(self, ref: OrderRef, cancellations: list[LineCancellation]) -> PushResult:
        """The shop keeps a cancelled quantity per line, set absolutely: the hub's whole cancelled quantity
        of the line (``line_total``), so a repeated request changes nothing; lines that already show it are
        done."""
        shown = {x["id"]: int(x["cancelled"]) for x in self._current(ref)["lines"]}
        due = {}
        for c in cancellations:
            target = int(c.line_total if c.line_total is not None else shown.get(c.item_external_id, 0) + c.quantity)
            if shown.get(c.item_external_id, 0) < target:
                due[c.item_external_id] = max(target, due.get(c.item_external_id, 0))
        if not due:
            return PushResult(already_done=True, remote_id=ref.external_id)
        for line, cancelled in due.items():
            self.http.request(
                "PUT",
                f"/api/orders/{ref.external_id}/lines/{line}/cancelled",
                json={"cancelled": cancelled, "reason": cancellations[0].reason},
            )
        return PushResult(
            remote_id=ref.external_id, detail=", ".join(f"{line}: {n} cancelled" for line, n in due.items())
        )


def _order(raw: dict[str, Any]) -> Order:
    def read() -> Order:
        if raw["status"] not in STATES:
            raise RecordError(f"unknown status {raw['status']!r}", hint="The shop sent a status we do not know.")
        items = [
            OrderItem(
                external_id=x["id"],
                title=x["title"],
                sku=x["sku"],
                quantity=Decimal(x["quantity"]),
                unit_price=read_amount(x["price"], f"line {x['id']} price"),
                total_price=read_amount(x["price"], f"line {x['id']} price") * Decimal(x["quantity"]),
            )
            for x in raw["lines"]
        ]
        return Order(
            external_id=str(raw["id"]),
            number=raw["number"],
            state=STATES[raw["status"]],
            currency=raw["currency"],
            created_at=datetime.fromisoformat(raw["created"]),
            updated_at=datetime.fromisoformat(raw["updated"]),
            total=read_amount(raw["total"], "total"),
            items=items,
            channel_status=raw["status"],
        )

    return read_record(read, hint="The shop sent an order we could not read.")
