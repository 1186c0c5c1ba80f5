"""Issue 16 item 1 over real HTTP: a WooCommerce order the hub first sees completed (placed after the hub took
the stock over) lowers the hub's stock once, so the next push sends the shop the right figure."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from ordersync.domain.timeutil import utcnow
from ordersync.store.models import ArticleRow
from ordersync.sync import dispatcher
from ordersync.sync.importer import import_orders

from .test_stock_across_channels import TwoShops, ago


def _taken_over_minutes_ago(shops: TwoShops) -> None:
    """The hub took the stock over ten minutes ago (the orders below were placed a minute ago)."""
    with shops.hub.db.session() as s:
        s.execute(
            update(ArticleRow).where(ArticleRow.sku == shops.sku).values(stock_set_at=utcnow() - timedelta(minutes=10))
        )


def _order(shop, sku: str, status: str, qty: int) -> int:
    return shop.orders(
        {
            "create": [
                {
                    "status": status,
                    "line_items": [{"sku": sku, "quantity": qty}],
                    "date_created_gmt": ago(60),
                    "date_modified_gmt": ago(60),
                }
            ],
            "webhook": False,
        }
    )["created"][0]


def test_an_order_first_seen_completed_is_counted_once_and_the_push_is_right(hub):
    shops = TwoShops(hub)
    try:
        shops.set_stock(10)
        _taken_over_minutes_ago(shops)
        completed = _order(shops.a, shops.sku, "completed", 2)  # the shop reports it only once it is done
        assert import_orders(hub, shops.conn_a).created == 1
        assert shops.available() == 8
        dispatcher.dispatch(hub)
        assert shops.pushed(shops.b)[-1] == 8
        assert import_orders(hub, shops.conn_a).created == 0  # read again: counted once
        assert shops.available() == 8

        _order(shops.b, shops.sku, "processing", 1)  # the next push to shop A carries the right figure
        assert import_orders(hub, shops.conn_b).created == 1
        dispatcher.dispatch(hub)
        assert shops.pushed(shops.a)[-1] == 7

        shops.a.orders(
            {"update": [{"id": completed, "status": "cancelled", "date_modified_gmt": ago(30)}], "webhook": False}
        )
        assert import_orders(hub, shops.conn_a).updated == 1
        assert import_orders(hub, shops.conn_a).updated == 0
        dispatcher.dispatch(hub)
        assert shops.available() == 9 and shops.pushed(shops.b)[-1] == 9
    finally:
        shops.stop()


def test_a_partial_refund_in_the_shop_gives_its_units_back_once(hub):
    """Issue 16 item 3 end to end: the refund is made through the shop's REST API (POST /orders/{id}/refunds)."""
    import httpx

    shops = TwoShops(hub)
    try:
        shops.set_stock(10)
        _taken_over_minutes_ago(shops)
        oid = _order(shops.a, shops.sku, "completed", 3)
        assert import_orders(hub, shops.conn_a).created == 1 and shops.available() == 7
        line = shops.a.sandbox.store.order(oid)["line_items"][0]
        sandbox = shops.a.sandbox
        sandbox.auth.https = True  # Basic auth over loopback http, as behind a TLS proxy
        st = shops.a.settings()
        r = httpx.post(
            f"{st['url']}/wp-json/wc/v3/orders/{oid}/refunds",
            auth=(st["consumer_key"], st["consumer_secret"]),
            json={
                "reason": "defekt",
                "api_refund": False,
                "line_items": [{"id": line["id"], "quantity": 2, "refund_total": "1.00"}],
            },
        )
        sandbox.auth.https = False
        assert r.status_code == 201, r.text
        shops.a.orders({"update": [{"id": oid, "date_modified_gmt": ago(30)}], "webhook": False})
        assert import_orders(hub, shops.conn_a).updated == 1
        assert shops.available() == 9
        assert import_orders(hub, shops.conn_a).updated == 0 and shops.available() == 9
        dispatcher.dispatch(hub)
        assert shops.pushed(shops.b)[-1] == 9
    finally:
        shops.stop()
