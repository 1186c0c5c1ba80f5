"""Issue 7 acceptance: the core's guarantees hold for Shopify too, through the engine and the hub."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select

from ordersync.channels.sdk.signatures import hmac_sha256_base64
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderRow, OutboxEntry, QuarantineEntry, WebhookDelivery
from ordersync.sync import actions, dispatcher
from ordersync.sync.connections import build_connector, load, save_state, webhook_url
from ordersync.sync.importer import import_orders

from .conftest import connect, order_count, start_shop
from .crash import kill_mid_import_and_resume

GRAPHQL = "/admin/api/*/graphql.json"
FAST = {"bucket_size": 100_000, "restore_rate": 100_000, "bulk_polls": 1}


def shopify(orders: int, seed: int = 31, **options):
    return start_shop(orders, seed=seed, system="shopify", **(FAST | options))


def ago(seconds: int) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat(timespec="seconds").replace("+00:00", "Z")


def test_a_20000_order_bulk_backfill_imports_each_once_then_nothing_then_exactly_the_changed_ten(hub):
    shop = shopify(20_000)
    try:
        conn = connect(hub, shop, system="shopify")
        first = import_orders(hub, conn)
        assert first.error == "" and first.created == 20_000 == order_count(hub)
        assert len(shop.ledger("bulk.run")) == 1
        with hub.db.session() as s:
            assert s.scalar(select(func.count(func.distinct(OrderRow.external_id)))) == 20_000
        second = import_orders(hub, conn)
        assert (second.created, second.updated) == (0, 0)
        ids = list(shop.sandbox.store.orders)[500:510]
        shop.orders({"update": [{"id": i, "merge": {"note": "Bitte klingeln"}, "updatedAt": ago(30)} for i in ids],
                     "webhook": False})
        third = import_orders(hub, conn)
        assert (third.created, third.updated) == (0, 10)
        assert len(shop.ledger("bulk.run")) == 1  # only the first import is a backfill
    finally:
        shop.server.stop()


def test_a_malformed_order_is_quarantined_and_the_rest_imported(hub):
    shop = shopify(30)
    try:
        shop.orders({"create": [{"merge": {"createdAt": "gestern"}, "updatedAt": ago(60)}], "webhook": False})
        result = import_orders(hub, connect(hub, shop, system="shopify", bulk_backfill=False))
        assert result.quarantined == 1 and result.created == 30
        with hub.db.session() as s:
            assert "gestern" in s.scalar(select(QuarantineEntry.raw))
    finally:
        shop.server.stop()


def test_shipping_through_503s_creates_exactly_one_fulfillment(hub):
    shop = shopify(10)
    try:
        conn = connect(hub, shop, system="shopify")
        created = shop.orders({"create": [{"status": "paid", "updatedAt": ago(60)}], "webhook": False})["created"][0]
        import_orders(hub, conn)
        with hub.db.session() as s:
            order_id = s.scalar(select(OrderRow.id).where(OrderRow.external_id == created))
        actions.ship(hub, order_id, carrier="DHL", tracking_number="00340434161094042557")
        shop.faults({"kind": "error", "status": 503, "phase": "after", "count": 2, "path": f"{GRAPHQL}#FulfillmentCreate"})
        when = utcnow()
        for _ in range(6):
            dispatcher.dispatch(hub, now=when)
            when += timedelta(hours=1)
        with hub.db.session() as s:
            assert set(s.scalars(select(OutboxEntry.status))) == {"done"}
        assert len(shop.ledger("fulfillment.create")) == 1
    finally:
        shop.server.stop()


def test_webhooks_create_orders_and_replays_or_forgeries_change_nothing(web_hub):
    hub = web_hub
    shop = shopify(5)
    try:
        conn = connect(hub, shop, system="shopify")
        row = load(hub, conn)
        connector = build_connector(hub, row)
        connector.register_webhooks()
        save_state(hub, conn, connector.context.state)
        connector.close()
        created = shop.orders({"create": [{"status": "paid"}]})["created"][0]  # Shopify sends create and update
        def settled() -> bool:  # the order is in, and every delivery the shop sent has been stored
            sent = len(shop.control.get("/webhook-deliveries").json())
            with hub.db.session() as s:
                got = s.scalar(select(func.count()).select_from(WebhookDelivery))
            return order_count(hub) == 1 and sent >= 2 and got == sent

        deadline = time.monotonic() + 20
        while not settled() and time.monotonic() < deadline:
            time.sleep(0.05)
        with hub.db.session() as s:
            assert s.scalar(select(OrderRow.external_id)) == created
            delivery = s.scalar(select(WebhookDelivery))
            deliveries = s.scalar(select(func.count()).select_from(WebhookDelivery))
        url = webhook_url(hub, row)
        stored = {k: v for k, v in json.loads(delivery.headers).items() if k not in ("content-length", "host")}
        replay = httpx.post(url, content=delivery.body, headers=stored)
        assert replay.status_code == 200 and "duplicate" in replay.text
        body = delivery.body.replace(b"paid", b"refunded")
        forged = httpx.post(url, content=body, headers=stored | {
            "x-shopify-hmac-sha256": hmac_sha256_base64("not-the-secret", body), "x-shopify-webhook-id": "forged"})
        assert forged.status_code == 401
        with hub.db.session() as s:
            assert s.scalar(select(func.count()).select_from(WebhookDelivery)) == deliveries
        assert order_count(hub) == 1
    finally:
        shop.server.stop()


def test_sigkill_mid_import_loses_and_duplicates_nothing(tmp_path, database_url):
    ids = kill_mid_import_and_resume("shopify", 4000, 12, tmp_path / "home", database_url)
    assert len(ids) == len(set(ids)) == 4000
