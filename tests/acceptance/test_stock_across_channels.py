"""Issue 3 acceptance: stock lives in the hub and every other channel shows what is really available."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from ordersync.domain.timeutil import utcnow
from ordersync.store.models import ArticleRow, Listing, OrderRow, OutboxEntry
from ordersync.sync import dispatcher, stock
from ordersync.sync.articles import import_articles
from ordersync.sync.hub import Hub
from ordersync.sync.importer import import_orders

from .conftest import connect, start_shop


def ago(seconds: int) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).replace(tzinfo=None).isoformat(timespec="seconds")


class TwoShops:
    """Two WooCommerce shops started with one seed: one catalogue (100 products), no orders yet."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.a, self.b = start_shop(0, seed=21), start_shop(0, seed=21)
        self.conn_a, self.conn_b = connect(hub, self.a, "shop-a"), connect(hub, self.b, "shop-b")
        for conn in (self.conn_a, self.conn_b):
            assert import_articles(hub, conn).error == ""
        with hub.db.session() as s:  # a simple product listed on both shops
            self.sku, self.product_id = s.execute(
                select(Listing.sku, Listing.product_external_id)
                .where(
                    Listing.connection_id == self.conn_a,
                    Listing.variant_external_id == "",
                    Listing.article_id.is_not(None),
                )
                .order_by(Listing.id)
                .limit(1)
            ).one()

    def stop(self) -> None:
        self.a.server.stop()
        self.b.server.stop()

    def set_stock(self, qty: int) -> None:
        stock.correct(self.hub, self.sku, "set", Decimal(qty))
        dispatcher.dispatch(self.hub)

    def pushed(self, shop) -> list[int]:
        """Stock values the shop received for our product, oldest first."""
        return [
            e["body"]["stock_quantity"] if "stock_quantity" in e["body"] else e["body"]["update"][0]
            for e in shop.ledger("product.stock")
            if str(e["resource_id"]) == self.product_id
        ]

    def order(self, shop, qty: int = 1) -> int:
        return shop.orders(
            {
                "create": [
                    {
                        "status": "processing",
                        "line_items": [{"sku": self.sku, "quantity": qty}],
                        "date_created_gmt": ago(60),
                        "date_modified_gmt": ago(60),
                    }
                ],
                "webhook": False,
            }
        )["created"][0]

    def available(self) -> Decimal:
        with self.hub.db.session() as s:
            art = s.scalar(select(ArticleRow.id).where(ArticleRow.sku == self.sku))
            return stock.availability(s, [art])[art].available


def test_an_order_on_one_shop_lowers_the_other_and_a_cancellation_restores_it(hub):
    shops = TwoShops(hub)
    try:
        shops.set_stock(10)
        assert shops.pushed(shops.a)[-1] == shops.pushed(shops.b)[-1] == 10
        calls_on_a = len(shops.pushed(shops.a))
        order_id = shops.order(shops.a, qty=2)
        assert import_orders(hub, shops.conn_a).created == 1
        assert shops.available() == 8
        dispatcher.dispatch(hub)
        assert shops.pushed(shops.b)[-1] == 8
        assert len(shops.pushed(shops.a)) == calls_on_a  # shop A lowered its own stock: no echo
        shops.a.orders(
            {"update": [{"id": order_id, "status": "cancelled", "date_modified_gmt": ago(30)}], "webhook": False}
        )
        assert import_orders(hub, shops.conn_a).updated == 1
        dispatcher.dispatch(hub)
        assert shops.available() == 10 and shops.pushed(shops.b)[-1] == 10
    finally:
        shops.stop()


def test_a_thousand_changes_coalesce_to_one_call_per_listing_per_dispatch(hub):
    shops = TwoShops(hub)
    try:
        before = len(shops.pushed(shops.b))
        for qty in range(500):
            stock.correct(hub, shops.sku, "set", Decimal(qty))
        dispatcher.dispatch(hub)
        for qty in range(500, 1000):
            stock.correct(hub, shops.sku, "set", Decimal(qty))
        dispatcher.dispatch(hub)
        for shop in (shops.a, shops.b):
            assert shops.pushed(shop)[-1] == 999
        assert len(shops.pushed(shops.b)) - before == 2
    finally:
        shops.stop()


def test_concurrent_orders_for_the_last_unit_flag_exactly_one_and_push_nothing_negative(hub):
    shops = TwoShops(hub)
    try:
        shops.set_stock(1)
        shops.order(shops.a)
        shops.order(shops.b)
        errors = []

        def sync(conn):
            try:
                assert import_orders(hub, conn).created == 1
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=sync, args=(c,)) for c in (shops.conn_a, shops.conn_b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        dispatcher.dispatch(hub)
        with hub.db.session() as s:
            flags = s.scalars(select(OrderRow.oversold)).all()
        assert sorted(flags) == [False, True]
        assert shops.available() == -1
        for shop in (shops.a, shops.b):
            assert min(shops.pushed(shop)) >= 0
        assert shops.pushed(shops.a)[-1] == 0 or shops.pushed(shops.b)[-1] == 0
    finally:
        shops.stop()


def test_a_restart_in_the_middle_of_propagation_loses_no_stock_update(hub, hub_config):
    shops = TwoShops(hub)
    try:
        stock.correct(hub, shops.sku, "set", Decimal(7))
        with hub.db.session() as s:  # a dispatcher claimed the entries, then the process died
            s.execute(
                update(OutboxEntry)
                .where(OutboxEntry.status == "pending")
                .values(status="sending", lease_until=utcnow() - timedelta(seconds=1))
            )
        hub.close()
        restarted = Hub.open(hub_config, migrate=False)
        try:
            dispatcher.dispatch(restarted)
        finally:
            restarted.close()
        assert shops.pushed(shops.a)[-1] == shops.pushed(shops.b)[-1] == 7
    finally:
        shops.stop()
