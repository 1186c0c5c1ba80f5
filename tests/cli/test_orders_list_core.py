"""`orders list` reads through Core tables (store/core_tables.py), not the mapped classes: what it returns is
what the mapped orders hold, value and type, with the same filters and order; the hub's account lookup, Core
too, finds, refuses and creates accounts as before (issue 15)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from api.seed import seed_tenant
from sqlalchemy import select

from ordersync.application.orders import list_orders
from ordersync.domain import OrderState
from ordersync.hub import HubError
from ordersync.store.core_tables import ORDERS
from ordersync.store.models import Account, OrderRow


def _mapped(hub, account_id: int) -> list[OrderRow]:
    with hub.db.session() as s:
        q = select(OrderRow).where(OrderRow.account_id == account_id)
        return list(s.scalars(q.order_by(OrderRow.created_at.desc(), OrderRow.id.desc())))


def test_the_list_holds_what_the_mapped_orders_hold(hub):
    tenant = seed_tenant(hub, "alpha", orders=4)
    first, second = tenant.order_ids[:2]
    with hub.db.session() as s:
        s.get_one(OrderRow, first).oversold = True
        s.get_one(OrderRow, second).state = int(OrderState.SHIPPED)
        s.get_one(OrderRow, second).total = Decimal("1234.5678")
    mapped = _mapped(hub, tenant.account_id)
    rows = list_orders(hub, None, limit=None)
    assert [o.id for o, _ in rows] == [m.id for m in mapped] and len(rows) == 4
    for (o, name), m in zip(rows, mapped, strict=True):
        assert name == "alpha-shop"
        for col in ORDERS.columns:
            ours, theirs = getattr(o, col.name), getattr(m, col.name)
            assert (ours, type(ours)) == (theirs, type(theirs)), col.name
        assert o.created_at.utcoffset() is not None
    assert [o.id for o, _ in list_orders(hub, None, limit=2)] == [m.id for m in mapped[:2]]
    assert [o.id for o, _ in list_orders(hub, None, oversold=True)] == [first]
    assert [o.id for o, _ in list_orders(hub, "alpha", state="shipped")] == [second]
    assert len(list_orders(hub, None, connection="alpha-shop")) == 4
    with pytest.raises(HubError, match="no account named 'beta'"):
        list_orders(hub, "beta")


def test_the_account_lookup_creates_the_default_account_once_and_refuses_an_unnamed_one_of_several(hub):
    created = hub.account_id()
    assert hub.account_id() == created == hub.account_id("default")
    with hub.db.session() as s:
        assert [(a.id, a.name) for a in s.scalars(select(Account))] == [(created, "default")]
        assert hub.account_id(None, s) == created  # through the caller's session too
    seed_tenant(hub, "beta", orders=1)
    with pytest.raises(HubError, match="several accounts"):
        hub.account_id()
    assert list_orders(hub, "default") == []
