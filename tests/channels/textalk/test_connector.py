"""The Textalk connector against the Textalk sandbox over real loopback HTTP."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from ordersync.channels.sdk.errors import AuthError, NotFoundError
from ordersync.channels.sdk.records import OrderRef, Window
from ordersync.channels.sdk.settings import SettingsError
from ordersync.channels.textalk.connector import TextalkConnector, stamp, window_filters

from .conftest import RPC, everything


def ids(pages):
    return [o.external_id for p in pages for o in p.records]


def test_every_order_once_carts_left_out(shop):
    connector = shop.connector()
    pages = list(connector.fetch_orders(everything()))
    got = ids(pages)
    orders = [o for o in shop.sandbox.orders.values() if o["ordered"]]
    assert len(got) == len(set(got)) == len(orders) == 230
    assert got == sorted(got, key=int)  # sorted by uid
    assert [len(p.records) for p in pages] == [100, 100, 30] and not any(p.quarantined for p in pages)
    assert {p.window_total for p in pages} == {234}  # Textalk's count includes the 4 carts
    assert [p.number for p in pages] == [1, 2, 3]
    query = parse_qs(shop.requests(RPC)[0]["query"])
    assert query["webshop"] == [str(shop.sandbox.webshop)] and query["auth"] == [shop.sandbox.token]


def test_imported_addresses_are_complete(shop):
    """The sandbox writes Textalk's documented customer fields itself; an address the connector reads from
    other names comes out empty (as it did when both shared the connector's assumed names)."""
    orders = [o for p in shop.connector().fetch_orders(everything()) for o in p.records]
    for order in orders:
        for address in (order.invoice_address, order.shipping_address):
            assert address.street and address.house_number and address.zip and address.city and address.country
            assert address.first_name and address.last_name
        assert order.buyer.email and order.invoice_address.phone
    assert any(o.shipping_address != o.invoice_address for o in orders)  # own delivery addresses too


def test_window_by_modification_time(shop):
    connector = shop.connector()
    old = ids(connector.fetch_orders(everything()))[:2]
    time.sleep(1.1)  # whole-second timestamps
    since = datetime.now(UTC)
    time.sleep(1.1)
    made = shop.orders({"create": 2, "update": [{"uid": int(old[0]), "paymentStatus": "paid"}]})
    window = Window(since, datetime.now(UTC) + timedelta(seconds=2))
    assert set(ids(connector.fetch_orders(window))) == {str(u) for u in made["created"] + made["updated"]}
    assert window_filters(Window(since, since)) == {"/changed": {"min": stamp(since), "max": stamp(since)}}


def test_bad_token_is_a_clear_auth_error(shop):
    bad = shop.connector(auth_token="not-the-token")
    with pytest.raises(AuthError, match="API token was not accepted"):
        next(bad.fetch_orders(everything()))
    result = bad.test_connection()
    assert not result.ok and "API token" in result.message
    wrong_shop = shop.connector(webshop=1)
    with pytest.raises(AuthError, match="webshop id"):
        next(wrong_shop.fetch_orders(everything()))
    good = shop.connector().test_connection()
    assert good.ok and good.details["orders"] == "234"


def test_transient_failures_are_retried_with_backoff(shop):
    shop.faults({"kind": "error", "status": 503, "count": 2}, {"kind": "rate_limit", "count": 1, "retry_after": 2})
    connector = shop.connector()
    assert len(ids(connector.fetch_orders(everything()))) == 230
    assert 2 in connector.slept and len(connector.slept) == 3


def test_batch_mode_reads_the_same_with_fewer_requests(shop):
    plain = ids(shop.connector().fetch_orders(everything()))
    sequential = len(shop.requests(RPC))
    shop.control.post("/reset")
    batched = ids(shop.connector(batch=True).fetch_orders(everything()))
    assert batched == plain and len(shop.requests(RPC)) == 3 + 2 + 3  # 3 lists, 2 counts, 3 item batches
    assert sequential > 500


def test_unreadable_item_quarantines_its_order_only(shop):
    made = shop.orders({"create": [{"items": [93_999_999]}]})
    pages = list(shop.connector(batch=True).fetch_orders(everything()))
    bad = [q for p in pages for q in p.quarantined]
    assert [q.external_id for q in bad] == [str(made["created"][0])]
    assert "could not be read" in bad[0].reason and "no order item with uid 93999999" in bad[0].reason
    assert len(ids(pages)) == 230


def test_window_that_shifts_while_paged_reports_a_shrunken_count(shop):
    shop.faults({"kind": "page_drift", "count": 1})
    pages = list(shop.connector().fetch_orders(Window(None, datetime.now(UTC))))
    assert pages[0].window_total == 234 and pages[-1].window_total == 233


def test_fetch_one_order(shop):
    connector = shop.connector()
    uid = ids(connector.fetch_orders(everything()))[5]
    page = connector.fetch_order(OrderRef(uid))
    assert [o.external_id for o in page.records] == [uid] and page.records[0].items
    with pytest.raises(NotFoundError):
        connector.fetch_order(OrderRef("12"))
    with pytest.raises(NotFoundError):
        connector.fetch_order(OrderRef("abc"))


def test_settings_are_checked():
    with pytest.raises(SettingsError, match="webshop"):
        TextalkConnector({"auth_token": "t"})
    with pytest.raises(SettingsError, match="page_size"):
        TextalkConnector({"webshop": 1, "auth_token": "t", "page_size": 0})
    with pytest.raises(SettingsError, match="status_map_import"):
        TextalkConnector({"webshop": 1, "auth_token": "t", "status_map_import": "sent=Shipped"})
    with pytest.raises(SettingsError, match="not an http"):
        TextalkConnector({"webshop": 1, "auth_token": "t", "endpoint": "shop.textalk.se"})
