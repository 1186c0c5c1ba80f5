"""The eBay connector against its sandbox over loopback: import by modification time only, paging, item-level
fulfilments, stock through both APIs and the daily revision limit, messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs

import httpx
import pytest

from ordersync.channels.ebay.client import filter_for
from ordersync.channels.sdk.errors import RateLimited
from ordersync.channels.sdk.records import OrderRef, Window
from ordersync.domain import OrderState, Shipment, ShipmentLine, StockUpdate


def everything() -> Window:
    return Window(None, datetime.now(UTC) + timedelta(minutes=5))


def test_import_pages_by_modification_time_and_never_sends_creationdate(served):
    ids = served.act("create", count=5)["ids"]
    connector = served.connector(page_size=2)
    pages = list(connector.fetch_orders(everything()))
    assert sorted(o.external_id for p in pages for o in p.records) == sorted(ids)
    assert [p.window_total for p in pages] == [5, 5, 5]
    calls = served.requests("/sell/fulfillment/v1/order")
    filters = [parse_qs(c["query"])["filter"][0] for c in calls]
    assert all(f.startswith("lastmodifieddate:[") and "creationdate" not in f for f in filters)
    assert [parse_qs(c["query"])["offset"][0] for c in calls] == ["0", "2", "4"]
    assert (
        filter_for(Window(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, 3, 4, 5, 600000, tzinfo=UTC)))
        == "lastmodifieddate:[2024-01-01T00:00:00.000Z..2024-01-02T03:04:05.600Z]"
    )
    long_ago = Window(datetime(2020, 1, 1, tzinfo=UTC), datetime(2024, 1, 2, tzinfo=UTC))
    assert filter_for(long_ago) == "lastmodifieddate:[2022-01-03T00:00:00.000Z..2024-01-02T00:00:00.000Z]"


def test_the_sandbox_uses_only_creationdate_when_both_are_given(served):
    [old] = served.act("create", count=1, seconds_ago=86400 * 3)["ids"]
    served.sandbox.control_orders({"update": [{"orderId": old}]})  # modified just now, created 3 days ago
    connector = served.connector()
    now = datetime.now(UTC)
    since = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    both = f"creationdate:[{since}..],lastmodifieddate:[{since}..]"
    answer = connector.client.http.request("GET", "/sell/fulfillment/v1/order", params={"filter": both}).json()
    assert answer["total"] == 0  # creationdate won: the order modified in the last hour is not listed
    only_modified = connector.client.http.request(
        "GET", "/sell/fulfillment/v1/order", params={"filter": f"lastmodifieddate:[{since}..]"}
    ).json()
    assert [o["orderId"] for o in only_modified["orders"]] == [old]


def test_limit_above_200_is_refused_as_ebay_does(served):
    response = httpx.get(
        served.base_url + "/sell/fulfillment/v1/order", params={"limit": 201}, headers={"Authorization": "Bearer x"}
    )
    assert response.status_code == 401 and response.json()["errors"][0]["errorId"] == 1001
    with pytest.raises(Exception, match="31100"):
        served.connector().client.http.request("GET", "/sell/fulfillment/v1/order", params={"limit": 201})


def test_item_level_fulfilments_several_per_order_never_twice(served):
    served.sandbox.control_orders({"create": [{"lines": 2}]})
    order_id = next(iter(served.sandbox.store.orders))
    lines = served.sandbox.store.orders[order_id]["lineItems"]
    connector = served.connector()
    first = Shipment(
        carrier="DHL", tracking_number="JJD000390007", lines=[ShipmentLine(lines[0]["lineItemId"], Decimal(1))]
    )
    assert connector.push_tracking(OrderRef(order_id), first).already_done is False
    assert connector.push_tracking(OrderRef(order_id), first).already_done is True
    rest = Shipment(carrier="Hermes", tracking_number="H1000", lines=[])
    assert connector.push_tracking(OrderRef(order_id), rest).ok
    sent = [e["body"] for e in served.control.get("/ledger", params={"kind": "order.fulfillment"}).json()]
    assert sent[0]["lineItems"] == [{"lineItemId": lines[0]["lineItemId"], "quantity": 1}]
    assert sent[0]["shippingCarrierCode"] == "DHL" and sent[1]["shippingCarrierCode"] == "Hermes"
    expected = [
        {"lineItemId": li["lineItemId"], "quantity": li["quantity"] - (1 if n == 0 else 0)}
        for n, li in enumerate(lines)
        if li["quantity"] - (1 if n == 0 else 0) > 0
    ]
    assert sent[1]["lineItems"] == expected and len(sent) == 2
    assert served.sandbox.store.orders[order_id]["orderFulfillmentStatus"] == "FULFILLED"
    [mapped] = connector.fetch_order(OrderRef(order_id)).records
    assert mapped.channel_status == "PAID/FULFILLED"


def test_stock_goes_to_the_api_that_made_the_listing(served):
    connector = served.connector()
    updates = [
        StockUpdate("MUG-1", 3, sku="MUG-1"),
        StockUpdate("MUG-1", 4, sku="MUG-1"),
        StockUpdate("110000000003", 7, sku="SHIRT-3-M"),
    ]
    results = connector.push_stock(updates)
    assert all(r.ok for r in results)
    store = served.sandbox.store
    assert store.items["MUG-1"]["availability"]["shipToLocationAvailability"]["quantity"] == 4  # coalesced
    assert store.legacy["110000000003"]["Quantity"] == 7
    assert [e["kind"] for e in served.control.get("/ledger").json()] == ["inventory.stock", "trading.stock"]
    trading = served.requests("/ws/api.dll")
    assert len(trading) == 1 and len(served.requests("/sell/inventory/v1/bulk_update_price_quantity")) == 1


def test_the_daily_revision_limit_waits_for_the_next_day(served):
    connector = served.connector()
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    served.sandbox.store.revisions[(day, "110000000001")] = 250
    [result] = connector.push_stock([StockUpdate("MUG-1", 9, sku="MUG-1")])
    assert isinstance(result, RateLimited) and result.retry_after > 0
    [again] = connector.push_stock([StockUpdate("MUG-1", 8, sku="MUG-1")])
    assert isinstance(again, RateLimited)
    assert len(served.requests("/sell/inventory/v1/bulk_update_price_quantity")) == 1  # the second waited here


def test_a_message_goes_into_the_buyers_conversation_once(served):
    [order_id] = served.act("create", count=1)["ids"]
    connector = served.connector()
    assert connector.send_message(OrderRef(order_id), "Versand", "Ist unterwegs").already_done is False
    assert connector.send_message(OrderRef(order_id), "Versand", "Ist unterwegs").already_done is True
    [sent] = served.control.get("/ledger", params={"kind": "message.send"}).json()
    assert sent["body"]["reference"]["referenceType"] == "LISTING"
    assert sent["body"]["messageText"].endswith(f"[{order_id}]")


def test_a_cancellation_carries_the_sellers_reason_and_is_sent_once(served):
    a, b = served.act("create", count=2)["ids"]
    connector = served.connector(cancel_reason="ADDRESS_ISSUES")
    assert connector.push_state(OrderRef(a), OrderState.CANCELLED).already_done is False
    assert connector.push_state(OrderRef(a), OrderState.CANCELLED).already_done is True
    assert connector.push_state(OrderRef(b), OrderState.CANCELLED, "buyer_asked_cancel").ok
    sent = served.control.get("/ledger", params={"kind": "order.cancel"}).json()
    assert [(e["resource_id"], e["body"]["cancelReason"]) for e in sent] == [
        (a, "ADDRESS_ISSUES"),
        (b, "BUYER_ASKED_CANCEL"),
    ]
    assert sent[0]["body"]["buyerPaid"] is True and sent[0]["body"]["legacyOrderId"]
    [mapped] = connector.fetch_order(OrderRef(a)).records
    assert mapped.state is OrderState.CANCELLED
    assert connector.push_state(OrderRef(a), OrderState.SHIPPED).detail.endswith("nothing sent")
    assert connector.channel_status_for(OrderState.SHIPPED) is None


def test_articles_come_from_both_apis_without_doubles(served):
    pages = list(served.connector().fetch_articles(everything()))
    articles = {a.external_id: a for p in pages for a in p.records}
    assert set(articles) == {"MUG-1", "POT-2", "110000000003"}
    assert articles["110000000003"].sku == "SHIRT-3-M" and articles["110000000003"].stock == Decimal(5)
    assert articles["MUG-1"].stock == Decimal(10) and articles["MUG-1"].ean == "4000000000001"


def test_trading_refreshes_an_expired_token_once(served):
    connector = served.connector()
    assert connector.push_stock([StockUpdate("110000000003", 2, sku="SHIRT-3-M")])[0].ok
    refreshes = served.sandbox.tokens.refreshes
    served.act("expire_token")
    assert connector.push_stock([StockUpdate("110000000003", 3, sku="SHIRT-3-M")])[0].ok
    assert served.sandbox.tokens.refreshes == refreshes + 1
    assert served.sandbox.store.legacy["110000000003"]["Quantity"] == 3


def test_stock_calls_stay_within_ebays_batch_sizes(served):
    store = served.sandbox.store
    for n in range(30):
        sku = f"BULK-{n:02d}"
        store.items[sku] = {
            "sku": sku,
            "product": {"title": sku},
            "availability": {"shipToLocationAvailability": {"quantity": 1}},
        }
        store.offers[f"7{n:05d}"] = {
            "offerId": f"7{n:05d}",
            "sku": sku,
            "availableQuantity": 1,
            "listing": {"listingId": f"2200000{n:05d}"},
        }
    for n in range(5):
        store.legacy[f"3300000{n:05d}"] = {"ItemID": f"3300000{n:05d}", "SKU": f"OLD-{n}", "Title": "x", "Quantity": 1}
    updates = [StockUpdate(f"BULK-{n:02d}", 5, sku=f"BULK-{n:02d}") for n in range(30)]
    updates += [StockUpdate(f"3300000{n:05d}", 6, sku=f"OLD-{n}") for n in range(5)]
    assert all(r.ok for r in served.connector().push_stock(updates))
    bulk = [e for e in served.control.get("/ledger", params={"kind": "inventory.stock"}).json()]
    assert len(bulk) == 30 and len(served.requests("/sell/inventory/v1/bulk_update_price_quantity")) == 2
    assert len(served.requests("/ws/api.dll")) == 2  # four listings per ReviseInventoryStatus, then one
    assert all(store.legacy[f"3300000{n:05d}"]["Quantity"] == 6 for n in range(5))
