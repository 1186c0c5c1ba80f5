"""Shopware 6 against its sandbox over loopback: OAuth tokens, the import window (the null ``updatedAt``
trap), paging, pushes through the state machines (an impossible transition is a permanent error, sent
once), tracking, stock by product number, and app webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from ordersync.channels.sdk.errors import PermanentError, WebhookRejected
from ordersync.channels.sdk.records import OrderRef, Window
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.settings import SettingsError
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.channels.shopware6.connector import Shopware6Connector
from ordersync.channels.shopware6.sandbox import create_sandbox
from ordersync.channels.shopware6.sandbox import data as shop_data
from ordersync.domain import OrderState, Shipment, ShipmentLine, StockUpdate

from ..harness import SandboxControl


@pytest.fixture
def shop():
    allow_loopback()  # the sandbox lives on loopback, which the URL guard refuses by default
    sandbox = create_sandbox(seed=3, orders=7)
    with serve_in_thread(sandbox.app) as server:
        yield SandboxControl(sandbox, server.base_url)
    sandbox.close()


def connect(shop: SandboxControl, **overrides) -> Shopware6Connector:
    return Shopware6Connector({**shop.settings(), **overrides})


def everything() -> Window:
    return Window(None, datetime.now(UTC) + timedelta(minutes=5))


def test_connection_test_with_the_right_and_a_wrong_secret(shop):
    good, bad = connect(shop), connect(shop, client_secret="wrong")
    assert good.test_connection().ok
    result = bad.test_connection()
    assert not result.ok and "access key" in result.message
    good.close()
    bad.close()


def test_paging_reports_the_window_total_with_every_page(shop):
    connector = connect(shop, page_size=3)
    pages = list(connector.fetch_orders(everything()))
    assert [len(p.records) for p in pages] == [3, 3, 1] and {p.window_total for p in pages} == {7}
    assert sorted(o.external_id for p in pages for o in p.records) == sorted(shop.sandbox.orders)
    connector.close()


def most_open_at_once(requests: list[dict]) -> int:
    """The most of these requests the sandbox had open at the same moment (from its request log)."""
    edges = sorted([(r["t_start"], 1) for r in requests] + [(r["t_end"], -1) for r in requests])
    most = now = 0
    for _, step in edges:  # at equal times an end sorts before a start: touching is not overlapping
        now += step
        most = max(most, now)
    return most


@pytest.mark.parametrize("concurrency", [1, 3])
def test_pages_after_the_first_are_read_side_by_side_within_the_setting_and_come_back_in_order(shop, concurrency):
    shop.sandbox.faults.add("delay", count=None, seconds=0.2, phase="before", path="/api/search/order")
    connector = connect(shop, page_size=2, concurrency=concurrency)
    pages = list(connector.fetch_orders(everything()))
    connector.close()
    assert [p.number for p in pages] == [1, 2, 3, 4] and [len(p.records) for p in pages] == [2, 2, 2, 1]
    assert {p.window_total for p in pages} == {7} and {p.total_pages for p in pages} == {4}
    ids = [o.external_id for p in pages for o in p.records]
    assert ids == sorted(ids) and sorted(ids) == sorted(shop.sandbox.orders)  # by id, each once
    searches = shop.requests("/api/search/order")
    assert len(searches) == 4 and all(r["t_start"] >= searches[0]["t_end"] for r in searches[1:])  # 1 tells the total
    most = most_open_at_once(searches)
    assert most == 1 if concurrency == 1 else 1 < most <= concurrency


def test_a_window_that_shrinks_while_its_pages_are_in_flight_shows_in_the_later_pages_counts(shop):
    """The first page's answer moves one of its orders out of the window (it changed just now): every page
    read after it counts one order fewer, and the last page, past the end now, comes back empty. The engine
    compares every page's count with the first's and reads the window again."""
    shop.sandbox.faults.add("page_drift", count=1, path="/api/search/order")
    connector = connect(shop, page_size=2, concurrency=3)
    pages = list(connector.fetch_orders(Window(None, datetime.now(UTC) - timedelta(seconds=1))))
    connector.close()
    assert [p.window_total for p in pages] == [7, 6, 6, 6] and [len(p.records) for p in pages] == [2, 2, 2, 0]
    read = {o.external_id for p in pages for o in p.records}
    # one order slid onto page 1, read already: why the window is read again
    assert len(read) == 6 < len(shop.sandbox.orders)


def test_the_concurrency_setting_is_a_number_of_requests_from_1_to_16(shop):
    with pytest.raises(SettingsError):
        connect(shop, concurrency=0)
    with pytest.raises(SettingsError):
        connect(shop, concurrency=17)
    assert connect(shop).config["concurrency"] == 4


def test_the_window_reads_updated_at_and_for_never_changed_orders_created_at(shop):
    now = datetime.now(UTC)
    since, until = now - timedelta(minutes=10), now - timedelta(minutes=1)
    iso = lambda t: t.isoformat()  # noqa: E731
    new = shop.orders({"create": [{"createdAt": iso(now - timedelta(minutes=5))}]})["created"][0]
    old = shop.orders({"create": [{"createdAt": iso(now - timedelta(days=3))}]})["created"][0]
    later = shop.orders({"create": [{"createdAt": iso(now - timedelta(minutes=5))}]})["created"][0]
    shop.orders(
        {"update": [{"id": old, "updatedAt": iso(now - timedelta(minutes=4))}, {"id": later, "updatedAt": iso(now)}]}
    )
    connector = connect(shop)
    ids = {o.external_id for p in connector.fetch_orders(Window(since, until)) for o in p.records}
    assert ids == {new, old}  # `later` changed after the window: it belongs to the next one
    connector.close()


def test_an_expired_token_is_fetched_again_once(shop):
    connector = connect(shop)
    assert connector.test_connection().ok
    grants = shop.sandbox.token_refreshes
    shop.sandbox.conform_expire_token({})
    assert len(list(connector.fetch_orders(everything()))) == 1
    assert shop.sandbox.token_refreshes == grants + 1
    connector.close()


def test_a_status_walks_the_state_machine_and_a_second_push_is_already_done(shop):
    oid = next(iter(shop.sandbox.orders))
    connector = connect(shop)
    first = connector.push_state(OrderRef(oid), OrderState.CLOSED)
    assert first.ok and not first.already_done
    assert [e["changes"]["transition"] for e in shop.ledger()] == ["process", "complete"]
    assert connector.push_state(OrderRef(oid), OrderState.CLOSED).already_done
    paid = connector.push_state(OrderRef(oid), OrderState.PAID)
    assert paid.ok and shop.ledger("order_transaction.transition")[0]["changes"]["to"] == "paid"
    connector.close()


def test_an_impossible_transition_is_a_permanent_error_sent_once(shop, monkeypatch):
    oid = next(iter(shop.sandbox.orders))
    monkeypatch.delitem(shop_data.MACHINES["order.state"]["open"], "process")  # this shop's graph differs
    connector = connect(shop)
    with pytest.raises(PermanentError, match="SYSTEM__ILLEGAL_STATE_TRANSITION") as caught:
        connector.push_state(OrderRef(oid), OrderState.CLOSED)
    assert "process" in str(caught.value) and "open" in str(caught.value)
    assert len(shop.requests("/api/_action/order/")) == 1 and shop.ledger() == []
    connector.close()


def test_tracking_adds_the_code_and_ships_the_delivery_once(shop):
    oid = next(iter(shop.sandbox.orders))
    connector = connect(shop)
    shipment = Shipment(carrier="DHL", tracking_number="00340434161094042557")
    assert not connector.push_tracking(OrderRef(oid), shipment).already_done
    assert connector.push_tracking(OrderRef(oid), shipment).already_done
    delivery = shop.sandbox.orders[oid]["deliveries"][0]
    assert delivery["trackingCodes"] == ["00340434161094042557"]
    assert delivery["stateMachineState"]["technicalName"] == "shipped"
    assert len(shop.ledger("order_delivery.*")) == 2
    connector.close()


def test_a_partial_shipment_ships_the_delivery_partially_and_the_rest_completes_it(shop):
    oid = next(iter(shop.sandbox.orders))
    line = shop.sandbox.orders[oid]["lineItems"][0]
    connector = connect(shop)
    part = Shipment(carrier="DHL", tracking_number="111", lines=[ShipmentLine(line["id"], Decimal(1))])
    assert connector.push_tracking(OrderRef(oid), part).ok
    delivery = shop.sandbox.orders[oid]["deliveries"][0]
    assert delivery["stateMachineState"]["technicalName"] == "shipped_partially"
    second = Shipment(carrier="DHL", tracking_number="222", lines=[ShipmentLine(line["id"], Decimal(1))])
    assert connector.push_tracking(OrderRef(oid), second).ok
    assert delivery["trackingCodes"] == ["111", "222"]
    assert connector.push_state(OrderRef(oid), OrderState.SHIPPED).ok
    assert [e["changes"]["transition"] for e in shop.ledger("*.transition")] == ["ship_partially", "ship"]
    connector.close()


def test_stock_goes_to_variants_by_product_number_in_one_sync_call(shop):
    connector = connect(shop)
    results = connector.push_stock(
        [StockUpdate("", 11, sku="SW10004.1"), StockUpdate("", 4, sku="SW10001"), StockUpdate("", 1, sku="SW99999")]
    )
    assert [r.ok for r in results] == [True, True, False] and "SW99999" in results[2].detail
    stock = {p["productNumber"]: p["stock"] for p in shop.sandbox.products.values()}
    assert (stock["SW10004.1"], stock["SW10001"], stock["SW10004"]) == (11, 4, 0)
    assert len(shop.requests("/api/_action/sync")) == 1
    connector.close()


def test_the_product_read_gives_every_product_and_variant_with_the_stock_the_admin_set(shop):
    """What a reconciliation compares: every product, the variants as products of their own (own id and
    product number), each with the ``stock`` that push_stock sets, as an edit in the administration left it."""
    shop.sandbox.conform_edit_stock({"sku": "SW10004.2", "stock": 17})
    connector = connect(shop, page_size=2)
    until = datetime.now(UTC) + timedelta(seconds=1)
    articles = [a for page in connector.fetch_articles(Window(None, until)) for a in page.records]
    assert {a.sku: a.stock for a in articles} == {
        "SW10001": 40,
        "SW10002": 12,
        "SW10003": 7,
        "SW10004": 0,
        "SW10004.1": 50,
        "SW10004.2": 17,
    }
    variant = next(a for a in articles if a.sku == "SW10004.2")
    assert variant.external_id == shop_data.hex_id("product", "SW10004.2") and variant.manages_stock
    assert not shop.ledger("product.stock")  # an admin's edit is no push
    connector.close()


def test_app_webhooks_are_verified_deduplicated_by_event_id_and_read_back(shop):
    oid = next(iter(shop.sandbox.orders))
    connector = connect(shop)
    body = json.dumps(
        {
            "data": {
                "payload": [
                    {"entity": "order", "operation": "update", "primaryKey": oid, "updatedFields": ["stateId"]}
                ],
                "event": "order.written",
            },
            "source": {
                "url": shop.base_url,
                "appVersion": "1.0.0",
                "shopId": "abc",
                "eventId": "7b04ebe416db4ebc93de4d791325e1d9",
            },
            "timestamp": 1,
        }
    ).encode()
    signature = hmac.new(shop.sandbox.shop_secret.encode(), body, hashlib.sha256).hexdigest()
    meta = connector.verify_webhook({"shopware-shop-signature": signature}, body)
    assert (meta.delivery_id, meta.topic, meta.resource_id) == (
        "7b04ebe416db4ebc93de4d791325e1d9",
        "order.written",
        oid,
    )
    assert [o.external_id for o in connector.parse_webhook(meta, body).records] == [oid]
    with pytest.raises(WebhookRejected):
        connector.verify_webhook({"shopware-shop-signature": "0" * 64}, body)
    with pytest.raises(WebhookRejected):
        connector.verify_webhook({}, body)  # a webhook not of the app comes unsigned
    connector.close()


def test_registered_webhooks_belong_to_the_app_and_arrive_signed(shop):
    connector = connect(shop)
    connector.context.webhook_url = "http://127.0.0.1:9/hook"
    connector.register_webhooks()
    connector.register_webhooks()  # nothing new the second time
    hooks = httpx.post(
        shop.base_url + "/api/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": shop.sandbox.client_id,
            "client_secret": shop.sandbox.client_secret,
        },
    )
    token = hooks.json()["access_token"]
    listed = httpx.get(shop.base_url + "/api/webhook", headers={"Authorization": f"Bearer {token}"}).json()["data"]
    assert sorted(h["eventName"] for h in listed) == ["checkout.order.placed", "order.written"]
    assert {h["appId"] for h in listed} == {shop.sandbox.app_id}
    connector.context.webhook_url = "http://127.0.0.1:9/moved"  # the hub's address changed
    connector.register_webhooks()
    listed = httpx.get(shop.base_url + "/api/webhook", headers={"Authorization": f"Bearer {token}"}).json()["data"]
    assert {h["url"] for h in listed} == {"http://127.0.0.1:9/moved"} and len(listed) == 2
    assert len(shop.ledger("webhook.create")) == 2 and len(shop.ledger("webhook.update")) == 2
    hook, other = list(shop.sandbox.webhook_subscriptions.values())
    hook["active"] = False  # Shopware switched it off after failed deliveries
    del shop.sandbox.webhook_subscriptions[other["id"]]  # and the seller deleted the other one
    health = connector.check_webhooks(repair=False)
    assert not health.active and len(health.problems) == 2
    assert len(connector.check_webhooks().repaired) == 2 and hook["active"] is True
    assert {h["url"] for h in shop.sandbox.webhook_subscriptions.values()} == {"http://127.0.0.1:9/moved"}
    assert connector.check_webhooks().active
    connector.unregister_webhooks()
    assert shop.sandbox.webhook_subscriptions == {} and "webhooks" not in connector.context.state
    connector.close()
