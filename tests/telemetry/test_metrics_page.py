"""/metrics after a small sync: every per-connection figure, with its labels and the value the hub's state
gives (issue 17 item 6), parsed with prometheus_client's own parser."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from sqlalchemy import select, update

from ordersync.channels.sdk.oauth2 import Grant, OAuth2
from ordersync.channels.sdk.oauth2_auth import OAuth2Auth
from ordersync.channels.sdk.records import Quarantined
from ordersync.domain import OrderState
from ordersync.store.models import Connection, OrderRow, OutboxEntry
from ordersync.sync import actions
from ordersync.sync import connections as conns
from ordersync.sync.importer import import_orders
from ordersync.sync.quarantine import quarantine
from ordersync.telemetry.context import bound

from .scrape import scrape, value

SECRET = "wc-webhook-secret"


def signed_delivery(client, token: str, body: bytes, *, secret: str = SECRET):
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return client.post(
        f"/webhooks/woocommerce/{token}",
        content=body,
        headers={
            "X-WC-Webhook-Signature": signature,
            "X-WC-Webhook-Topic": "order.updated",
            "X-WC-Webhook-Delivery-ID": "d-1",
            "Content-Type": "application/json",
        },
    )


def test_each_connection_figure_after_a_small_sync(hub, shop, local_client):
    cid = shop.connection_id
    before = scrape(local_client)
    result = import_orders(hub, cid)
    assert not result.error and result.created == 5

    with hub.db.session() as s:
        account_id = s.scalar(select(Connection.account_id).where(Connection.id == cid))
        token = s.scalar(select(Connection.webhook_token).where(Connection.id == cid))
        order_ids = list(s.scalars(select(OrderRow.id).where(OrderRow.connection_id == cid).order_by(OrderRow.id)))
        quarantine(s, cid, "orders", [Quarantined("bad-1", {"id": "bad-1"}, "no total", "check the shop")])
    for order_id in order_ids[:2]:  # two state changes queued for the shop
        assert actions.set_state(hub, order_id, OrderState.SHIPPED) or actions.set_state(
            hub, order_id, OrderState.CANCELLED
        )
    with hub.db.session() as s:  # one of the two given up on: a dead letter
        first = s.scalar(select(OutboxEntry.id).where(OutboxEntry.connection_id == cid).order_by(OutboxEntry.id))
        s.execute(update(OutboxEntry).where(OutboxEntry.id == first).values(status="dead"))

    state = dict(conns.build_connector(hub, conns.load(hub, cid)).context.state, webhook_secret=SECRET)
    conns.save_state(hub, cid, state)
    body = json.dumps({"id": 1, "status": "processing"}).encode()
    assert signed_delivery(local_client, token, body).status_code == 200
    assert signed_delivery(local_client, token, body, secret="wrong").status_code == 401

    failing = OAuth2(token_url=f"{shop.server.base_url}/no-token-endpoint", grants=(Grant.CLIENT_CREDENTIALS,))
    with bound(connection_id=cid, account_id=account_id):
        try:
            OAuth2Auth(failing, {"client_id": "c", "client_secret": "s"}).token()
        except Exception as exc:  # noqa: BLE001 - the failure is what is counted
            assert "404" in str(exc)
        else:
            raise AssertionError("the token endpoint does not exist, the refresh must fail")

    after = scrape(local_client)
    labels = {"account_id": str(account_id), "connection_id": str(cid), "connection": "Shop", "system": "woocommerce"}
    assert value(after, "ordersync_connection_orders_imported_total", **labels) == 5
    assert 0 <= value(after, "ordersync_connection_last_sync_age_seconds", **labels) < 120
    assert value(after, "ordersync_connection_quarantined", **labels) == 1
    assert value(after, "ordersync_connection_outbox_depth", **labels) == 1
    assert value(after, "ordersync_connection_dead_letters", **labels) == 1

    def grew(name: str, **lab: str) -> float:
        return (value(after, name, **lab) or 0) - (value(before, name, **lab) or 0)

    assert grew("ordersync_webhook_intake_seconds_count", connection_id=str(cid), status="200") == 1
    assert grew("ordersync_webhook_intake_seconds_count", connection_id=str(cid), status="401") == 1
    assert grew("ordersync_webhook_intake_seconds_bucket", connection_id=str(cid), status="200", le="+Inf") == 1
    assert grew("ordersync_token_refresh_failures_total", connection_id=str(cid), reason="error") == 1
    used = value(after, "ordersync_rate_budget_utilisation_ratio", connection_id=str(cid))
    assert used is not None and 0 <= used <= 1  # the import drew from the connection's budget (refilled since)
    assert (
        grew(
            "ordersync_http_request_duration_seconds_count",
            method="POST",
            route="/webhooks/{system}/{token}",
            status="401",
        )
        == 1
    )
    assert (
        grew("ordersync_http_request_duration_seconds_count", method="GET", route="/metrics", status="200") == 1
    )  # the first scrape, timed once it had answered


def test_a_connection_never_synced_is_infinitely_stale_and_a_paused_one_has_no_age(hub, shop, local_client):
    def ages() -> list[float]:
        mine = ("connection_id", str(shop.connection_id))
        return [
            v
            for (name, labels), v in scrape(local_client).items()
            if name == "ordersync_connection_last_sync_age_seconds" and mine in labels
        ]

    assert ages() == [float("inf")]
    with hub.db.session() as s:
        s.execute(update(Connection).where(Connection.id == shop.connection_id).values(paused=True))
    assert ages() == []  # not polled on purpose: no "sync stale" alert


def test_an_unknown_webhook_address_is_timed_without_its_path_as_a_label(hub, local_client):
    before = scrape(local_client)
    assert local_client.post("/webhooks/madeup/no-such-token", content=b"{}").status_code == 404
    after = scrape(local_client)
    key = dict(connection_id="", status="404")
    assert (value(after, "ordersync_webhook_intake_seconds_count", **key) or 0) - (
        value(before, "ordersync_webhook_intake_seconds_count", **key) or 0
    ) == 1
    assert not any("madeup" in str(labels) or "no-such-token" in str(labels) for _, labels in after)
