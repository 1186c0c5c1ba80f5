"""The WooCommerce connector against the WooCommerce sandbox over real loopback HTTP."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs

import pytest

from ordersync.channels.sdk.connector import ConnectorContext
from ordersync.channels.sdk.errors import AuthError, WebhookRejected
from ordersync.channels.sdk.records import OrderRef, Window
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.woocommerce.connector import WooCommerceConnector
from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.domain import OrderState, Shipment, StockUpdate

from .conftest import Served, everything, fast

ORDERS = "/wp-json/wc/v3/orders"


def test_five_thousand_orders_in_fifty_pages():
    sandbox = create_sandbox(seed=5, orders=5000, products=50)
    with serve_in_thread(sandbox.app) as server:
        shop = Served(sandbox, server.base_url)
        connector = shop.connector()
        pages = list(connector.fetch_orders(everything()))
        listed = [r for r in shop.requests(ORDERS, "GET") if r["path"] == ORDERS]
        details = [r for r in shop.requests(ORDERS, "GET") if r["path"] != ORDERS]
        collected = shop.requests("/wp-json/wc/v3/refunds", "GET")
    ids = [o.external_id for p in pages for o in p.records]
    # refund details: one GET /refunds for a page with several refunded orders, one GET per order for a page
    # with just one (the same cost), none for a page without
    refunded = [sum(1 for o in p.records if o.refunds) for p in pages]
    assert len(collected) == sum(1 for n in refunded if n > 1) > 0 and {r["status"] for r in collected} == {200}
    assert len(details) == sum(1 for n in refunded if n == 1)
    assert all(o.refunds[0].refunded_at is not None for p in pages for o in p.records if o.refunds)
    total = pages[0].window_total
    assert 4900 < total <= 5000  # status=any leaves out the trashed ones, as WooCommerce does
    assert len(ids) == len(set(ids)) == total and not any(p.quarantined for p in pages)
    assert [p.number for p in pages] == list(range(1, 51)) and {p.total_pages for p in pages} == {50}
    assert len(listed) == 50
    query = parse_qs(listed[0]["query"])
    assert query["per_page"] == ["100"] and query["orderby"] == ["id"] and query["dates_are_gmt"] == ["true"]
    assert query["status"] == ["any"] and "modified_before" in query and "oauth_signature" in query


def test_window_limits_by_modification_time(shop):
    connector = shop.connector()
    first = next(o.external_id for p in connector.fetch_orders(everything()) for o in p.records)
    time.sleep(1.1)  # WooCommerce timestamps have whole seconds
    since = datetime.now(UTC)
    time.sleep(1.1)
    changed = shop.orders({"create": 2, "update": [{"id": int(first), "status": "completed"}]})
    got = {o.external_id for p in connector.fetch_orders(Window(since, everything().until)) for o in p.records}
    assert got == {str(i) for i in changed["created"] + changed["updated"]}


def test_window_bounds_lose_and_repeat_nothing(shop):
    """(since, until]: an order saved in the very second a window ends is in that window and not the next."""
    t = datetime(2024, 3, 5, 12, 0, 7, tzinfo=UTC)
    oid = str(
        shop.orders(
            {"create": [{"date_created_gmt": "2024-03-05T11:00:00", "date_modified_gmt": "2024-03-05T12:00:07"}]}
        )["created"][0]
    )
    connector = shop.connector()

    def ids(since, until):
        return {o.external_id for p in connector.fetch_orders(Window(since, until)) for o in p.records}

    assert oid in ids(t - timedelta(seconds=10), t)
    assert oid in ids(t - timedelta(seconds=10), t + timedelta(microseconds=400_000))
    assert oid not in ids(t, t + timedelta(seconds=10))
    assert oid not in ids(t - timedelta(seconds=10), t - timedelta(microseconds=1))
    assert oid in ids(t - timedelta(microseconds=1), t + timedelta(seconds=10))


def test_oauth_over_http_and_wrong_secret(shop):
    ok = shop.connector()
    result = ok.test_connection()
    assert result.ok and result.details["auth"] == "oauth1"
    bad = shop.connector(consumer_secret="cs_wrong")
    with pytest.raises(AuthError, match="signature"):
        next(bad.fetch_orders(everything()))
    outcome = bad.test_connection()
    assert not outcome.ok and "Read/Write" in outcome.message


def test_basic_auth_behind_tls_offload():
    sandbox = create_sandbox(seed=11, orders=30, products=10, https_offload=True)
    with serve_in_thread(sandbox.app) as server:
        shop = Served(sandbox, server.base_url)
        connector = shop.connector(auth="basic")
        pages = list(connector.fetch_orders(everything()))
        assert connector.test_connection().ok
        query = shop.requests(ORDERS, "GET")[0]["query"]
        assert pages[0].records and "oauth_signature" not in query and "consumer_secret" not in query
        with pytest.raises(AuthError):
            next(shop.connector(auth="basic", consumer_secret="cs_nope").fetch_orders(everything()))


def test_wrong_path_explains_permalinks(shop):
    connector = shop.connector(url=shop.base_url + "/blog")
    result = connector.test_connection()
    assert not result.ok and "Plain" in result.message


def test_malformed_orders_are_quarantined_and_the_rest_imported(shop):
    made = shop.orders(
        {
            "create": [
                {"line_items": [{"raw": True, "id": 91, "name": "Gutschein", "product_id": 0, "quantity": 1}]},
                {
                    "line_items": [
                        {
                            "raw": True,
                            "id": 92,
                            "name": "Tasse",
                            "product_id": 0,
                            "quantity": "zwei",
                            "total": "5.00",
                            "total_tax": "0.95",
                        }
                    ]
                },
                {},
            ]
        }
    )
    bad, worse, good = (str(i) for i in made["created"])
    pages = list(shop.connector().fetch_orders(everything()))
    quarantined = {q.external_id: q for p in pages for q in p.quarantined}
    imported = {o.external_id for p in pages for o in p.records}
    assert set(quarantined) == {bad, worse}
    assert "no total" in quarantined[bad].reason and "quantity" in quarantined[worse].reason
    assert quarantined[bad].raw["id"] == int(bad) and quarantined[bad].hint
    assert good in imported and len(imported) == pages[0].window_total - 2


def test_fetch_one_order(shop):
    oid = shop.orders({"create": 1})["created"][0]
    page = shop.connector().fetch_order(OrderRef(str(oid)))
    assert [o.external_id for o in page.records] == [str(oid)] and page.records[0].state is OrderState.PAID


def test_articles_with_variations(shop):
    pages = list(shop.connector().fetch_articles(everything()))
    articles = [a for p in pages for a in p.records]
    assert len(articles) == pages[0].window_total and not any(p.quarantined for p in pages)
    variable = [a for a in articles if a.variants]
    assert variable and all(v.sku and v.attributes for a in variable for v in a.variants)
    assert any(a.ean for a in articles) and all(a.updated_at is not None for a in articles)


def test_webhooks_register_verify_parse_unregister(shop, receiver):
    context = ConnectorContext(connection_id=4711, webhook_url=receiver.url)
    connector = shop.connector(context)
    receiver.connector = lambda: connector
    receiver.calls.clear()
    connector.register_webhooks()
    assert set(context.state["webhooks"]) == {"order.created", "order.updated"}
    assert len(shop.ledger("webhook.create")) == 2
    pings = [c for c in receiver.calls if c[1] is not None and c[1].is_ping]
    assert len(pings) == 2 and all(status == 200 for status, _, _ in pings)  # unsigned pings answered 200

    connector.register_webhooks()  # idempotent: adopts what exists
    assert len(shop.ledger("webhook.create")) == 2 and not shop.ledger("webhook.update")

    oid = shop.orders({"create": 1})["created"][0]
    deadline = time.time() + 10
    while time.time() < deadline and not any(c[2] and c[2].records for c in receiver.calls):
        time.sleep(0.05)
    status, meta, page = next(c for c in receiver.calls if c[2] and c[2].records)
    assert status == 200 and meta.topic == "order.created" and meta.resource_id == str(oid)
    assert page.records[0].external_id == str(oid) and meta.delivery_id

    deadline = time.time() + 10  # the sandbox logs a delivery after its answer arrives: wait for the log
    while time.time() < deadline and not any(
        d["topic"] == "order.created" for d in shop.control.get("/webhook-deliveries").json()
    ):
        time.sleep(0.05)
    delivery = next(d for d in shop.control.get("/webhook-deliveries").json() if d["topic"] == "order.created")
    headers, body = delivery["headers"], delivery["body"].encode()
    assert connector.verify_webhook(headers, body).topic == "order.created"
    with pytest.raises(WebhookRejected) as rejected:
        connector.verify_webhook(headers, body.replace(b'"id":', b'"id": ', 1))
    assert rejected.value.status == 401
    with pytest.raises(WebhookRejected):
        connector.verify_webhook({k: v for k, v in headers.items() if "Signature" not in k}, body)
    with pytest.raises(WebhookRejected):
        connector.verify_webhook({}, b"webhook_id=1&x=2")

    # a new connector with lost state adopts the webhooks and gives them a fresh secret
    fresh = shop.connector(ConnectorContext(connection_id=4711, webhook_url=receiver.url))
    fresh.register_webhooks()
    assert len(shop.ledger("webhook.create")) == 2 and len(shop.ledger("webhook.update")) == 2
    assert fresh.context.state["webhook_secret"] != context.state["webhook_secret"]

    fresh.unregister_webhooks()
    assert len(shop.ledger("webhook.delete")) == 2 and "webhooks" not in fresh.context.state
    fresh.unregister_webhooks()  # nothing left: no calls, no errors


@pytest.mark.parametrize("phase", ["before", "after"])
def test_retried_ship_changes_status_once_and_notes_once(shop, phase):
    """Two 503s (answered before or after WordPress saved the change) on the writes: one effect each."""
    oid = shop.orders({"create": 1})["created"][0]
    connector = shop.connector()
    shop.faults(
        {"kind": "error", "status": 503, "count": 2, "method": "PUT", "phase": phase},
        {"kind": "error", "status": 503, "count": 2, "method": "POST", "phase": phase},
    )
    ref = OrderRef(str(oid))
    assert connector.push_state(ref, OrderState.SHIPPED).ok
    shipment = Shipment("DHL", "00340434161094042557", "https://www.dhl.de/track?piececode=00340434161094042557")
    assert connector.push_tracking(ref, shipment).ok
    status_changes = [e["changes"]["status"] for e in shop.ledger("order.update") if "status" in e["changes"]]
    notes = shop.ledger("order.note")
    assert status_changes == ["completed"]
    assert len(notes) == 1 and notes[0]["body"]["customer_note"] is True
    assert "00340434161094042557" in notes[0]["body"]["note"]
    # the outbox delivering again (at least once) changes nothing
    assert connector.push_state(ref, OrderState.SHIPPED).already_done
    assert connector.push_tracking(ref, shipment).already_done
    assert len(shop.ledger("order.note")) == 1
    order = connector.fetch_order(ref).records[0]
    assert order.state is OrderState.SHIPPED and [s.tracking_number for s in order.shipments] == [
        shipment.tracking_number
    ]
    assert order.shipments[0].tracking_url == shipment.tracking_url and order.shipments[0].carrier == "DHL"


def test_tracking_note_only_and_messages(shop):
    oid = str(shop.orders({"create": 1})["created"][0])
    connector = shop.connector(tracking_meta_key="", note_language="en")
    result = connector.push_tracking(OrderRef(oid), Shipment("DPD", "01505012345678"))
    assert result.ok and not result.already_done
    assert not [e for e in shop.ledger("order.update") if e["resource_id"] == oid]
    assert "Tracking number: 01505012345678" in shop.ledger("order.note")[-1]["body"]["note"]
    first = connector.send_message(
        OrderRef(oid), "Lieferverzögerung", "Ihr Paket kommt zwei Tage später & ist unterwegs."
    )
    again = connector.send_message(
        OrderRef(oid), "Lieferverzögerung", "Ihr Paket kommt zwei Tage später & ist unterwegs."
    )
    assert first.ok and not first.already_done and again.already_done
    assert len(shop.ledger("order.note")) == 2


def test_unmapped_state_is_not_pushed(shop):
    oid = str(shop.orders({"create": 1})["created"][0])
    result = shop.connector().push_state(OrderRef(oid), OrderState.ARCHIVED)
    assert result.ok and "not pushed" in result.detail and not shop.ledger("order.update")
    custom = shop.connector(status_map_export={"Archived": "cancelled"})
    assert custom.push_state(OrderRef(oid), OrderState.ARCHIVED).ok
    assert len(shop.ledger("order.update")) == 1


def test_stock_batch_of_250_is_three_calls(shop):
    connector = shop.connector()
    simple = sorted(pid for pid, p in shop.sandbox.store.products.items() if p["type"] == "simple")[:250]
    assert len(simple) == 250
    updates = [StockUpdate(str(pid), quantity=i % 7) for i, pid in enumerate(simple)]
    results = connector.push_stock(updates)
    assert len(results) == 250 and all(r.ok for r in results)
    assert len(shop.requests("/wp-json/wc/v3/products/batch", "POST")) == 3
    stock = shop.ledger("product.stock")
    assert len(stock) == 250 and {e["body"]["stock_quantity"] for e in stock} == set(range(7))
    assert all(e["body"]["manage_stock"] is True for e in stock)


def test_stock_for_variations_and_unknown_ids(shop):
    connector = shop.connector()
    product = next(a for p in connector.fetch_articles(everything()) for a in p.records if len(a.variants) >= 2)
    v1, v2 = product.variants[:2]
    updates = [
        StockUpdate(product.external_id, 3, v1.external_id),
        StockUpdate("999999", 1),
        StockUpdate(product.external_id, 0, v2.external_id),
        StockUpdate(product.external_id, 5, v1.external_id),
        StockUpdate("SKU-1", 2),
    ]
    results = connector.push_stock(updates)
    assert [r.ok for r in results] == [True, False, True, True, False]
    assert "invalid" in results[1].detail.lower() and "not a WooCommerce id" in results[4].detail
    assert results[0] == results[3]  # two values for one listing: only the last is sent
    stock = {e["resource_id"]: e["body"]["stock_quantity"] for e in shop.ledger("variation.stock")}
    assert stock == {v1.external_id: 5, v2.external_id: 0}
    assert len(shop.requests(f"/wp-json/wc/v3/products/{product.external_id}/variations/batch", "POST")) == 1
    refreshed = next(
        a for p in connector.fetch_articles(everything()) for a in p.records if a.external_id == product.external_id
    )
    assert {v.external_id: v.stock for v in refreshed.variants}[v1.external_id] == Decimal(5)


def test_transient_failure_surfaces_after_retries(shop):
    connector = shop.connector()
    shop.faults({"kind": "error", "status": 500, "count": None, "method": "GET"})
    with pytest.raises(Exception) as err:
        next(connector.fetch_orders(everything()))
    assert getattr(err.value, "retryable", False)
    assert len(connector.slept) == connector.client.http.retry.max_attempts - 1


def test_truncated_page_is_retried(shop):
    connector = shop.connector()
    shop.faults({"kind": "truncate", "count": 1, "method": "GET", "path": ORDERS, "fraction": 0.6})
    pages = list(connector.fetch_orders(everything()))
    assert sum(len(p.records) for p in pages) == pages[0].window_total and len(connector.slept) == 1


def test_close_is_safe(shop):
    connector = WooCommerceConnector(shop.sandbox.settings_for(shop.base_url))
    connector.close()
    fast(connector)
