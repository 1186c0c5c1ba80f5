"""The Shopify connector against its sandbox over real HTTP on loopback: import, pushes, webhooks, throttling."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from ordersync.channels import registry
from ordersync.channels.sdk.connector import ConnectorContext
from ordersync.channels.sdk.errors import WebhookRejected
from ordersync.channels.sdk.records import OrderRef, Window
from ordersync.domain import OrderState, Shipment, StockUpdate

from .conftest import Served, everything, serve, since

GRAPHQL = "/admin/api/*/graphql.json"


def _all(connector, window: Window):
    pages = list(connector.fetch_orders(window))
    return pages, [o for p in pages for o in p.records], [q for p in pages for q in p.quarantined]


# connection and import ---------------------------------------------------------------------------


def test_connection_test_names_the_shop_and_rejects_a_wrong_token(shop: Served) -> None:
    result = shop.connector().test_connection()
    assert result.ok and result.details["shop"] == "Sandbox Shop 11" and result.details["location"]
    bad = shop.connector(access_token="shpat_wrong").test_connection()
    assert not bad.ok and "access token" in bad.message


def test_the_connector_is_registered_with_a_sandbox_whose_settings_are_exactly_its_own(shop: Served) -> None:
    registry.reload()
    cls = registry.get_connector("shopify")
    settings = shop.sandbox.settings_for(shop.base_url)
    assert set(settings) <= {f.name for f in cls.settings_schema.fields}
    cls.settings_schema.parse(settings)
    assert cls.sandbox_factory == "ordersync.channels.shopify.sandbox:create_sandbox"


def test_cursor_paging_imports_more_than_a_thousand_orders_each_exactly_once() -> None:
    sandbox, server = serve(seed=5, orders=1_050, products=20, bucket_size=1_000_000, restore_rate=1_000_000)
    with server:
        connector = Served(sandbox, server.base_url).connector(bulk_backfill=False)
        pages, orders, quarantined = _all(connector, everything())
        requests = sandbox.requests.entries()
    sandbox.close()
    ids = [o.external_id for o in orders]
    assert len(ids) == len(set(ids)) == 1_050 and not quarantined
    assert len(pages) > 10 and [p.number for p in pages] == list(range(1, len(pages) + 1))
    assert all(p.window_total is None and p.total_pages is None for p in pages)
    updated = [o.updated_at for o in orders]
    assert updated == sorted(updated)  # sortKey UPDATED_AT, oldest change first
    assert all(r["method"] == "POST" and not r["query"] for r in requests)  # no offsets anywhere


def test_a_window_reads_only_orders_changed_in_it(shop: Served) -> None:
    _, every, _ = _all(shop.connector(bulk_backfill=False), everything())
    cut = sorted(o.updated_at for o in every)[len(every) // 2]
    window = Window(cut, datetime.now(UTC) + timedelta(minutes=1))
    _, some, _ = _all(shop.connector(), window)
    assert {o.external_id for o in some} == {o.external_id for o in every if o.updated_at >= cut}


def test_orders_changing_while_paged_are_read_again_and_none_is_skipped(shop: Served) -> None:
    shop.faults({"kind": "page_drift", "count": 5, "path": GRAPHQL})
    _, orders, _ = _all(shop.connector(bulk_backfill=False), everything())
    ids = [o.external_id for o in orders]
    assert len(set(ids)) == 240 and len(ids) > 240  # the moved ones come again at the end, nothing is lost


def test_orders_map_items_taxes_addresses_payments_and_large_orders_are_completed(shop: Served) -> None:
    _, orders, _ = _all(shop.connector(bulk_backfill=False), everything())
    big = next(o for o in orders if o.external_id == "gid://shopify/Order/5100000097")
    assert len(big.items) == 13  # more than one page of line items
    for order in orders:
        if order.state is not OrderState.CANCELLED:
            assert sum(i.total_price for i in order.items) + order.shipping_cost == order.total
        assert order.created_at.tzinfo is UTC and order.invoice_address.country in ("DE", "AT", "CH")
    paid = next(o for o in orders if o.state is OrderState.PAID)
    assert paid.payments and paid.items[0].sku.startswith("SKU-") and paid.items[0].tax_rate in (7, 19)
    assert paid.invoice_address.house_number and paid.channel_status == "paid"
    shipped = next(o for o in orders if o.state is OrderState.SHIPPED)
    assert shipped.shipments and shipped.shipped_at is not None


def test_a_malformed_order_is_quarantined_and_the_rest_imported(shop: Served) -> None:
    bad = shop.orders({"create": [{"merge": {"createdAt": "gestern"}}], "webhook": False})["created"][0]
    _, _, quarantined = _all(shop.connector(bulk_backfill=False), since(1))
    assert [q.external_id for q in quarantined] == [bad]
    assert "createdAt" in quarantined[0].reason and "#" in quarantined[0].hint
    _, all_orders, _ = _all(shop.connector(bulk_backfill=False), everything())
    assert len(all_orders) == 240


def test_bulk_backfill_imports_everything_once_and_matches_the_paged_import(shop: Served) -> None:
    connector = shop.connector()
    _, bulk_orders, quarantined = _all(connector, everything())
    assert len(shop.ledger("bulk.run")) == 1 and not quarantined
    _, paged, _ = _all(shop.connector(bulk_backfill=False), everything())
    assert sorted(bulk_orders, key=lambda o: o.external_id) == sorted(paged, key=lambda o: o.external_id)
    assert len({o.external_id for o in bulk_orders}) == 240
    polls = [r for r in shop.requests() if r["path"].endswith("graphql.json")]
    assert len(polls) >= 3  # run, at least one RUNNING poll, the COMPLETED one


def test_bulk_backfill_of_nothing_gets_url_null_and_one_empty_page(shop: Served) -> None:
    pages = list(shop.connector().fetch_orders(Window(None, datetime(2001, 1, 1, tzinfo=UTC))))
    assert len(pages) == 1 and not pages[0].records
    assert not shop.sandbox.store.bulk_files


# throttling --------------------------------------------------------------------------------------


def test_a_small_bucket_is_never_throttled_in_steady_state() -> None:
    sandbox, server = serve(seed=6, orders=120, products=10, bucket_size=900, restore_rate=4_000)
    with server:
        connector = Served(sandbox, server.base_url).connector(bulk_backfill=False)
        _, orders, _ = _all(connector, everything())
        for page in connector.fetch_articles(everything()):
            assert page.records
    sandbox.close()
    assert len(orders) == 120
    assert connector.client.throttled == 0
    assert connector.client.last_cost["requestedQueryCost"] <= 900


def test_throttled_answers_are_waited_out_and_repeated(shop: Served) -> None:
    connector = shop.connector()
    bucket = shop.sandbox.bucket
    connector.test_connection()  # the budget learns the bucket
    rate, bucket.restore_rate = bucket.restore_rate, 2_000.0
    try:
        bucket._available = 0.0  # another app client drained the shop's bucket ...
        connector.client.budget._tokens = connector.client.budget.capacity  # ... and we do not know it
        page = connector.fetch_order(OrderRef("gid://shopify/Order/5100000001"))
    finally:
        bucket.restore_rate = rate
    assert page.records[0].number == "#1001"
    assert connector.client.throttled == 1


# pushes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("phase", "status"), [("after", 503), ("after", 500), ("before", 503)])
def test_a_retried_fulfillment_creates_exactly_one_fulfillment(shop: Served, phase: str, status: int) -> None:
    order = shop.orders({"create": [{"status": "paid"}], "webhook": False})["created"][0]
    shop.faults({"kind": "error", "status": status, "phase": phase, "path": f"{GRAPHQL}#FulfillmentCreate"})
    connector = shop.connector()
    shipment = Shipment(carrier="DHL", tracking_number="00340434161234567890", tracking_url="https://dhl.example/1")
    result = connector.push_tracking(OrderRef(order), shipment)
    assert result.ok and len(shop.ledger("fulfillment.create")) == 1
    again = connector.push_tracking(OrderRef(order), shipment)
    assert again.ok and again.already_done and len(shop.ledger("fulfillment.create")) == 1
    fetched = connector.fetch_order(OrderRef(order)).records[0]
    assert fetched.state is OrderState.SHIPPED
    assert [(s.carrier, s.tracking_number) for s in fetched.shipments] == [("DHL", "00340434161234567890")]


def test_a_second_number_for_a_fulfilled_order_updates_its_tracking(shop: Served) -> None:
    order = shop.orders({"create": [{"status": "fulfilled"}], "webhook": False})["created"][0]
    connector = shop.connector()
    before = connector.fetch_order(OrderRef(order)).records[0].shipments
    result = connector.push_tracking(OrderRef(order), Shipment(carrier="DPD", tracking_number="0987654321"))
    assert result.ok and not result.already_done
    assert not shop.ledger("fulfillment.create") and len(shop.ledger("fulfillment.tracking_update")) == 1
    numbers = [s.tracking_number for s in connector.fetch_order(OrderRef(order)).records[0].shipments]
    assert numbers == [before[0].tracking_number, "0987654321"]
    assert connector.push_tracking(OrderRef(order), Shipment(carrier="DPD", tracking_number="0987654321")).already_done


@pytest.mark.parametrize(
    ("start", "state", "kind"),
    [
        ("paid", OrderState.CANCELLED, "order.cancel"),
        ("pending", OrderState.PAID, "order.mark_as_paid"),
        ("fulfilled", OrderState.CLOSED, "order.close"),
    ],
)
def test_status_pushes_check_first_and_match_channel_status_for(
    shop: Served, start: str, state: OrderState, kind: str
) -> None:
    order = shop.orders({"create": [{"status": start}], "webhook": False})["created"][0]
    connector = shop.connector()
    shop.faults({"kind": "error", "status": 502, "phase": "after", "path": f"{GRAPHQL}#Order[CM]*"})
    result = connector.push_state(OrderRef(order), state, comment="von ordersync")
    assert result.ok and len(shop.ledger(kind)) == 1
    assert connector.push_state(OrderRef(order), state).already_done and len(shop.ledger(kind)) == 1
    fetched = connector.fetch_order(OrderRef(order)).records[0]
    assert fetched.state is state and fetched.channel_status == connector.channel_status_for(state)


def test_states_without_an_action_push_nothing_and_the_map_is_configurable(shop: Served) -> None:
    order = shop.orders({"create": [{"status": "fulfilled"}], "webhook": False})["created"][0]
    assert "nothing sent" in shop.connector().push_state(OrderRef(order), OrderState.PACKED).detail
    connector = shop.connector(status_map_export="Packed=close")
    assert connector.push_state(OrderRef(order), OrderState.PACKED).ok
    assert len(shop.ledger("order.close")) == 1 and connector.channel_status_for(OrderState.PACKED) == "closed"


def test_stock_is_set_per_inventory_item_at_the_location_in_batches(shop: Served) -> None:
    connector = shop.connector()
    articles = [a for p in connector.fetch_articles(everything()) for a in p.records]
    variants = [v for a in articles for v in a.variants]
    assert len(variants) > 250 and all(v.attributes["inventory_item_id"].startswith("gid://") for v in variants)
    updates = [StockUpdate(a.external_id, 7, v.external_id) for a in articles for v in a.variants]
    updates.append(StockUpdate("gid://shopify/Product/1", 3, "gid://shopify/ProductVariant/1"))
    results = connector.push_stock(updates)
    assert all(r.ok for r in results[:-1]) and not results[-1].ok
    batches = shop.ledger("inventory.set")
    assert len(batches) == 2 and all(len(b["body"]["quantities"]) <= 250 for b in batches)
    assert {b["body"]["name"] for b in batches} == {"available"}
    location = shop.sandbox.settings_for(shop.base_url)["location_id"]
    item = variants[0].attributes["inventory_item_id"]
    assert shop.sandbox.store.levels[(item, location)] == 7


# webhooks ----------------------------------------------------------------------------------------


def test_webhooks_are_registered_once_signed_verified_and_parsed(shop: Served, receiver) -> None:
    context = ConnectorContext(connection_id=0, webhook_url=receiver.url)
    connector = shop.connector(context)
    receiver.connector = lambda: shop.connector(context)
    connector.register_webhooks()
    connector.register_webhooks()
    assert len(shop.ledger("webhook.create")) == 5 and len(context.state["webhooks"]) == 5
    receiver.calls.clear()
    created = shop.orders({"create": 1})["created"][0]
    assert shop.sandbox.webhooks.wait_idle()
    assert [c[0] for c in receiver.calls] == [200, 200]  # orders/create and orders/updated
    metas = [c[1] for c in receiver.calls]
    assert {m.topic for m in metas} == {"orders/create", "orders/updated"} and len({m.delivery_id for m in metas}) == 2
    assert all(c[2].records[0].external_id == created for c in receiver.calls)
    connector.unregister_webhooks()
    assert len(shop.ledger("webhook.delete")) == 5 and not shop.sandbox.store.webhooks


def test_forged_or_unsigned_webhooks_are_rejected(shop: Served) -> None:
    connector = shop.connector()
    body = json.dumps({"id": 5100000001, "admin_graphql_api_id": "gid://shopify/Order/5100000001"}).encode()
    good = base64.b64encode(hmac.new(shop.sandbox.api_secret.encode(), body, hashlib.sha256).digest()).decode()
    headers = {"X-Shopify-Hmac-Sha256": good, "X-Shopify-Webhook-Id": "abc", "X-Shopify-Topic": "orders/paid"}
    meta = connector.verify_webhook(headers, body)
    assert (meta.delivery_id, meta.resource_id) == ("abc", "gid://shopify/Order/5100000001")
    with pytest.raises(WebhookRejected):
        connector.verify_webhook(headers, body + b" ")
    with pytest.raises(WebhookRejected):
        connector.verify_webhook({**headers, "X-Shopify-Hmac-Sha256": ""}, body)
    with pytest.raises(WebhookRejected):
        shop.connector(api_secret="other").verify_webhook(headers, body)
