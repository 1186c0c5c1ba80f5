"""Amazon against its sandbox over loopback: the connection test, a full import, and a bad record that is
quarantined while the rest is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from ordersync.channels.sdk.records import Window
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.channels.amazon.connector import AmazonConnector
from ordersync.channels.amazon.sandbox import create_sandbox


@pytest.fixture
def served():
    allow_loopback()  # the sandbox lives on loopback, which the URL guard refuses by default
    sandbox = create_sandbox(seed=3, orders=45)
    with serve_in_thread(sandbox.app) as server:
        yield sandbox, server.base_url
    sandbox.close()


def everything() -> Window:
    return Window(None, datetime.now(UTC) + timedelta(minutes=5))


def test_connection_with_the_right_and_a_wrong_token(served):
    sandbox, base_url = served
    good = AmazonConnector(sandbox.settings_for(base_url))
    result = good.test_connection()
    assert result.ok and "Amazon sandbox 3" in result.message
    bad = AmazonConnector({**sandbox.settings_for(base_url), "api_token": "wrong"})
    result = bad.test_connection()
    assert not result.ok and "token" in result.message
    good.close()
    bad.close()


def test_every_order_is_imported_once_with_decimal_money_and_aware_times(served):
    sandbox, base_url = served
    connector = AmazonConnector({**sandbox.settings_for(base_url), "page_size": 10})
    pages = list(connector.fetch_orders(everything()))
    orders = [o for page in pages for o in page.records]
    assert len(pages) == 5 and all(page.window_total == 45 for page in pages)
    assert sorted(o.external_id for o in orders) == sorted(str(i) for i in sandbox.orders)
    assert all(isinstance(o.total, Decimal) and o.created_at.tzinfo is not None for o in orders)
    assert all(o.total == sum((i.total_price for i in o.items), o.shipping_cost) for o in orders)
    connector.close()


def test_a_malformed_record_is_quarantined_and_the_rest_stored(served):
    sandbox, base_url = served
    httpx.post(base_url + "/_sandbox/orders", json={"raw": [{"status": "paid", "total": "zwölf"}]}).raise_for_status()
    connector = AmazonConnector(sandbox.settings_for(base_url))
    pages = list(connector.fetch_orders(everything()))
    quarantined = [q for page in pages for q in page.quarantined]
    assert len(quarantined) == 1 and quarantined[0].reason and quarantined[0].hint
    assert sum(len(page.records) for page in pages) == 45
    connector.close()
