"""Amazon against its sandbox over loopback: the connection test, imports across marketplaces and currencies,
Amazon's lag, NextToken paging, the Restricted Data Token, FBA, Pending → Unshipped, shipment confirmation
per package and the usage plans learnt from x-amzn-RateLimit-Limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ordersync.channels.amazon.connector import AmazonConnector
from ordersync.channels.amazon.sandbox import create_sandbox
from ordersync.channels.sdk.errors import PermanentError
from ordersync.channels.sdk.records import OrderRef, Window
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.domain import OrderState, Shipment, ShipmentLine

DE, UK = "A1PA6795UKMFR9", "A1F83G8C2ARO7P"


@pytest.fixture
def served():
    sandbox = create_sandbox(seed=3, orders=0)
    with serve_in_thread(sandbox.app) as server:
        connector = AmazonConnector(sandbox.settings_for(server.base_url))
        yield sandbox, connector, server.base_url
        connector.close()
    sandbox.close()


def now_window(since: datetime | None = None) -> Window:
    return Window(since, datetime.now(UTC))


def imported(connector, window=None):
    return {o.external_id: o for page in connector.fetch_orders(window or now_window()) for o in page.records}


def test_connection_and_a_wrong_secret(served):
    sandbox, connector, base_url = served
    assert connector.test_connection().ok
    wrong = AmazonConnector({**sandbox.settings_for(base_url), "client_secret": "nope"})
    result = wrong.test_connection()
    assert not result.ok and "Client authentication failed" in result.message
    wrong.close()


def test_settings_are_checked():
    from ordersync.channels.sdk.settings import SettingsError

    base = create_sandbox(orders=0).settings_for("http://127.0.0.1:1")
    with pytest.raises(SettingsError, match="marketplaces.*US belongs to the NA region"):
        AmazonConnector({**base, "marketplaces": "DE,US"})
    with pytest.raises(SettingsError, match="page_size"):
        AmazonConnector({**base, "page_size": 101})


def test_one_import_covers_two_marketplaces_and_their_currencies(served):
    sandbox, connector, _ = served
    de = sandbox.control_orders({"action": "create", "count": 2, "marketplace": DE})["ids"]
    uk = sandbox.control_orders({"action": "create", "count": 1, "marketplace": UK, "business": True, "prime": True})[
        "ids"
    ]
    orders = imported(connector)
    assert sorted(orders) == sorted(de + uk)
    assert {orders[i].currency for i in de} == {"EUR"} and orders[uk[0]].currency == "GBP"
    assert {"Amazon.co.uk", "Business", "Prime"} <= set(orders[uk[0]].tags)
    for oid in de + uk:
        shown = sandbox.seller.orders[oid]["OrderTotal"]
        assert (orders[oid].total, orders[oid].currency) == (Decimal(shown["Amount"]), shown["CurrencyCode"])
    calls = [r for r in sandbox.requests.entries() if r["path"] == "/orders/v0/orders"]
    assert len(calls) == 1 and f"{DE}%2C{UK}" in calls[0]["query"]


def test_the_window_stays_out_of_amazons_last_two_minutes_and_follows_its_horizon(served):
    sandbox, connector, _ = served
    sandbox.control_orders({"action": "configure", "lag": 400})  # Amazon is further behind than usual
    late = sandbox.control_orders({"action": "create", "count": 1, "seconds_ago": 300})["ids"]
    first = datetime.now(UTC)
    assert imported(connector, Window(first - timedelta(minutes=20), first)) == {}
    horizon = datetime.fromisoformat(connector.context.state["orders_horizon"].replace("Z", "+00:00"))
    assert first - timedelta(seconds=402) <= horizon <= first - timedelta(seconds=398)
    query = sandbox.requests.entries()[-1]["query"]
    sandbox.control_orders({"action": "configure", "lag": 120})
    # the engine's next window starts after the last one ended; the connector still starts at Amazon's horizon
    later = datetime.now(UTC)
    assert list(imported(connector, Window(first - timedelta(seconds=5), later))) == late
    assert "LastUpdatedBefore" in query
    for call in sandbox.requests.entries():
        assert call["status"] != 400, call


def test_next_token_paging_of_orders_and_items(served):
    sandbox, connector, base_url = served
    sandbox.control_orders({"action": "configure", "items_page": 1})
    ids = sandbox.control_orders({"action": "create", "count": 5, "lines": 3})["ids"]
    small = AmazonConnector({**sandbox.settings_for(base_url), "page_size": 2})
    pages = list(small.fetch_orders(now_window()))
    assert [len(p.records) for p in pages] == [2, 2, 1]
    assert sorted(o.external_id for p in pages for o in p.records) == sorted(ids)
    assert all(len(o.items) == 3 for p in pages for o in p.records)
    small.close()


def test_addresses_through_the_restricted_data_token_and_withheld_without_the_role(served):
    sandbox, connector, _ = served
    oid = sandbox.control_orders({"action": "create", "count": 1})["ids"][0]
    order = imported(connector)[oid]
    assert order.shipping_address.street and order.shipping_address.last_name and order.buyer.email
    assert "address-withheld" not in order.tags
    sandbox.control_orders({"action": "configure", "pii": False})
    order = imported(connector)[oid]
    assert "address-withheld" in order.tags and order.shipping_address.street == ""
    assert order.shipping_address.city and order.shipping_address.country == "DE"
    assert connector.context.state["restricted_data"].startswith("refused")


def test_pending_imports_as_ordered_and_updates_when_unshipped(served):
    sandbox, connector, _ = served
    oid = sandbox.control_orders({"action": "create", "count": 1, "status": "Pending"})["ids"][0]
    assert imported(connector)[oid].state is OrderState.ORDERED
    sandbox.control_orders({"action": "status", "id": oid, "status": "Unshipped", "seconds_ago": 130})
    order = imported(connector)[oid]
    assert order.state is OrderState.PAID and order.total > 0 and order.paid_at is not None


def test_fba_orders_are_read_only(served):
    sandbox, connector, _ = served
    oid = sandbox.control_orders({"action": "create", "count": 1, "channel": "AFN"})["ids"][0]
    assert "FBA" in imported(connector)[oid].tags
    with pytest.raises(PermanentError, match="FBA"):
        connector.push_tracking(OrderRef(oid), Shipment(carrier="DHL", tracking_number="1"))
    assert sandbox.ledger.entries("shipment.*") == []


def test_a_partial_shipment_then_the_rest_never_twice(served):
    sandbox, connector, _ = served
    oid = sandbox.control_orders({"action": "create", "count": 1, "lines": 2})["ids"][0]
    for item in sandbox.seller.items[oid]:
        item["QuantityOrdered"] = 2
    order = imported(connector)[oid]
    first, second = order.items
    part = Shipment(carrier="DHL", tracking_number="P1", lines=[ShipmentLine(first.external_id, Decimal(1))])
    assert not connector.push_tracking(OrderRef(oid), part).already_done
    assert sandbox.seller.orders[oid]["OrderStatus"] == "PartiallyShipped"
    assert connector.push_tracking(OrderRef(oid), part).already_done  # the same package again
    rest = Shipment(carrier="Kurier Meier", tracking_number="P2")
    assert not connector.push_tracking(OrderRef(oid), rest).already_done
    assert connector.push_tracking(OrderRef(oid), rest).already_done
    confirmed = [e["body"]["packageDetail"] for e in sandbox.ledger.entries("shipment.confirm")]
    assert [p["orderItems"] for p in confirmed] == [
        [{"orderItemId": first.external_id, "quantity": 1}],
        [{"orderItemId": first.external_id, "quantity": 1}, {"orderItemId": second.external_id, "quantity": 2}],
    ]
    assert confirmed[0]["carrierCode"] == "DHL" and "carrierName" not in confirmed[0]
    assert (confirmed[1]["carrierCode"], confirmed[1]["carrierName"]) == ("Other", "Kurier Meier")
    assert sandbox.seller.orders[oid]["OrderStatus"] == "Shipped"


def test_usage_plans_are_learnt_from_the_rate_header(served):
    sandbox, connector, _ = served
    sandbox.control_orders({"action": "configure", "scale": 3})
    sandbox.control_orders({"action": "create", "count": 1})
    imported(connector)
    budgets = connector.client.http.operations._budgets
    assert budgets["getOrders"].refill_per_second == pytest.approx(0.0501 * 0.95)
    assert budgets["getOrderItems"].refill_per_second == pytest.approx(1.5 * 0.95)
    assert sandbox.plans.throttled == 0


def test_a_429_from_amazon_is_waited_out_and_the_import_completes(served):
    sandbox, connector, _ = served
    ids = sandbox.control_orders({"action": "create", "count": 3})["ids"]
    sandbox.faults.configure(
        {"add": [{"kind": "rate_limit", "count": 2, "path": "/orders/v0/orders/*/orderItems", "retry_after": 0.1}]}
    )
    assert sorted(imported(connector)) == sorted(ids)
    refused = [r for r in sandbox.requests.entries() if r["status"] == 429]
    assert len(refused) == 2 and all(r["path"].endswith("/orderItems") for r in refused)
    body = sandbox.fault_response(sandbox.faults._rule({"kind": "rate_limit"}))[2]
    assert b"QuotaExceeded" in body


def test_a_repeated_window_reads_no_items_twice_unless_the_order_changed(served):
    sandbox, connector, _ = served
    ids = sandbox.control_orders({"action": "create", "count": 3})["ids"]
    imported(connector)
    item_calls = lambda: len([r for r in sandbox.requests.entries() if r["path"].endswith("/orderItems")])  # noqa: E731
    assert item_calls() == 3
    sandbox.control_orders({"action": "status", "id": ids[0], "status": "Canceled", "seconds_ago": 130})
    orders = imported(connector)
    assert item_calls() == 4 and orders[ids[0]].state is OrderState.CANCELLED and len(orders) == 3


def test_one_order_is_read_with_its_address_too(served):
    sandbox, connector, _ = served
    oid = sandbox.control_orders({"action": "create", "count": 1})["ids"][0]
    page = connector.fetch_order(OrderRef(oid))
    order = page.records[0]
    assert order.shipping_address.street and "address-withheld" not in order.tags
    tokens = [r for r in sandbox.requests.entries() if r["path"].endswith("restrictedDataToken")]
    assert len(tokens) == 1


def test_the_read_for_a_reconciliation_asks_getorders_alone_and_keeps_no_import_state(served):
    sandbox, connector, _ = served
    placed = sandbox.control_orders({"action": "create", "count": 3, "lines": 2})["ids"]
    pending = sandbox.control_orders({"action": "create", "count": 1, "status": "Pending"})["ids"]
    full = imported(connector, now_window(datetime.now(UTC) - timedelta(hours=1)))
    state = dict(connector.context.state)
    sandbox.requests.clear()
    lean = {
        o.external_id: o
        for page in connector.fetch_orders(now_window(datetime.now(UTC) - timedelta(hours=1)), for_comparison=True)
        for o in page.records
    }
    assert set(lean) == set(full) == {*placed, *pending}
    for oid, order in lean.items():
        assert (order.state, order.total, order.currency, order.channel_status) == (
            full[oid].state,
            full[oid].total,
            full[oid].currency,
            full[oid].channel_status,
        )
    paths = [r["path"] for r in sandbox.requests.entries()]
    # only the Pending order (no OrderTotal yet) has its items read; no Restricted Data Token is made
    assert paths.count("/orders/v0/orders") >= 1
    assert [p for p in paths if p != "/orders/v0/orders"] == [f"/orders/v0/orders/{pending[0]}/orderItems"]
    assert "LastUpdatedAfter" in sandbox.requests.entries()[0]["query"]
    assert dict(connector.context.state) == state


def test_an_injected_fault_reports_the_operations_rate_as_amazon_does(served):
    import httpx

    sandbox, connector, base_url = served
    sandbox.control_orders({"action": "configure", "scale": 120})
    sandbox.faults.add(kind="rate_limit", count=1, method="POST", path="/feeds/2021-06-30/feeds")
    answer = httpx.post(f"{base_url}/feeds/2021-06-30/feeds", json={})
    assert answer.status_code == 429 and float(answer.headers["x-amzn-RateLimit-Limit"]) == pytest.approx(0.0083 * 120)
    sandbox.faults.add(kind="error", status=503, count=1, method="GET", path="/orders/v0/orders/*")
    answer = httpx.get(f"{base_url}/orders/v0/orders/1/orderItems")  # getOrder and getOrderItems: both 0.5/s
    assert answer.status_code == 503 and float(answer.headers["x-amzn-RateLimit-Limit"]) == pytest.approx(0.5 * 120)
    sandbox.faults.add(kind="error", status=503, count=1, path="/*")  # spans operations of different rates
    assert "x-amzn-RateLimit-Limit" not in httpx.get(f"{base_url}/orders/v0/orders").headers
