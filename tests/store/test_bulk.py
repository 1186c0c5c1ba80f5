"""store.bulk writes and finds a page's rows with statements whose text does not grow with the page (one array
per column on PostgreSQL): the rows read back are the ones written, on both databases, and a value no column
takes is still refused before anything is written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import cast

import pytest
from sqlalchemy import Table, select
from sqlalchemy.exc import StatementError

from ordersync.store.bulk import among, arrays_apply, insert_rows, update_rows
from ordersync.store.models import OrderEvent, OrderRow

ORDERS = cast(Table, OrderRow.__table__)
EVENTS = cast(Table, OrderEvent.__table__)
AT = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def _order(account_id: int, n: int, **over) -> dict:
    values = {
        "account_id": account_id,
        "connection_id": None,  # a column that is NULL in every row of the page
        "external_id": f"ext-{n}",
        "number": f"10{n}",
        "state": 1,
        "channel_status": "processing",
        "currency": "EUR",
        "total": Decimal("19.99") + n,
        "shipping_cost": Decimal("4.5"),
        "buyer_email": "",
        "buyer_name": 'Ann "the \\ quoted" O\'Neill, {braces}',  # what the text array format would escape
        "created_at": AT + timedelta(hours=n),
        "channel_updated_at": AT,
        "paid_at": AT if n % 2 else None,
        "shipped_at": None,
        "modified_at": AT,
        "imported_at": AT,
        "data": '{"a": "x\\"y", "b": [1, 2]}',
        "content_hash": f"h{n}",
        "refunded_amount": Decimal(0),
    }
    return values | over


def test_rows_inserted_read_back_as_written(hub):
    rows = [_order(hub.account_id(), n) for n in range(5)]
    with hub.db.session() as s:
        result = insert_rows(s, ORDERS, rows, OrderRow.external_id, OrderRow.id)
        assert result is not None
        ids = dict(result.all())
        insert_rows(
            s,
            EVENTS,
            [
                {
                    "order_id": ids[r["external_id"]],
                    "at": AT,
                    "kind": "import",
                    "source": "poll",
                    "history_kind": "imported",
                    "params": {"status": "processing", "n": [i, None]},
                    "text": "imported",
                }
                for i, r in enumerate(rows)
            ],
        )
    assert sorted(ids) == [r["external_id"] for r in rows]
    with hub.db.session() as s:
        stored = {o.external_id: o for o in s.scalars(select(OrderRow))}
        params = dict(s.execute(select(OrderEvent.order_id, OrderEvent.params)).all())
    for i, r in enumerate(rows):
        o = stored[r["external_id"]]
        assert o.id == ids[r["external_id"]]
        for name, value in r.items():
            assert getattr(o, name) == value, name
        assert (o.stock_effect, o.oversold) == ("none", False)  # the columns' defaults, as before
        assert params[o.id] == {"status": "processing", "n": [i, None]}


def test_among_finds_the_values_and_nothing_for_none(hub):
    with hub.db.session() as s:
        insert_rows(s, ORDERS, [_order(hub.account_id(), n) for n in range(3)])
    with hub.db.session() as s:
        found = s.scalars(select(OrderRow.external_id).where(among(s, OrderRow.external_id, {"ext-0", "ext-2", "x"})))
        assert sorted(found) == ["ext-0", "ext-2"]
        assert s.scalars(select(OrderRow.id).where(among(s, OrderRow.external_id, []))).all() == []


def test_an_amount_no_column_takes_is_refused_before_anything_is_written(hub):
    rows = [_order(hub.account_id(), 0), _order(hub.account_id(), 1, total=Decimal("1e20"))]
    with pytest.raises(StatementError), hub.db.session() as s:
        insert_rows(s, ORDERS, rows)
    with hub.db.session() as s:
        assert s.scalars(select(OrderRow.id)).all() == []


def test_rows_updated_by_id(hub):
    with hub.db.session() as s:
        if not arrays_apply(s):
            pytest.skip("PostgreSQL only: SQLite's caller keeps its executemany")
        result = insert_rows(
            s, ORDERS, [_order(hub.account_id(), n) for n in range(3)], OrderRow.external_id, OrderRow.id
        )
        assert result is not None
        ids = dict(result.all())
    later = AT + timedelta(days=1)
    changed = [
        _order(hub.account_id(), n, total=Decimal("7.25"), paid_at=None, shipped_at=later, content_hash="new")
        | {"id": ids[f"ext-{n}"]}
        for n in (0, 2)
    ]
    with hub.db.session() as s:
        update_rows(s, ORDERS, changed)
    with hub.db.session() as s:
        stored = {o.external_id: o for o in s.scalars(select(OrderRow))}
    for r in changed:
        o = stored[r["external_id"]]
        assert (o.total, o.paid_at, o.shipped_at, o.content_hash) == (Decimal("7.25"), None, later, "new")
    assert stored["ext-1"].content_hash == "h1" and stored["ext-1"].total == Decimal("20.99")
