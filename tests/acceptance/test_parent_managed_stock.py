"""Issue 16 item 2: WooCommerce variations with ``manage_stock: "parent"`` sell from their product's stock.

The hub shows the product's stock for them (not 0), an order of any of them draws from that one stock, and a
stock change is pushed to the product, once, never to a variation, which stays "parent" in the shop.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, update

from ordersync.store.models import ArticleRow, Listing, OrderItemRow
from ordersync.sync import dispatcher, stock
from ordersync.sync.articles import import_articles
from ordersync.sync.importer import import_orders, set_position

from .conftest import connect, start_shop


def ago(seconds: int) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).replace(tzinfo=None).isoformat(timespec="seconds")


def shared_stock_product(sandbox) -> dict:
    """A variable product of the sandbox whose variations all sell from its stock, with some in stock."""
    store = sandbox.store
    for product in store.products.values():
        views = [store.variation_view(v) for v in product["variations"]]
        if (
            product["type"] == "variable"
            and product["stock_quantity"]
            and len(views) >= 2
            and all(v["manage_stock"] == "parent" for v in views)
        ):
            return product
    raise AssertionError("the sandbox catalogue has no variable product with parent-managed stock")


def test_parent_managed_variations_share_and_push_the_products_stock(hub):
    shop = start_shop(0, seed=21)
    try:
        product = shared_stock_product(shop.sandbox)
        pid, vids, on_shop = product["id"], product["variations"], product["stock_quantity"]
        conn = connect(hub, shop)
        assert import_articles(hub, conn).error == ""

        with hub.db.session() as s:
            listings = s.scalars(
                select(Listing).where(Listing.connection_id == conn, Listing.product_external_id == str(pid))
            ).all()
            by_variant = {listing.variant_external_id: listing for listing in listings}
            assert set(by_variant) == {"", *map(str, vids)}
            article = s.get(ArticleRow, by_variant[""].article_id)
            assert article.sku == product["sku"]
            assert {listing.article_id for listing in listings} == {article.id}  # one stock for all
            assert {listing.channel_stock for listing in listings} == {Decimal(on_shop)}
            assert stock.availability(s, [article.id])[article.id].on_hand == on_shop  # not 0
            variation_skus = [listing.sku for listing in listings if listing.variant_external_id]
            assert s.scalar(select(ArticleRow).where(ArticleRow.sku.in_(variation_skus))) is None

        sold = shop.sandbox.store.variations[vids[1]]["sku"]
        shop.orders(
            {
                "create": [
                    {
                        "status": "processing",
                        "line_items": [{"sku": sold, "quantity": 2}],
                        "date_created_gmt": ago(60),
                        "date_modified_gmt": ago(60),
                    }
                ],
                "webhook": False,
            }
        )
        assert import_orders(hub, conn).created == 1
        with hub.db.session() as s:
            assert s.scalar(select(OrderItemRow.article_id).where(OrderItemRow.sku == sold)) == article.id
            assert stock.availability(s, [article.id])[article.id].available == on_shop - 2

        before = len(shop.ledger())
        available, queued = stock.correct(hub, product["sku"], "set", Decimal(20))
        assert available.available == 18 and queued == 1  # the product's listing only
        dispatcher.dispatch(hub)
        writes = shop.ledger()[before:]
        assert [(w["kind"], w["resource_id"]) for w in writes] == [("product.stock", str(pid))]
        assert writes[0]["body"]["stock_quantity"] == 18

        store = shop.sandbox.store
        assert store.products[pid]["stock_quantity"] == 18
        for vid in vids:
            view = store.variation_view(vid)
            assert view["manage_stock"] == "parent" and view["stock_quantity"] == 18
            assert store.variations[vid]["manage_stock"] is False  # its own flag untouched: still attached

        assert import_articles(hub, conn).error == ""  # a second import changes nothing of this
        with hub.db.session() as s:
            assert {
                l.article_id
                for l in s.scalars(
                    select(Listing).where(Listing.connection_id == conn, Listing.product_external_id == str(pid))
                )
            } == {article.id}
        assert stock.correct(hub, product["sku"], "set", Decimal(20))[1] == 0  # the shop shows 18 already
    finally:
        shop.server.stop()


def test_a_variation_linked_to_its_own_article_before_moves_to_the_products(hub):
    """An install upgraded from the version that made each such variation an article of its own (on hand 0):
    the next article import links the variation and its orders' items to the product's article."""
    shop = start_shop(0, seed=21)
    try:
        product = shared_stock_product(shop.sandbox)
        pid, vid = product["id"], product["variations"][0]
        sku = shop.sandbox.store.variations[vid]["sku"]
        conn = connect(hub, shop)
        assert import_articles(hub, conn).error == ""
        with hub.db.session() as s:  # the old state: the variation's listing on an article of its own
            own = ArticleRow(
                account_id=s.scalar(select(Listing.account_id).limit(1)),
                sku=sku,
                ean="",
                title="old",
                created_at=datetime.now(UTC),
                updated_at=datetime.now(UTC),
            )
            s.add(own)
            s.flush()
            s.execute(
                update(Listing)
                .where(Listing.connection_id == conn, Listing.variant_external_id == str(vid))
                .values(article_id=own.id)
            )
            own_id = own.id
        shop.orders(
            {
                "create": [
                    {
                        "status": "processing",
                        "line_items": [{"sku": sku, "quantity": 1}],
                        "date_created_gmt": ago(60),
                        "date_modified_gmt": ago(60),
                    }
                ],
                "webhook": False,
            }
        )
        assert import_orders(hub, conn).created == 1
        with hub.db.session() as s:
            assert s.scalar(select(OrderItemRow.article_id).where(OrderItemRow.sku == sku)) == own_id

        set_position(hub, conn, "articles", None)  # what migration 0008 does: read every product again
        assert import_articles(hub, conn).error == ""
        with hub.db.session() as s:
            shared = s.scalar(
                select(Listing.article_id).where(
                    Listing.connection_id == conn,
                    Listing.product_external_id == str(pid),
                    Listing.variant_external_id == "",
                )
            )
            assert (
                s.scalar(
                    select(Listing.article_id).where(
                        Listing.connection_id == conn, Listing.variant_external_id == str(vid)
                    )
                )
                == shared
            )
            assert s.scalar(select(OrderItemRow.article_id).where(OrderItemRow.sku == sku)) == shared
            assert stock.availability(s, [shared])[shared].reserved == 1
    finally:
        shop.server.stop()
