"""Shopware 5 against its sandbox over loopback: digest login, the import without a change timestamp
(new orders, a status change made in the backend, an order closed and one deleted), pushes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from ordersync.channels.sdk.connector import ConnectorContext
from ordersync.channels.sdk.records import OrderRef, Window
from ordersync.channels.shopware5.connector import Shopware5Connector
from ordersync.domain import OrderState, Shipment, StockUpdate


def window(since: datetime | None = None) -> Window:
    return Window(since, datetime.now(UTC))


def read(connector: Shopware5Connector, since: datetime | None = None):
    pages = list(connector.fetch_orders(window(since)))
    return [o for p in pages for o in p.records], [q for p in pages for q in p.quarantined], pages


def test_connection_with_the_right_and_a_wrong_key(served):
    sandbox, base_url = served
    good = Shopware5Connector(sandbox.settings_for(base_url))
    assert good.test_connection().ok
    bad = Shopware5Connector({**sandbox.settings_for(base_url), "api_key": "wrong"})
    result = bad.test_connection()
    assert not result.ok and "API key" in result.message
    good.close(), bad.close()


def test_first_import_reads_every_order_and_a_second_poll_reads_nothing_unchanged(served):
    sandbox, base_url = served
    ids = sandbox.control_orders({"create": [{"seconds_ago": 60 * n} for n in range(5)]})["created"]
    state: dict = {}
    connector = Shopware5Connector({**sandbox.settings_for(base_url), "page_size": 2}, ConnectorContext(state=state))
    orders, quarantined, pages = read(connector)
    assert sorted(int(o.external_id) for o in orders) == ids and not quarantined
    assert all(p.window_total == 5 for p in pages)
    first = orders[0]
    assert isinstance(first.total, Decimal) and first.currency == "EUR" and first.created_at.tzinfo is not None
    assert first.channel_status == "open" and first.state is OrderState.ORDERED and first.items
    details_before = len([r for r in sandbox.requests.entries() if r["path"].startswith("/api/orders/")])
    again, _, _ = read(connector, datetime.now(UTC) - timedelta(minutes=1))
    details_after = len([r for r in sandbox.requests.entries() if r["path"].startswith("/api/orders/")])
    assert again == [] and details_after == details_before  # fingerprints unchanged: no detail read
    connector.close()


def test_changes_made_in_the_backend_arrive_without_a_change_timestamp(served):
    sandbox, base_url = served
    old = sandbox.control_orders({"create": [{"seconds_ago": 40 * 86400}] * 3})["created"]
    state: dict = {}
    connector = Shopware5Connector(sandbox.settings_for(base_url), ConnectorContext(state=state))
    assert len(read(connector)[0]) == 3
    # 40 days later in the backend: one paid, one completed (leaves the open set), one deleted
    sandbox.control_orders(
        {
            "update": [
                {"id": old[0], "paymentStatusId": 12, "clearedDate": "2026-12-01T10:00:00+0100"},
                {"id": old[1], "orderStatusId": 2},
            ],
            "delete": [old[2]],
        }
    )
    orders, quarantined, _ = read(connector, datetime.now(UTC) - timedelta(minutes=5))
    by_id = {int(o.external_id): o for o in orders}
    assert set(by_id) == {old[0], old[1]} and not quarantined
    assert by_id[old[0]].state is OrderState.PAID and by_id[old[0]].paid_at is not None
    assert by_id[old[1]].state is OrderState.CLOSED and by_id[old[1]].channel_status == "completed"
    assert str(old[2]) not in state["order_fingerprints"]
    # the completed order is no longer watched once it is older than the recent horizon
    assert read(connector, datetime.now(UTC) - timedelta(minutes=5))[0] == []
    connector.close()


def test_an_abandoned_checkout_is_not_an_order_and_a_bad_record_is_quarantined(served):
    sandbox, base_url = served
    ids = sandbox.control_orders({"create": [{"seconds_ago": 10}, {"seconds_ago": 10, "orderStatusId": -1}]})["created"]
    bad = sandbox.conform_malformed({})
    connector = Shopware5Connector(sandbox.settings_for(base_url))
    orders, quarantined, _ = read(connector)
    assert [o.external_id for o in orders] == [str(ids[0])]
    assert len(quarantined) == 1 and "zwei" in quarantined[0].reason and quarantined[0].external_id == bad["id"]
    connector.close()


def test_status_tracking_and_stock_pushes_check_before_writing(served):
    sandbox, base_url = served
    oid = str(sandbox.control_orders({"create": [{"seconds_ago": 5}]})["created"][0])
    connector = Shopware5Connector(sandbox.settings_for(base_url))
    ref = OrderRef(oid)
    assert connector.push_state(ref, OrderState.SHIPPED).already_done is False
    assert connector.push_state(ref, OrderState.SHIPPED).already_done is True
    assert connector.push_state(ref, OrderState.PAID).ok
    assert sandbox.orders[int(oid)]["orderStatusId"] == 7 and sandbox.orders[int(oid)]["paymentStatusId"] == 12
    for code in ("00340434161094042557", "JJD000390007771", "JJD000390007771"):
        connector.push_tracking(ref, Shipment(carrier="DHL", tracking_number=code))
    assert sandbox.orders[int(oid)]["trackingCode"] == "00340434161094042557, JJD000390007771"
    assert len(sandbox.ledger.entries("order.update")) == 4
    results = connector.push_stock(
        [StockUpdate("", 3, sku="SW10004"), StockUpdate("6", 9, "601", sku="turn.1"), StockUpdate("", 1, sku="NOPE")]
    )
    assert [r.ok for r in results] == [True, True, False]
    assert sandbox.articles[4]["mainDetail"]["inStock"] == 3 and sandbox.articles[6]["details"][0]["inStock"] == 9
    assert connector.push_stock([StockUpdate("", 3, sku="SW10004")])[0].already_done
    connector.close()


def test_articles_with_variants(served):
    sandbox, base_url = served
    connector = Shopware5Connector(sandbox.settings_for(base_url))
    articles = [a for page in connector.fetch_articles(window()) for a in page.records]
    by_sku = {a.sku: a for a in articles}
    assert by_sku["SW10003"].stock == 25 and not by_sku["SW10003"].variants
    assert [v.sku for v in by_sku["turn"].variants] == ["turn", "turn.1", "turn.2"]
    connector.close()


def test_an_order_closed_while_the_open_list_is_paged_skips_none(served):
    """The shop completes an order while the open list is paged: later pages slide by one and an open order
    is not listed this time; it was remembered as open, so it is read by id in the same poll."""
    sandbox, base_url = served
    ids = sandbox.control_orders({"create": [{"seconds_ago": 30 * 86400 - n} for n in range(6)]})["created"]
    state: dict = {}
    connector = Shopware5Connector({**sandbox.settings_for(base_url), "page_size": 2}, ConnectorContext(state=state))
    assert len(read(connector)[0]) == 6
    sandbox.control_orders({"update": [{"id": ids[3], "paymentStatusId": 12}]})  # it will be skipped
    sandbox.faults.configure({"add": {"kind": "page_drift", "method": "GET", "path": "/api/orders", "count": 1}})
    orders, _, _ = read(connector, datetime.now(UTC) - timedelta(minutes=5))
    assert sandbox.orders[ids[5]]["orderStatusId"] == 2  # the drift closed the newest, on the first open page
    assert [o.external_id for o in orders] == [str(ids[3])] and orders[0].state is OrderState.PAID
    log = sandbox.requests.entries()
    by_id = [r["seq"] for r in log if r["path"] == f"/api/orders/{ids[3]}"]
    last_list = max(r["seq"] for r in log if r["path"] == "/api/orders")
    assert len(by_id) == 2 and by_id[1] > last_list  # read by id after the lists: the slide hid it from them
    closed, _, _ = read(connector, datetime.now(UTC) - timedelta(minutes=5))
    assert [(o.external_id, o.channel_status) for o in closed] == [(str(ids[5]), "completed")]
    connector.close()


def test_open_orders_beyond_the_limit_are_not_watched_and_cost_no_reads(served):
    sandbox, base_url = served
    ids = sandbox.control_orders({"create": [{"seconds_ago": 30 * 86400 - n} for n in range(5)]})["created"]
    state: dict = {}
    settings = {**sandbox.settings_for(base_url), "page_size": 2, "open_orders_limit": 3}
    connector = Shopware5Connector(settings, ConnectorContext(state=state))
    assert len(read(connector)[0]) == 5
    sandbox.control_orders({"update": [{"id": ids[0], "orderStatusId": 1}, {"id": ids[4], "orderStatusId": 1}]})
    seen = len(sandbox.requests.entries())
    orders, _, _ = read(connector, datetime.now(UTC) - timedelta(minutes=5))
    assert [o.external_id for o in orders] == [str(ids[4])]  # the newest three are watched, the oldest not
    paths = [r["path"] for r in sandbox.requests.entries()[seen:]]
    assert paths.count(f"/api/orders/{ids[4]}") == 1 and not any(p.endswith(f"/{ids[0]}") for p in paths)
    assert sorted(state["order_fingerprints"]) == sorted(str(i) for i in ids[2:])
    connector.close()
