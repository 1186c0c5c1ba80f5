"""The read model: inbox filters, sorting and paging, order and article detail, connection health, all
scoped to one account."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from ordersync import readmodel
from ordersync.domain import OrderState
from ordersync.readmodel import OrderFilter
from ordersync.sync import actions, stock
from ordersync.sync.hub import HubError

from .seed import T0, seed_tenant


@pytest.fixture
def tenants(hub):
    return seed_tenant(hub, "alpha", orders=5), seed_tenant(hub, "beta", orders=2)


def test_list_orders_filters_sorts_and_pages(hub, tenants):
    a, b = tenants
    page = readmodel.list_orders(hub, a.account_id, OrderFilter(), page=1, page_size=2)
    assert page.total == 5 and page.pages == 3 and len(page.rows) == 2
    first = page.rows[0]
    assert first.number == "ALPHA1005" and first.connection_name == "alpha-shop" and first.system == "woocommerce"
    assert first.total == Decimal("24.90") and first.currency == "EUR" and first.item_count == 1
    assert first.created_at.utcoffset() == timedelta(0)
    assert [r.number for r in readmodel.list_orders(hub, a.account_id, OrderFilter(), sort="number").rows] == [
        f"ALPHA{1000 + n}" for n in range(1, 6)
    ]
    assert readmodel.list_orders(hub, a.account_id, OrderFilter(), page=3, page_size=2).rows[0].number == "ALPHA1001"
    every = {r.id for r in readmodel.list_orders(hub, a.account_id, OrderFilter()).rows}
    assert every == set(a.order_ids) and not every & set(b.order_ids)

    def by(**kw):
        return [r.number for r in readmodel.list_orders(hub, a.account_id, OrderFilter(**kw), sort="created").rows]

    assert by(created_from=T0 + timedelta(hours=2), created_to=T0 + timedelta(hours=3)) == ["ALPHA1002", "ALPHA1003"]
    assert by(text="muster4") == ["ALPHA1004"]  # buyer name, case-insensitive
    assert by(text="buyer2@alpha") == ["ALPHA1002"]  # e-mail
    assert by(text="alpha-3") == ["ALPHA1003"]  # external id
    assert len(by(text="ALPHA-MUG")) == 5  # an item's SKU
    assert by(text="100%") == []  # LIKE wildcards are literal
    assert by(states=(int(OrderState.SHIPPED),)) == []
    assert by(connection_ids=(b.connection_id,)) == []  # another account's connection finds nothing
    assert readmodel.list_orders(hub, b.account_id, OrderFilter(text="ALPHA")).total == 0


def test_bad_paging_and_sort_are_explained(hub, tenants):
    a, _ = tenants
    with pytest.raises(HubError, match="unknown sort 'price'"):
        readmodel.list_orders(hub, a.account_id, OrderFilter(), sort="price")
    with pytest.raises(HubError, match="page size 0"):
        readmodel.list_orders(hub, a.account_id, OrderFilter(), page_size=0)
    with pytest.raises(HubError, match="pages start at 1"):
        readmodel.list_articles(hub, a.account_id, page=0)


def test_order_detail_and_tags(hub, tenants):
    a, b = tenants
    order_id = a.order_ids[0]
    actions.ship(hub, order_id, carrier="DHL", tracking_number="003404341", account="alpha")
    assert readmodel.set_tags(hub, a.account_id, order_id, ["vip", " express  lane", "vip"]) == ["express lane", "vip"]
    detail = readmodel.get_order(hub, a.account_id, order_id)
    assert detail.state == int(OrderState.SHIPPED) and detail.shipped_at is not None
    assert detail.tags == ["express lane", "vip"]
    assert detail.shipping_address.street == "Gartenweg" and detail.shipping_address.house_number == "7a"
    assert detail.billing_address.city == "Berlin" and detail.buyer.email == "buyer1@alpha.example"
    assert detail.payments[0].amount == detail.total and detail.payment_method == "paypal"
    (item,) = detail.items
    assert item.sku == "ALPHA-MUG" and item.tax_rate == Decimal(19) and item.article_id == a.article_ids[0]
    assert detail.shipments[0].tracking_number == "003404341"
    kinds = [e.kind for e in detail.events]
    assert kinds[0] == "tags" and kinds[-1] == "imported" and "shipment" in kinds  # newest first
    assert [r.number for r in readmodel.list_orders(hub, a.account_id, OrderFilter(tag="vip")).rows] == ["ALPHA1001"]
    assert readmodel.remove_tag(hub, a.account_id, order_id, "vip") == ["express lane"]
    with pytest.raises(HubError, match="no tag 'vip'"):
        readmodel.remove_tag(hub, a.account_id, order_id, "vip")
    with pytest.raises(HubError, match="tag 1 is empty"):
        readmodel.set_tags(hub, a.account_id, order_id, [" "])
    # another account sees nothing and can change nothing
    assert readmodel.get_order(hub, b.account_id, order_id) is None
    with pytest.raises(HubError, match="no order"):
        readmodel.set_tags(hub, b.account_id, order_id, ["mine"])


def test_articles_with_stock_and_listings(hub, tenants):
    a, b = tenants
    page = readmodel.list_articles(hub, a.account_id)
    assert [r.sku for r in page.rows] == ["ALPHA-CAP", "ALPHA-MUG"] and page.total == 2
    mug = page.rows[1]
    # five paid orders of two mugs each reserve ten
    assert (mug.on_hand, mug.reserved, mug.available, mug.listings_count) == (Decimal(10), Decimal(10), Decimal(0), 1)
    assert [r.sku for r in readmodel.list_articles(hub, a.account_id, "cap").rows] == ["ALPHA-CAP"]
    assert readmodel.list_articles(hub, b.account_id, "ALPHA").total == 0
    stock.correct(hub, "ALPHA-CAP", "set", Decimal(7), reason="count", account="alpha")
    cap = readmodel.get_article(hub, a.account_id, a.article_ids[1])
    assert cap.on_hand == 7 and cap.levels[0].location == "default"
    assert [m.reason for m in cap.movements] == ["count", "seed"]
    (listing,) = cap.listings
    assert listing.connection_name == "alpha-shop" and listing.shown == 7 and listing.push_mode == "auto"
    assert readmodel.get_article(hub, b.account_id, a.article_ids[1]) is None
    assert readmodel.find_article(hub, a.account_id, "ALPHA-CAP") == a.article_ids[1]
    assert readmodel.find_article(hub, b.account_id, "ALPHA-CAP") is None


def test_connection_health(hub, tenants):
    a, b = tenants
    # the state for the channel, and the mug's stock (the listing shows 10, available is 0)
    actions.set_state(hub, a.order_ids[0], OrderState.SHIPPED, account="alpha")
    (health,) = readmodel.connection_health(hub, a.account_id)
    assert (health.name, health.system, health.group, health.orders) == ("alpha-shop", "woocommerce", "shop", 5)
    assert health.display_name == "WooCommerce" and health.pending == 2 and health.dead == 0
    assert not health.paused and health.last_success_at is None
    assert [h.name for h in readmodel.connection_health(hub, b.account_id)] == ["beta-shop"]
