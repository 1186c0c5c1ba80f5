"""Webhook variants through the hub's real web app on loopback: an eBay-style GET challenge answered on the
webhook address, ECDSA-signed deliveries accepted with the platform's own reply (204), forged ones refused, a
key-server outage deferred (nothing stored), GET refused with 404/405 where it must be; and a channel whose
notifications come from a queue, drained by the ordinary poll, each message stored once however often the
queue hands it out."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest
from channels.harness import SandboxControl
from channels.webhook_variants.connectors import QueueMarket, SignedMarket
from channels.webhook_variants.sandbox import TOKEN, NotifyMarket
from sqlalchemy import func, select

from ordersync.channels import registry
from ordersync.channels.sdk.public_keys import shared_cache
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.store.models import OrderRow, WebhookDelivery
from ordersync.sync.connections import add_connection, load, webhook_url
from ordersync.sync.importer import import_orders

from .conftest import connect, order_count, start_shop


@pytest.fixture
def market():
    for cls in (SignedMarket, QueueMarket):
        registry.register(cls, replace=True)
    sandbox = NotifyMarket()
    with serve_in_thread(sandbox.app) as server:
        yield SandboxControl(sandbox, server.base_url)
    for cls in (SignedMarket, QueueMarket):
        registry.unregister(cls.system)


def deliveries(hub) -> list[WebhookDelivery]:
    with hub.db.session() as s:
        return list(s.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_ebay_style_challenge_signed_deliveries_and_the_platforms_reply(web_hub, market):
    hub, sandbox = web_hub, market.sandbox
    conn = add_connection(hub, "signedmarket", "market", market.settings())
    url = webhook_url(hub, load(hub, conn))

    answer = httpx.get(url, params={"challenge_code": "a8628072-3d33-45ee-9004-bee86830a22d"})
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    expected = hashlib.sha256(("a8628072-3d33-45ee-9004-bee86830a22d" + TOKEN + url).encode()).hexdigest()
    assert answer.json() == {"challengeResponse": expected}
    missing = httpx.get(url)
    assert missing.status_code == 400 and "challenge_code" in missing.json()["status"]

    order = sandbox.create_order(enqueue=False)["id"]
    body = sandbox.notification(order)
    accepted = httpx.post(
        url,
        content=body,
        headers={"X-EBAY-SIGNATURE": sandbox.ebay_signature(body), "content-type": "application/json"},
    )
    assert accepted.status_code == 204 and accepted.content == b""
    again = httpx.post(url, content=body, headers={"X-EBAY-SIGNATURE": sandbox.ebay_signature(body)})
    assert again.status_code == 204  # a redelivery: acknowledged the same way, stored once
    assert order_count(hub) == 1 and len(deliveries(hub)) == 1

    forged = httpx.post(
        url, content=body.replace(b"19.90", b"0.01"), headers={"X-EBAY-SIGNATURE": sandbox.ebay_signature(body)}
    )
    assert forged.status_code == 401 and "does not match the body" in forged.json()["status"]

    sandbox.rotate_ec_key("k2")  # a key the hub has not cached yet, and the key server is down
    market.faults({"kind": "error", "status": 500, "count": 1, "path": "/commerce/notification/v1/public_key/*"})
    later = sandbox.notification(sandbox.create_order(enqueue=False)["id"])
    deferred = httpx.post(url, content=later, headers={"X-EBAY-SIGNATURE": sandbox.ebay_signature(later, "k2")})
    assert deferred.status_code == 503 and "could not be fetched" in deferred.json()["status"]
    assert order_count(hub) == 1 and len(deliveries(hub)) == 1  # deferred is not accepted
    retried = httpx.post(url, content=later, headers={"X-EBAY-SIGNATURE": sandbox.ebay_signature(later, "k2")})
    assert retried.status_code == 204 and order_count(hub) == 2
    key_fetches = [r["path"].rsplit("/", 1)[1] for r in market.requests("/commerce/notification/v1/public_key/")]
    assert key_fetches == ["k1", "k2", "k2"]  # k1 once for all its deliveries; k2 failed, then fetched
    shared_cache(market.base_url + "/commerce/notification/v1/public_key").clear()


def test_get_on_a_webhook_address_is_404_when_unknown_and_405_without_a_challenge(web_hub, market):
    hub = web_hub
    shop = start_shop(1)
    try:
        woo = connect(hub, shop)
        woo_url = webhook_url(hub, load(hub, woo))
        assert httpx.get(woo_url, params={"challenge_code": "x"}).status_code == 405
        assert httpx.get(woo_url).headers.get("allow") == "POST"
        base = woo_url.rsplit("/", 2)[0]
        assert httpx.get(f"{base}/woocommerce/not-a-token", params={"challenge_code": "x"}).status_code == 404
        signed = add_connection(hub, "signedmarket", "market", market.settings())
        token = load(hub, signed).webhook_token
        assert httpx.get(f"{base}/woocommerce/{token}").status_code == 404  # a token belongs to one system
        assert httpx.get(f"{base}/signedmarket/{token}%00").status_code == 404
        # the default reply is unchanged for connectors that declare none
        ping = httpx.post(
            woo_url, content=b"webhook_id=1", headers={"content-type": "application/x-www-form-urlencoded"}
        )
        assert ping.status_code == 200 and ping.json() == {"status": "ping acknowledged"}
    finally:
        shop.server.stop()


def test_queue_notifications_are_drained_by_the_poll_stored_once_and_acknowledged_after_storing(hub, market):
    sandbox = market.sandbox
    conn = add_connection(hub, "queuemarket", "queue", market.settings())
    created = market.orders({"create": 3})["created"]
    market.faults({"kind": "error", "status": 503, "count": 1, "path": "/queue/ack"})  # the first ack fails
    result = import_orders(hub, conn)
    assert not result.error and order_count(hub) == 3
    assert result.fetched == 0  # the window poll stops short of now (safety lag): the queue brought them
    first = deliveries(hub)
    assert sorted(d.delivery_id for d in first) == sorted(f"m-{i}" for i in created)
    assert {d.status for d in first} == {"processed"}
    assert len(market.ledger("queue.ack")) == 1  # batch 1 (two messages) kept, batch 2 acknowledged

    assert sandbox.requeue() == 2  # the unacknowledged messages come back
    import_orders(hub, conn)
    assert len(deliveries(hub)) == 3 and order_count(hub) == 3  # stored once, no order twice
    assert sorted(e["resource_id"] for e in market.ledger("queue.ack")) == ["r1", "r2", "r3"]
    assert sandbox.queue == {} and sandbox.in_flight == {}
    with hub.db.session() as s:
        assert s.scalar(select(func.count()).select_from(OrderRow)) == 3
        assert [json.loads(h) for h in s.scalars(select(WebhookDelivery.headers))] == [{"source": "queue"}] * 3
