"""Magento 2 against its sandbox over loopback: auth both ways, paging that must stop by total_count, the
folded configurable line, item-level shipments never sent twice, cancel/invoice, comments and stock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from ordersync.channels.magento2.connector import Magento2Connector
from ordersync.channels.magento2.sandbox import create_sandbox
from ordersync.channels.sdk.errors import AuthError
from ordersync.channels.sdk.records import OrderRef, Window
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.settings import SettingsError
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.domain import OrderState, Shipment, ShipmentLine, StockUpdate


@pytest.fixture
def served():
    allow_loopback()
    sandbox = create_sandbox(seed=3, orders=7)
    with serve_in_thread(sandbox.app) as server:
        yield sandbox, server.base_url
    sandbox.close()


def everything() -> Window:
    return Window(None, datetime.now(UTC) + timedelta(minutes=5))


def connect(sandbox, base_url, **overrides) -> Magento2Connector:
    return Magento2Connector({**sandbox.settings_for(base_url), **overrides})


def test_oauth1_signatures_are_accepted_and_a_wrong_secret_is_a_401(served):
    sandbox, base_url = served
    assert connect(sandbox, base_url).test_connection().ok
    bad = connect(sandbox, base_url, consumer_secret="nope")
    result = bad.test_connection()
    assert not result.ok and "credentials" in result.message
    with pytest.raises(AuthError):
        list(bad.fetch_orders(everything()))


def test_bearer_is_refused_by_default_and_works_where_the_shop_allows_it(served):
    sandbox, base_url = served
    bearer = connect(sandbox, base_url, auth="bearer")
    result = bearer.test_connection()
    assert not result.ok and "oauth1" in result.message
    raw = httpx.get(f"{base_url}/rest/default/V1/orders", headers={"Authorization": "Bearer x"})
    assert raw.status_code == 401 and "%resources" in raw.json()["message"] and raw.json()["parameters"]
    sandbox.integration.bearer_enabled = True
    assert bearer.test_connection().ok


def test_paging_stops_by_total_count_although_magento_repeats_the_last_page(served):
    sandbox, base_url = served
    pages = list(connect(sandbox, base_url, page_size=3).fetch_orders(everything()))
    ids = [o.external_id for page in pages for o in page.records]
    assert len(pages) == 3 and sorted(ids, key=int) == [str(i) for i in sorted(sandbox.orders)]
    assert len(ids) == len(set(ids)) == 7 and all(p.window_total == 7 for p in pages)
    # a full last page: asking for the next one would get the same 7 orders again, so it is never asked for
    sandbox.requests.clear()
    pages = list(connect(sandbox, base_url, page_size=7).fetch_orders(everything()))
    assert [len(p.records) for p in pages] == [7]
    assert len([r for r in sandbox.requests.entries() if r["path"].endswith("/V1/orders")]) == 1


def most_open_at_once(requests: list[dict]) -> int:
    """The most of these requests the sandbox had open at the same moment (from its request log)."""
    edges = sorted([(r["t_start"], 1) for r in requests] + [(r["t_end"], -1) for r in requests])
    most = now = 0
    for _, step in edges:  # at equal times an end sorts before a start: touching is not overlapping
        now += step
        most = max(most, now)
    return most


@pytest.mark.parametrize("concurrency", [1, 3])
def test_pages_after_the_first_are_read_side_by_side_within_the_setting_and_come_back_in_order(served, concurrency):
    sandbox, base_url = served
    sandbox.faults.add("delay", count=None, seconds=0.2, phase="before", path="*/V1/orders")
    connector = connect(sandbox, base_url, page_size=2, concurrency=concurrency)
    pages = list(connector.fetch_orders(everything()))
    connector.close()
    assert [p.number for p in pages] == [1, 2, 3, 4] and [len(p.records) for p in pages] == [2, 2, 2, 1]
    assert {p.window_total for p in pages} == {7} and {p.total_pages for p in pages} == {4}
    ids = [int(o.external_id) for p in pages for o in p.records]
    assert ids == sorted(sandbox.orders)  # by entity_id, each once
    lists = [r for r in sandbox.requests.entries() if r["path"].endswith("/V1/orders")]
    assert len(lists) == 4 and all(r["t_start"] >= lists[0]["t_end"] for r in lists[1:])  # 1 tells the count
    most = most_open_at_once(lists)
    assert most == 1 if concurrency == 1 else 1 < most <= concurrency


def test_a_page_past_the_end_of_a_window_that_shrank_while_paged_is_empty_with_the_smaller_count(served):
    """The first page's answer moves one of its orders out of the window (it changed just now): the pages read
    after it count one order fewer, and the last one, past the end now, would be Magento's repeat of the new
    last page; it comes back empty. The engine compares every page's count with the first's and reads the
    window again."""
    sandbox, base_url = served
    sandbox.faults.add("page_drift", count=1, path="*/V1/orders")
    connector = connect(sandbox, base_url, page_size=3, concurrency=3)
    pages = list(connector.fetch_orders(Window(None, datetime.now(UTC) - timedelta(seconds=2))))
    connector.close()
    assert [p.window_total for p in pages] == [7, 6, 6] and [len(p.records) for p in pages] == [3, 3, 0]
    ids = [o.external_id for p in pages for o in p.records]
    assert len(ids) == len(set(ids)) == 6  # one order slid onto page 1, read already: why the window is read again


def test_the_concurrency_setting_is_a_number_of_requests_from_1_to_16(served):
    sandbox, base_url = served
    with pytest.raises(SettingsError):
        connect(sandbox, base_url, concurrency=0)
    with pytest.raises(SettingsError):
        connect(sandbox, base_url, concurrency=17)
    assert connect(sandbox, base_url).config["concurrency"] == 4


def test_the_window_reads_updated_at_in_utc_without_zone(served):
    sandbox, base_url = served
    now = datetime.now(UTC).replace(microsecond=0)
    sandbox.control_orders({"create": [{"seconds_ago": 3600}, {"seconds_ago": 10}]})
    connector = connect(sandbox, base_url)
    recent = [
        o
        for p in connector.fetch_orders(Window(now - timedelta(minutes=5), now + timedelta(minutes=1)))
        for o in p.records
    ]
    assert [o.external_id for o in recent] == [str(max(sandbox.orders))]
    assert recent[0].updated_at.tzinfo is not None and abs(
        recent[0].updated_at - (now - timedelta(seconds=10))
    ) < timedelta(seconds=3)


def _configurable_order(sandbox) -> dict:
    return next(o for o in sandbox.orders.values() if any(i["product_type"] == "configurable" for i in o["items"]))


def test_configurable_pair_is_one_line_with_money_of_the_order_currency(served):
    sandbox, base_url = served
    raw = _configurable_order(sandbox)
    order = connect(sandbox, base_url).fetch_order(OrderRef(str(raw["entity_id"]))).records[0]
    parent = next(i for i in raw["items"] if i["product_type"] == "configurable")
    assert len(order.items) == len(raw["items"]) - 1
    line = next(i for i in order.items if i.external_id == str(parent["item_id"]))
    assert line.variant_external_id and line.sku == parent["sku"]
    assert order.total == Decimal(str(raw["grand_total"])) and order.currency == "EUR"
    assert (
        order.shipping_address.city
        == raw["extension_attributes"]["shipping_assignments"][0]["shipping"]["address"]["city"]
    )


def test_item_level_shipments_several_per_order_never_twice(served):
    sandbox, base_url = served
    raw = _configurable_order(sandbox)
    oid = str(raw["entity_id"])
    order = connect(sandbox, base_url).fetch_order(OrderRef(oid)).records[0]
    connector = connect(sandbox, base_url)
    first = Shipment("DHL", "TRACK-1", lines=[ShipmentLine(order.items[0].external_id, Decimal(1))])
    assert not connector.push_tracking(OrderRef(oid), first).already_done
    assert connector.push_tracking(OrderRef(oid), first).already_done
    rest = Shipment("Hermes", "TRACK-2")
    assert not connector.push_tracking(OrderRef(oid), rest).already_done
    ships = sandbox.ledger.entries("order.ship")
    assert [e["body"]["tracks"][0]["carrier_code"] for e in ships] == ["dhl", "custom"]
    assert ships[0]["body"]["items"] == [{"order_item_id": int(order.items[0].external_id), "qty": 1.0}]
    assert sandbox.orders[int(oid)]["state"] == "processing"  # shipped, not invoiced
    # shipped in full: a further tracking number goes onto the latest shipment
    assert not connector.push_tracking(OrderRef(oid), Shipment("UPS", "TRACK-3")).already_done
    assert [s for s in sandbox.shipments if s["order_id"] == int(oid)][-1]["tracks"][-1]["track_number"] == "TRACK-3"


def test_cancel_releases_a_held_order_and_invoice_marks_it_paid(served):
    sandbox, base_url = served
    connector = connect(sandbox, base_url)
    held, paid = sorted(sandbox.orders)[:2]
    sandbox.orders[held].update(state="holded", status="holded", hold_before_state="new", hold_before_status="pending")
    assert not connector.push_state(OrderRef(str(held)), OrderState.CANCELLED, "Kunde storniert").already_done
    assert sandbox.orders[held]["state"] == "canceled"
    assert [e["kind"] for e in sandbox.ledger.entries()] == ["order.unhold", "order.cancel", "order.comment"]
    assert connector.push_state(OrderRef(str(held)), OrderState.CANCELLED).already_done
    assert not connector.push_state(OrderRef(str(paid)), OrderState.PAID).already_done
    order = connector.fetch_order(OrderRef(str(paid))).records[0]
    assert order.state is OrderState.PAID and order.payments[0].amount == order.total


def test_a_message_is_a_notifying_comment_added_once(served):
    sandbox, base_url = served
    connector = connect(sandbox, base_url)
    oid = str(min(sandbox.orders))
    assert not connector.send_message(OrderRef(oid), "Versand", "Morgen geht es los").already_done
    assert connector.send_message(OrderRef(oid), "Versand", "Morgen geht es los").already_done
    history = sandbox.orders[int(oid)]["status_histories"]
    assert len(history) == 1 and history[0]["is_customer_notified"] == 1
    assert history[0]["status"] == sandbox.orders[int(oid)]["status"]


@pytest.mark.parametrize("msi", [True, False], ids=["msi", "legacy"])
def test_stock_goes_to_source_items_or_stock_items_as_the_shop_has_them(served, msi):
    sandbox, base_url = served
    sandbox.msi = msi
    connector = connect(sandbox, base_url)
    results = connector.push_stock([StockUpdate("MUG-100", 5, sku="MUG-100"), StockUpdate("POT-200", 0, sku="POT-200")])
    assert [r.ok for r in results] == [True, True]
    assert sandbox.catalog.stock_view("MUG-100", msi) == 5 and sandbox.catalog.stock_view("POT-200", msi) == 0
    paths = {e["path"] for e in sandbox.ledger.entries("product.stock")}
    assert all(("source-items" in p) == msi for p in paths)


@pytest.mark.parametrize("msi", [True, False], ids=["msi", "legacy"])
def test_the_product_read_gives_each_simple_product_and_child_the_figure_a_push_sets(served, msi):
    """What a reconciliation compares: every simple product, the configurable's children too (the parent
    carries no stock), each with the default source's quantity (MSI, one call per page) or the stock item's
    quantity (legacy), as an edit in the admin left it; a product without stock has no figure."""
    sandbox, base_url = served
    sandbox.msi = msi
    sandbox.conform_edit_stock({"sku": "SHIRT-M-RED", "stock": 17})
    del sandbox.catalog.stock_items["BASKET-300"]
    sandbox.catalog.source_items.pop(("BASKET-300", "default"))
    connector = connect(sandbox, base_url, page_size=2)
    sandbox.requests.clear()
    articles = [a for page in connector.fetch_articles(everything()) for a in page.records]
    assert {a.sku: a.stock for a in articles} == {
        "MUG-100": 20 + 100 % 7,
        "POT-200": 20 + 101 % 7,
        "BASKET-300": None,
        "SHIRT-S-BLUE": 20 + 201 % 7,
        "SHIRT-M-RED": 17,
    }
    assert [a.manages_stock for a in articles] == [a.stock is not None for a in articles]
    reads = [
        r["path"] for r in sandbox.requests.entries() if "source-items" in r["path"] or "/stockItems/" in r["path"]
    ]
    assert len(reads) == (3 if msi else 5)  # MSI: one per page of two products; legacy: one per product
    assert not sandbox.ledger.entries("product.stock")  # an admin's edit is no push


def test_a_malformed_order_is_quarantined_and_the_rest_stored(served):
    sandbox, base_url = served
    bad = sandbox.conform("malformed", {})
    pages = list(connect(sandbox, base_url).fetch_orders(everything()))
    quarantined = [q for p in pages for q in p.quarantined]
    assert [q.external_id for q in quarantined] == [bad["id"]] and "qty_ordered" in quarantined[0].reason
    assert sum(len(p.records) for p in pages) == 7


def test_hold_and_unhold_are_status_actions_a_seller_can_add(served):
    sandbox, base_url = served
    connector = connect(sandbox, base_url, status_actions="Reclamation=hold,Confirmed=unhold,Paid=")
    oid = str(min(sandbox.orders))
    assert connector.channel_status_for(OrderState.RECLAMATION) == "holded"
    assert connector.channel_status_for(OrderState.PAID) is None
    assert not connector.push_state(OrderRef(oid), OrderState.RECLAMATION).already_done
    assert sandbox.orders[int(oid)]["state"] == "holded"
    assert connector.push_state(OrderRef(oid), OrderState.RECLAMATION).already_done
    assert not connector.push_state(OrderRef(oid), OrderState.CONFIRMED).already_done
    assert sandbox.orders[int(oid)]["state"] != "holded"
    assert "nothing sent" in connector.push_state(OrderRef(oid), OrderState.PAID).detail
    assert [e["kind"] for e in sandbox.ledger.entries()] == ["order.hold", "order.unhold"]
    with pytest.raises(SettingsError):
        connect(sandbox, base_url, status_actions="Paid=refund")
