"""Issue 2 acceptance: effects once despite failures; webhooks verified, deduped, and creating orders."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import httpx
from sqlalchemy import func, select

from ordersync.channels.sdk.signatures import hmac_sha256_base64
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderRow, OutboxEntry, WebhookDelivery
from ordersync.sync import actions, dispatcher
from ordersync.sync.connections import build_connector, load, save_state, webhook_url
from ordersync.sync.importer import import_orders

from .conftest import connect, order_count, start_shop


def test_ship_despite_two_503s_changes_status_once_and_adds_one_note(hub):
    shop = start_shop(20)
    try:
        conn = connect(hub, shop)
        import_orders(hub, conn)
        with hub.db.session() as s:
            order = s.scalar(select(OrderRow).where(OrderRow.channel_status == "processing").limit(1))
        actions.ship(hub, order.id, carrier="DHL", tracking_number="00340434161094042557")
        shop.faults({"kind": "error", "status": 503, "count": 2, "path": "/wp-json/wc/v3/orders*"})
        when = utcnow()
        for _ in range(10):
            dispatcher.dispatch(hub, now=when)
            when += timedelta(hours=1)
            with hub.db.session() as s:
                if not s.scalar(select(func.count()).select_from(OutboxEntry)
                                .where(OutboxEntry.status.in_(("pending", "sending")))):
                    break
        with hub.db.session() as s:
            assert set(s.scalars(select(OutboxEntry.status))) == {"done"}
        updates = [e for e in shop.ledger("order.update") if str(e["resource_id"]) == order.external_id]
        notes = [e for e in shop.ledger("order.note") if str(e["resource_id"]) == order.external_id]
        status_changes = [e for e in updates if "status" in e["body"]]  # the tracking meta is a PUT too
        assert len(status_changes) == 1 and status_changes[0]["body"]["status"] == "completed"
        assert len(notes) == 1 and "00340434161094042557" in json.dumps(notes[0]["body"])
    finally:
        shop.server.stop()


def _register(hub, conn: int) -> str:
    """Register the shop's webhooks as `connections add` does; returns the hub's address for them."""
    row = load(hub, conn)
    connector = build_connector(hub, row)
    connector.register_webhooks()
    save_state(hub, conn, connector.context.state)
    connector.close()
    return webhook_url(hub, row)


def _wait(predicate, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_webhook_before_poll_creates_the_order_and_a_replay_changes_nothing(web_hub):
    hub = web_hub
    shop = start_shop(5)
    try:
        conn = connect(hub, shop)
        hook_url = _register(hub, conn)
        created = shop.orders({"create": 1})["created"][0]
        assert _wait(lambda: order_count(hub) == 1), "the webhook did not create the order"
        with hub.db.session() as s:
            assert s.scalar(select(OrderRow.external_id)) == str(created)
            delivery = s.scalar(select(WebhookDelivery))
        replay = httpx.post(hook_url, content=delivery.body, headers=json.loads(delivery.headers))
        assert replay.status_code == 200 and "duplicate" in replay.text
        with hub.db.session() as s:
            assert s.scalar(select(func.count()).select_from(WebhookDelivery)) == 1
        assert order_count(hub) == 1
    finally:
        shop.server.stop()


def test_webhook_with_a_bad_signature_is_refused_and_stored_nowhere(web_hub):
    hub = web_hub
    shop = start_shop(5)
    try:
        conn = connect(hub, shop)
        hook_url = _register(hub, conn)
        body = json.dumps({"id": 999, "status": "processing"}).encode()
        response = httpx.post(hook_url, content=body, headers={
            "X-WC-Webhook-Signature": hmac_sha256_base64("not-the-secret", body),
            "X-WC-Webhook-Delivery-ID": "forged-1", "X-WC-Webhook-Topic": "order.created",
            "X-WC-Webhook-Resource": "order", "X-WC-Webhook-Event": "created",
            "Content-Type": "application/json"})
        assert response.status_code == 401
        with hub.db.session() as s:
            assert s.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
        assert order_count(hub) == 0
    finally:
        shop.server.stop()
