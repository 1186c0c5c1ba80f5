"""Settings / Shops shows "webhooks inactive" while the shop has our webhooks switched off (issue 16 item 4),
the address registered in the shop, and the measured webhook delay (item 7)."""

from __future__ import annotations

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.sync import connections as conns
from ordersync.sync import webhook_health
from ordersync.sync.importer import import_orders


def test_badge_while_disabled_gone_after_the_poll(hub, browser):
    sandbox = create_sandbox(seed=3, orders=6, products=4)
    server = serve_in_thread(sandbox.app)
    try:
        conn_id = conns.add_connection(hub, "woocommerce", "Shop", sandbox.settings_for(server.base_url), account="A")
        connector = conns.build_connector(hub, conns.load(hub, conn_id))
        connector.register_webhooks()
        conns.save_state(hub, conn_id, connector.context.state)
        registered = connector.context.state["webhook_url"]
        assert "webhooks inactive" not in browser.get("/settings/shops").text
        assert registered in browser.get(f"/settings/shops/{conn_id}").text

        sandbox.faults.add("webhook_fail", count=None)  # the hub unreachable for the shop
        sandbox.control_orders({"create": 8})
        assert sandbox.webhooks.wait_idle(timeout=30)
        assert webhook_health.check(hub, conn_id, connector, repair=False).problems == ["order.created: disabled"]
        connector.close()
        assert "webhooks inactive" in browser.get("/settings/shops").text
        detail = browser.get(f"/settings/shops/{conn_id}").text
        assert "webhooks inactive" in detail and "order.created: disabled" in detail

        assert not import_orders(hub, conn_id).error
        assert "webhooks inactive" not in browser.get("/settings/shops").text
        webhook_health.record_delays(hub, conn_id, [4.0, 2.0, 60.0])
        assert "Webhook delay: 4 s (median of the last 3 deliveries" in browser.get(f"/settings/shops/{conn_id}").text
    finally:
        server.stop()
        sandbox.close()


def test_the_test_button_reports_webhooks_switched_off(hub, browser):
    sandbox = create_sandbox(seed=3, orders=6, products=4)
    server = serve_in_thread(sandbox.app)
    try:
        conn_id = conns.add_connection(hub, "woocommerce", "Shop", sandbox.settings_for(server.base_url), account="A")
        connector = conns.build_connector(hub, conns.load(hub, conn_id))
        connector.register_webhooks()
        conns.save_state(hub, conn_id, connector.context.state)
        connector.close()
        sandbox.control_orders({"create": 8})  # the hub's address has no listener: deliveries fail
        assert sandbox.webhooks.wait_idle(timeout=30)
        page = browser.post(f"/settings/shops/{conn_id}/test").text
        assert "switched off webhooks of ordersync (order.created: disabled)" in page
    finally:
        server.stop()
        sandbox.close()
