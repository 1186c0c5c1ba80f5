"""The Textalk connector through the engine (sync.importer) on SQLite and PostgreSQL, against the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.textalk.sandbox import create_sandbox
from ordersync.store.models import Connection, OrderRow, QuarantineEntry
from ordersync.sync.connections import add_connection
from ordersync.sync.importer import import_orders

ORDERS, CARTS = 120, 3


@pytest.fixture
def textalk():
    sandbox = create_sandbox(seed=21, orders=ORDERS, carts=CARTS)
    with serve_in_thread(sandbox.app) as server:
        sandbox.base_url = server.base_url
        yield sandbox
    sandbox.close()


def connect(hub, sandbox, **settings) -> int:
    # batch look-ups keep each import within the connection's call budget (20 at once, 10 per second)
    return add_connection(
        hub, "textalk", "textalk", {**sandbox.settings_for(sandbox.base_url), "batch": True, **settings}
    )


def ago(seconds: int) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def stored(hub):
    with hub.db.session() as s:
        return {r.external_id: r for r in s.scalars(select(OrderRow))}


def test_import_once_then_nothing_then_exactly_the_changed(hub, textalk):
    conn = connect(hub, textalk)
    first = import_orders(hub, conn)
    assert first.error == "" and first.created == ORDERS and first.quarantined == 0
    rows = stored(hub)
    placed = {str(u): o for u, o in textalk.orders.items() if o["ordered"]}
    assert set(rows) == set(placed)
    assert sum((r.total for r in rows.values()), Decimal(0)) == sum(
        (Decimal(str(o["costs"]["total"]["incVat"])) for o in placed.values()), Decimal(0)
    )

    second = import_orders(hub, conn)
    assert (second.created, second.updated, second.error) == (0, 0, "")

    uids = sorted(int(u) for u, o in placed.items() if o["paymentStatus"] == "unpaid" and not o["discarded"])[:3]
    # changed 30 s ago: before the last run's end, so only the overlap re-read can see it
    textalk.control_orders({"update": [{"uid": u, "paymentStatus": "paid", "changed": ago(30)} for u in uids]})
    third = import_orders(hub, conn)
    assert (third.created, third.updated) == (0, 3)
    rows = stored(hub)
    assert {rows[str(u)].channel_status.split("/")[0] for u in uids} == {"paid"}


def test_bad_records_are_quarantined_with_reasons(hub, textalk):
    good = textalk.orders[min(textalk.orders)]
    textalk.control_orders(
        {
            "create": [
                {
                    "raw": True,
                    **{k: v for k, v in good.items() if k not in ("uid", "items")},
                    "changed": ago(600),
                    "items": [
                        {
                            "articleNumber": "TX-1",
                            "articleName": "Tasse",
                            "choices": {"quantity": "zwei"},
                            "costs": {"total": {"incVat": 5, "currency": good["currency"]}},
                        }
                    ],
                },
                {
                    "raw": True,
                    **{k: v for k, v in good.items() if k not in ("uid",)},
                    "currency": "EURO",
                    "changed": ago(600),
                },
            ]
        }
    )
    result = import_orders(hub, connect(hub, textalk))
    assert result.error == "" and result.created == ORDERS and result.quarantined == 2
    with hub.db.session() as s:
        entries = s.scalars(select(QuarantineEntry).order_by(QuarantineEntry.external_id)).all()
        reasons = [e.reason for e in entries]
        assert all(e.hint for e in entries) and all(e.stream == "orders" for e in entries)
        assert s.scalar(select(func.count()).select_from(OrderRow)) == ORDERS
    assert any("zwei" in r for r in reasons) and any("EURO" in r for r in reasons)


def test_auth_failure_is_a_clear_error_and_nothing_is_stored(hub, textalk):
    conn = connect(hub, textalk, auth_token="expired-token")
    result = import_orders(hub, conn)
    assert result.error.startswith("AuthError") and "API token was not accepted" in result.error
    assert result.created == 0 and not stored(hub)
    with hub.db.session() as s:
        assert "1004" in s.get(Connection, conn).last_error


def test_window_that_shifts_while_paged_is_reread_and_nothing_is_lost(hub, textalk):
    """An order changed while the window is paged leaves it and shifts later pages by one; the count
    reported with the last page shrinks, the engine reads the window again, and the moved order (now
    after the window) comes with the next run."""
    conn = connect(hub, textalk, page_size=25)
    textalk.faults.add("page_drift", count=1)
    first = import_orders(hub, conn)
    assert first.error == "" and first.rereads == 1 and first.created == ORDERS - 1
    placed = {str(u) for u, o in textalk.orders.items() if o["ordered"]}
    (moved,) = placed - set(stored(hub))
    assert textalk.orders[int(moved)]["changed"] > first.window.until.strftime("%Y-%m-%dT%H:%M:%SZ")
    # as if the next run came a few seconds later: the move now lies before its window's end
    textalk.control_orders({"update": [{"uid": int(moved), "changed": ago(20)}]})
    second = import_orders(hub, conn)
    assert (second.created, second.updated) == (1, 0) and set(stored(hub)) == placed
