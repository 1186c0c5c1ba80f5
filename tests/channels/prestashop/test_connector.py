"""PrestaShop against its sandbox over loopback: the key, a full import in the shop's time zone, the window-shift
rule, quarantine, and the pushes (status, tracking, message) each checked before it is written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs

import httpx
import pytest

from ordersync.channels.prestashop.connector import PrestashopConnector
from ordersync.channels.prestashop.sandbox import create_sandbox
from ordersync.channels.sdk.records import OrderRef, Window
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.domain import OrderState, Shipment, StockUpdate


@pytest.fixture
def served():
    allow_loopback()
    sandbox = create_sandbox(seed=3, orders=7)
    with serve_in_thread(sandbox.app) as server:
        yield sandbox, server.base_url
    sandbox.close()


def everything() -> Window:
    return Window(None, datetime.now(UTC) + timedelta(minutes=5))


def test_connection_with_the_right_and_a_wrong_key(served):
    sandbox, base_url = served
    good = PrestashopConnector(sandbox.settings_for(base_url))
    assert good.test_connection().ok
    bad = PrestashopConnector({**sandbox.settings_for(base_url), "api_key": "Z" * 32})
    result = bad.test_connection()
    assert not result.ok and "webservice key" in result.message and "not active" in result.message
    good.close()
    bad.close()


def test_every_order_is_imported_once_with_decimal_money_and_shop_zone_times(served):
    sandbox, base_url = served
    connector = PrestashopConnector({**sandbox.settings_for(base_url), "page_size": 3})
    pages = list(connector.fetch_orders(everything()))
    orders = [o for page in pages for o in page.records]
    assert [len(p.records) for p in pages] == [3, 3, 1] and {p.window_total for p in pages} == {7}
    assert sorted(int(o.external_id) for o in orders) == sorted(sandbox.store.tables["orders"])
    raw = sandbox.store.tables["orders"][1]
    first = next(o for o in orders if o.external_id == "1")
    local = datetime.strptime(raw["date_upd"], "%Y-%m-%d %H:%M:%S")
    assert first.updated_at.astimezone(UTC).replace(tzinfo=None) != local  # Berlin is never UTC
    assert first.total == Decimal(raw["total_paid_tax_incl"]) and first.currency == "EUR"
    assert first.shipping_address.country in ("DE", "AT") and first.buyer.email.endswith("@example.org")
    assert all(i.sku and i.quantity > 0 for i in first.items)
    connector.close()


def test_the_window_is_read_in_the_shop_zone_and_excludes_since(served):
    sandbox, base_url = served
    connector = PrestashopConnector(sandbox.settings_for(base_url))
    order = next(o for p in connector.fetch_orders(everything()) for o in p.records if o.external_id == "2")
    exactly = list(connector.fetch_orders(Window(order.updated_at - timedelta(seconds=1), order.updated_at)))
    assert [o.external_id for p in exactly for o in p.records] == ["2"]
    after = list(connector.fetch_orders(Window(order.updated_at, order.updated_at + timedelta(seconds=1))))
    assert "2" not in [o.external_id for p in after for o in p.records]
    connector.close()


def test_an_order_leaving_the_window_while_paged_shrinks_the_reported_total(served):
    sandbox, base_url = served  # one page at a time: the order leaves after the first page, before the second
    connector = PrestashopConnector({**sandbox.settings_for(base_url), "page_size": 3, "concurrency": 1})
    window = Window(None, datetime.now(UTC) - timedelta(seconds=1))
    pages = connector.fetch_orders(window)
    first = next(pages)
    sandbox.control_orders({"update": [{"id": int(first.records[0].external_id)}]})  # date_upd = now
    rest = list(pages)
    assert first.window_total == 7 and rest[0].window_total == 6
    seen = [o.external_id for p in [first, *rest] for o in p.records]
    assert len(seen) == len(set(seen)) == 7  # no order read twice, none skipped
    connector.close()


def test_a_last_page_emptied_by_orders_leaving_still_tells_the_smaller_total(served):
    """Orders 1-4 leave after the second page (4, 5, 6) was read: 7 moves to place 3, which the third page (from
    place 6) no longer reaches. The empty third page must still report the smaller count, or 7 is never read."""
    sandbox, base_url = served
    connector = PrestashopConnector({**sandbox.settings_for(base_url), "page_size": 3, "concurrency": 1})
    pages = connector.fetch_orders(Window(None, datetime.now(UTC) - timedelta(seconds=1)))
    read = [next(pages), next(pages)]
    assert [[o.external_id for o in p.records] for p in read] == [["1", "2", "3"], ["4", "5", "6"]]
    sandbox.control_orders({"update": [{"id": n} for n in (1, 2, 3, 4)]})  # date_upd = now: out of the window
    rest = list(pages)
    assert [(len(p.records), p.window_total) for p in rest] == [(0, 3)]
    connector.close()


@pytest.mark.parametrize("concurrency", [1, 3])
def test_pages_read_side_by_side_are_the_pages_read_one_after_another(served, concurrency):
    sandbox, base_url = served
    connector = PrestashopConnector({**sandbox.settings_for(base_url), "page_size": 2, "concurrency": concurrency})
    pages = list(connector.fetch_orders(everything()))
    assert [p.number for p in pages] == [1, 2, 3, 4] and {p.window_total for p in pages} == {7}
    assert [o.external_id for p in pages for o in p.records] == [str(i) for i in sorted(sandbox.store.tables["orders"])]
    listed = [parse_qs(r["query"]).get("limit") for r in sandbox.requests.entries() if r["path"] == "/api/orders"]
    assert sorted(listed, key=str) == sorted([None, ["0,2"], ["1,3"], ["3,3"], ["5,3"]], key=str)  # count, pages
    connector.close()


def test_orders_leaving_the_window_while_pages_are_read_side_by_side_are_neither_lost_nor_doubled_unseen(served):
    """Two listing calls each move an order out of the window (the count's first, 1, and the first page's first,
    2, after it was read): the next page, read beside the others, starts past the first page's last order, so it
    reports the smaller count (the engine reads the window again) and keeps only orders not handed on yet."""
    sandbox, base_url = served
    connector = PrestashopConnector({**sandbox.settings_for(base_url), "page_size": 2, "concurrency": 3})
    sandbox.faults.configure({"add": {"kind": "page_drift", "count": 2, "method": "GET", "path": "/api/orders"}})
    pages = list(connector.fetch_orders(Window(None, datetime.now(UTC) - timedelta(seconds=1))))
    assert [[o.external_id for o in p.records] for p in pages] == [["2", "3"], ["4", "5", "6"], ["7"]]
    assert [p.window_total for p in pages] == [7, 5, 5]
    connector.close()


def test_a_malformed_row_is_quarantined_and_the_rest_stored(served):
    sandbox, base_url = served
    rows = sandbox.store.order_rows(4)
    sandbox.control_orders({"raw_rows": {"4": [dict(rows[0], product_quantity="zwei")]}})
    connector = PrestashopConnector(sandbox.settings_for(base_url))
    pages = list(connector.fetch_orders(everything()))
    quarantined = [q for page in pages for q in page.quarantined]
    assert [q.external_id for q in quarantined] == ["4"] and "product_quantity" in quarantined[0].reason
    assert sum(len(page.records) for page in pages) == 6
    connector.close()


def test_status_is_a_new_order_history_and_not_written_twice(served):
    sandbox, base_url = served
    connector = PrestashopConnector(sandbox.settings_for(base_url))
    first = connector.push_state(OrderRef("5"), OrderState.SHIPPED)
    again = connector.push_state(OrderRef("5"), OrderState.SHIPPED)
    assert first.ok and not first.already_done and again.already_done
    assert sandbox.store.tables["orders"][5]["current_state"] == "4"
    [entry] = sandbox.ledger.entries("order_history.create")
    assert entry["changes"]["sendemail"] is True  # the buyer gets the state's e-mail, as from the back office
    connector.close()
    quiet = PrestashopConnector({**sandbox.settings_for(base_url), "notify_customer": False})
    quiet.push_state(OrderRef("5"), OrderState.CANCELLED)
    assert sandbox.ledger.entries("order_history.create")[-1]["changes"]["sendemail"] is False
    quiet.close()


def test_tracking_is_put_on_the_order_carrier_once(served):
    sandbox, base_url = served
    connector = PrestashopConnector(sandbox.settings_for(base_url))
    shipment = Shipment(carrier="DHL", tracking_number="00340434161094042557")
    assert not connector.push_tracking(OrderRef("3"), shipment).already_done
    assert connector.push_tracking(OrderRef("3"), shipment).already_done
    carriers = [c for c in sandbox.store.tables["order_carriers"].values() if c["id_order"] == "3"]
    assert carriers[0]["tracking_number"] == "00340434161094042557"
    assert len(sandbox.ledger.entries("order_carrier.update")) == 1
    connector.close()


def test_a_message_opens_the_order_thread_once_and_is_not_repeated(served):
    sandbox, base_url = served
    connector = PrestashopConnector(sandbox.settings_for(base_url))
    assert not connector.send_message(OrderRef("6"), "Versand", "Ihr Paket ist unterwegs").already_done
    assert connector.send_message(OrderRef("6"), "Versand", "Ihr Paket ist unterwegs").already_done
    assert len(sandbox.ledger.entries("customer_thread.create")) == 1
    assert len(sandbox.ledger.entries("customer_message.create")) == 1
    [message] = sandbox.store.tables["customer_messages"].values()
    assert message["id_employee"] == "1" and message["private"] == "0"  # from the shop, visible to the buyer
    assert message["message"] == "Versand\n\nIhr Paket ist unterwegs"
    connector.close()


def test_the_sandbox_refuses_json_bodies_and_unknown_fields_as_prestashop_does(served):
    sandbox, base_url = served
    auth = (sandbox.key, "")
    as_json = httpx.post(
        f"{base_url}/api/order_histories?output_format=JSON",
        auth=auth,
        json={"order_history": {"id_order": 1, "id_order_state": 4}},
    )
    assert as_json.status_code == 400 and as_json.json()["errors"][0]["code"] == 127
    unknown = httpx.post(
        f"{base_url}/api/order_histories",
        auth=auth,
        content=b"<prestashop><order_history><id_order>1</id_order><state>4</state></order_history></prestashop>",
    )
    assert unknown.status_code == 400 and b"<errors>" in unknown.content


def test_articles_carry_combinations_and_stock_is_put_once(served):
    sandbox, base_url = served
    connector = PrestashopConnector(sandbox.settings_for(base_url))
    articles = [a for p in connector.fetch_articles(everything()) for a in p.records]
    kanne = next(a for a in articles if a.sku == "KANNE-200")
    assert [v.sku for v in kanne.variants] == ["KANNE-200-ROT", "KANNE-200-BLAU"]
    red = kanne.variants[0]
    update = StockUpdate(product_external_id=kanne.external_id, variant_external_id=red.external_id, quantity=11)
    assert connector.push_stock([update])[0].ok
    assert connector.push_stock([update])[0].already_done
    assert sandbox.store.stock_for_reference("KANNE-200-ROT")["quantity"] == "11"
    assert len(sandbox.ledger.entries("stock_available.update")) == 1
    connector.close()


def test_a_shop_whose_sorted_lists_come_back_empty_is_still_read_completely(served):
    sandbox, base_url = served
    sandbox.sort_broken = True  # every sort=[...] answers 200 with []
    connector = PrestashopConnector({**sandbox.settings_for(base_url), "page_size": 3})
    orders = [o for p in connector.fetch_orders(everything()) for o in p.records]
    assert sorted(int(o.external_id) for o in orders) == sorted(sandbox.store.tables["orders"])
    assert connector.push_tracking(OrderRef("1"), Shipment(carrier="DHL", tracking_number="X1")).ok
    connector.close()


def test_a_key_without_the_right_to_a_resource_gets_prestashops_answer(served):
    sandbox, base_url = served
    sandbox.granted["orders"] = set()
    connector = PrestashopConnector(sandbox.settings_for(base_url))
    result = connector.test_connection()
    assert not result.ok and "not allowed with this authentication key" in result.message
    sandbox.granted["order_histories"] = {"GET"}
    answer = httpx.post(
        f"{base_url}/api/order_histories?output_format=JSON",
        auth=(sandbox.key, ""),
        content=b"<prestashop><order_history><id_order>1</id_order><id_order_state>4"
        b"</id_order_state></order_history></prestashop>",
    )
    assert answer.status_code == 405 and answer.json()["errors"][0]["code"] == 25
    missing = httpx.get(f"{base_url}/api/order_carriers/999?output_format=JSON", auth=(sandbox.key, ""))
    assert missing.status_code == 404 and missing.content == b""
    connector.close()


def test_stock_finds_its_listing_by_reference_when_it_has_no_ids(served):
    sandbox, base_url = served
    connector = PrestashopConnector(sandbox.settings_for(base_url))
    by_sku = [
        StockUpdate(product_external_id="", sku="KANNE-200-BLAU", quantity=4),
        StockUpdate(product_external_id="", sku="KORB-300", quantity=5),
        StockUpdate(product_external_id="", sku="GIBT-ES-NICHT", quantity=1),
    ]
    blue, basket, unknown = connector.push_stock(by_sku)
    assert blue.ok and basket.ok and not unknown.ok and "GIBT-ES-NICHT" in unknown.detail
    assert sandbox.store.stock_for_reference("KANNE-200-BLAU")["quantity"] == "4"
    assert sandbox.store.stock_for_reference("KORB-300")["quantity"] == "5"
    connector.close()
