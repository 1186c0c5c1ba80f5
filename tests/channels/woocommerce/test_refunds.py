"""Issue 16 item 3: partial refunds, as the WooCommerce sandbox serves them (REST v3 order refunds) and as the
connector reads them: the order lists ``refunds: [{id, reason, total}]``; the detail costs one GET per
order that has refunds, and none for the others."""

from __future__ import annotations

from decimal import Decimal

import httpx

from ordersync.channels.sdk.records import OrderRef

from .conftest import everything


def _order_with_two_lines(shop) -> dict:
    sellables = [s for s in shop.sandbox.store.sellables][:2]
    oid = shop.orders(
        {
            "create": [
                {
                    "status": "completed",
                    "line_items": [{"sku": sellables[0].sku, "quantity": 3}, {"sku": sellables[1].sku, "quantity": 1}],
                }
            ],
            "webhook": False,
        }
    )["created"][0]
    return shop.sandbox.store.order(oid)


def _api(shop) -> httpx.Client:
    st = shop.settings()
    return httpx.Client(
        base_url=st["url"] + "/wp-json/wc/v3", auth=(st["consumer_key"], st["consumer_secret"]), timeout=30
    )


def test_a_partial_refund_is_listed_on_the_order_and_read_in_detail(shop):
    shop.sandbox.https_offload = shop.sandbox.auth.https = True  # Basic auth over plain loopback http
    order = _order_with_two_lines(shop)
    line = order["line_items"][0]
    with _api(shop) as api:
        created = api.post(
            f"/orders/{order['id']}/refunds",
            json={
                "reason": "Tasse zerbrochen",
                "api_refund": False,
                "line_items": [
                    {
                        "id": line["id"],
                        "quantity": 1,
                        "refund_total": "5.00",
                        "refund_tax": [{"id": 1, "refund_total": "0.95"}],
                    }
                ],
            },
        )
        assert created.status_code == 201, created.text
        refund = created.json()
        assert refund["amount"] == "5.95" and refund["line_items"][0]["quantity"] == -1
        assert refund["line_items"][0]["total"] == "-5.00"
        listed = api.get(f"/orders/{order['id']}").json()
        assert listed["refunds"] == [{"id": refund["id"], "reason": "Tasse zerbrochen", "total": "-5.95"}]
        assert listed["status"] == "completed"  # partly refunded
        assert api.get(f"/orders/{order['id']}/refunds").json()[0]["id"] == refund["id"]
        too_much = api.post(f"/orders/{order['id']}/refunds", json={"amount": "100000.00"})
        assert too_much.status_code == 500 and too_much.json()["code"] == "woocommerce_rest_cannot_create_order_refund"
        nothing = api.post(f"/orders/{order['id']}/refunds", json={"amount": "0"})
        assert nothing.status_code == 400
    shop.sandbox.https_offload = shop.sandbox.auth.https = False

    connector = shop.connector()
    (mapped,) = connector.fetch_order(OrderRef(str(order["id"]))).records
    (r,) = mapped.refunds
    assert (r.amount, r.currency, r.reason) == (Decimal("5.95"), "EUR", "Tasse zerbrochen")
    assert r.refunded_at is not None and r.refunded_at.tzinfo is not None
    assert [(i.item_external_id, i.quantity) for i in r.items] == [(str(line["id"]), Decimal(1))]
    assert mapped.refunded_amount == Decimal("5.95")
    assert mapped.refunded_quantity(mapped.items[0]) == Decimal(1)


def test_only_orders_with_refunds_cost_an_extra_request(shop):
    """On a shop without ``GET /refunds`` (before WooCommerce 9.0): one GET per refunded order, and after the
    one 404 that tells, no more tries of the collection. (With it: test_refunds_collection.py.)"""
    shop.sandbox.refunds_collection = False
    connector = shop.connector()
    orders = [o for page in connector.fetch_orders(everything()) for o in page.records]
    refunded = [o for o in orders if o.refunds]
    assert refunded, "the generated shop has refunded orders"
    assert len(shop.requests("/wp-json/wc/v3/orders/", "GET")) == len(refunded)
    assert [r["status"] for r in shop.requests("/wp-json/wc/v3/refunds")] == [404]
    for order in refunded:  # a generated refund gives back everything
        assert order.refunded_amount == order.total
        assert all(order.refunded_quantity(i) == i.quantity for i in order.items if not i.dont_adjust_stock)
