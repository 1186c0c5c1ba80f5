"""Issue 16 items 4, 5, 7: webhooks the shop switched off come back with the next poll; the connection shows
the address registered in the shop and the measured webhook delay.

The hub fixture's public URL (http://127.0.0.1:9) has no listener, so every delivery the sandboxes attempt
fails as it would while the hub is down: WooCommerce disables the webhook, Shopify deletes the subscription.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from ordersync.channels.sdk.signatures import hmac_sha256_base64
from ordersync.cli import app as cli_app
from ordersync.readmodel import connection_health
from ordersync.readmodel.shapes import connection_json
from ordersync.store.models import WebhookDelivery
from ordersync.sync import connections as conns
from ordersync.sync import webhook_health
from ordersync.sync import webhooks as intake
from ordersync.sync.importer import import_orders

from .conftest import connect, start_shop


def _register(hub, conn_id: int) -> dict:
    connector = conns.build_connector(hub, conns.load(hub, conn_id))
    try:
        connector.register_webhooks()
        conns.save_state(hub, conn_id, connector.context.state)
        return dict(connector.context.state)
    finally:
        connector.close()


def _woo_statuses(hub, conn_id: int) -> dict[str, str]:
    connector = conns.build_connector(hub, conns.load(hub, conn_id))
    try:
        return {h["topic"]: h["status"] for h in connector.client.webhooks()}
    finally:
        connector.close()


def _health(hub, conn_id: int):
    return next(h for h in connection_health(hub, conns.load(hub, conn_id).account_id) if h.id == conn_id)


@pytest.fixture
def cli(hub_config, monkeypatch):
    """The CLI on the test's database, run where the hub's public URL is another one than at registration."""
    monkeypatch.setenv("ORDERSYNC_HOME", str(hub_config.home))
    monkeypatch.setenv("ORDERSYNC_DATABASE_URL", hub_config.database_url)
    monkeypatch.setenv("ORDERSYNC_MASTER_KEY", hub_config.master_key)
    monkeypatch.setenv("ORDERSYNC_BASE_URL", "https://hub.example.net")
    monkeypatch.setenv("COLUMNS", "400")
    runner = CliRunner()

    def run(*args: str):
        result = runner.invoke(cli_app, list(args))
        return result.exit_code, result.output + (str(result.exception) if result.exception else "")

    return run


def test_a_webhook_woocommerce_disabled_is_reactivated_by_the_next_poll(hub, cli):
    shop = start_shop(5)
    try:
        conn = connect(hub, shop)
        _register(hub, conn)
        shop.orders({"create": 8})  # eight failed deliveries of order.created: more than five in a row
        assert shop.sandbox.webhooks.wait_idle(timeout=30)
        assert _woo_statuses(hub, conn)["order.created"] == "disabled"

        code, output = cli("connections", "test", "shop")  # the test no longer says all is well
        assert code != 0 and "webhooks are inactive" in output and "order.created: disabled" in output

        connector = conns.build_connector(hub, conns.load(hub, conn))
        found = webhook_health.check(hub, conn, connector, repair=False)  # a check that could not repair
        connector.close()
        assert found is not None and found.problems == ["order.created: disabled"]
        assert _health(hub, conn).webhooks_problem == "order.created: disabled"
        assert connection_json(_health(hub, conn))["WebhooksActive"] is False
        assert "inactive" in cli("connections", "list")[1]

        result = import_orders(hub, conn)  # the next poll
        assert not result.error
        assert set(_woo_statuses(hub, conn).values()) == {"active"}
        assert _health(hub, conn).webhooks_problem is None
        assert connection_json(_health(hub, conn))["WebhooksActive"] is True
        reactivations = [e for e in shop.ledger("webhook.*") if e["method"] == "PUT"]
        assert [e["body"] for e in reactivations] == [{"status": "active"}]
        code, output = cli("connections", "test", "shop")
        assert code == 0 and "webhooks active" in output, output
    finally:
        shop.server.stop()
        shop.sandbox.close()


def test_a_subscription_shopify_deleted_is_created_again_by_the_next_poll(hub):
    shop = start_shop(5, system="shopify")
    try:
        conn = connect(hub, shop, system="shopify")
        before = _register(hub, conn)
        shop.orders({"create": 8})  # each order: orders/create and orders/updated, both fail eight times
        assert shop.sandbox.webhooks.wait_idle(timeout=30)
        removed = {e["resource_id"] for e in shop.ledger("webhook.removed")}
        assert removed == {before["webhooks"]["ORDERS_CREATE"], before["webhooks"]["ORDERS_UPDATED"]}
        assert len(shop.sandbox.store.webhooks) == 3

        result = import_orders(hub, conn)
        assert not result.error
        live = shop.sandbox.store.webhooks
        assert sorted(h["topic"] for h in live.values()) == sorted(before["webhooks"])
        assert {h["endpoint"]["callbackUrl"] for h in live.values()} == {before["webhook_url"]}
        state = conns.build_connector(hub, conns.load(hub, conn)).context.state
        assert state["webhooks"] == {h["topic"]: h["id"] for h in live.values()}
        assert _health(hub, conn).webhooks_problem is None
        assert len(shop.ledger("webhook.create")) == 5 + 2
    finally:
        shop.server.stop()
        shop.sandbox.close()


def test_show_prints_the_registered_url_and_flags_a_mismatch(hub, cli):
    shop = start_shop(3)
    try:
        conn = connect(hub, shop)
        registered = _register(hub, conn)["webhook_url"]
        assert registered.startswith("http://127.0.0.1:9/webhooks/woocommerce/")
        code, output = cli("connections", "show", "shop")
        assert code == 0, output
        assert f"webhook URL {registered} (registered in the shop)" in output
        assert "mismatch" in output and "https://hub.example.net/webhooks/woocommerce/" in output
        code, output = cli("connections", "list", "--json")
        assert json.loads(output)[0]["webhook_url"] == registered
    finally:
        shop.server.stop()
        shop.sandbox.close()


def _deliver(hub, conn_id: int, order: dict, late_by: float) -> None:
    """Hand the hub a signed delivery of ``order`` as if it arrived ``late_by`` seconds after its change."""
    row = conns.load(hub, conn_id)
    secret = conns.build_connector(hub, row).context.state["webhook_secret"]
    body = json.dumps(order).encode()
    got = intake.receive(
        hub,
        "woocommerce",
        row.webhook_token,
        {
            "X-WC-Webhook-Signature": hmac_sha256_base64(secret, body),
            "X-WC-Webhook-Topic": "order.updated",
            "X-WC-Webhook-Delivery-ID": f"d{order['id']}",
        },
        body,
    )
    assert got.status == 202, got.message
    modified = (
        conns.build_connector(hub, row)
        .parse_webhook(intake.WebhookMeta(delivery_id="x", topic="order.updated"), body)
        .records[0]
        .updated_at
    )
    with hub.db.session() as s:
        s.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == got.delivery_row)
            .values(received_at=modified + timedelta(seconds=late_by))
        )
    assert intake.process_delivery(hub, got.delivery_row) == "processed"


def test_the_webhook_delay_is_measured_and_shown(hub, cli):
    shop = start_shop(4)
    try:
        conn = connect(hub, shop)
        _register(hub, conn)
        connector = conns.build_connector(hub, conns.load(hub, conn))
        orders = [connector.client.order(str(i)) for i in shop.orders({"create": 3, "webhook": False})["created"]]
        connector.close()
        _deliver(hub, conn, orders[0], 90)  # an Action Scheduler queue that ran a minute and a half later
        assert _health(hub, conn).webhook_delay_median == 90.0
        _deliver(hub, conn, orders[1], 30)
        _deliver(hub, conn, orders[2], 2)
        assert _health(hub, conn).webhook_delay_median == 30.0
        assert connection_json(_health(hub, conn))["WebhookDelaySeconds"] == 30.0
        code, output = cli("connections", "show", "shop")
        assert code == 0 and "webhook delay: median 30.0 s over the last 3 deliveries" in output, output
    finally:
        shop.server.stop()
        shop.sandbox.close()
