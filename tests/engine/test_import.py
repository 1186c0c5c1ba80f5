"""The import engine's invariants 1, 2 and 5, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from ordersync.channels.sdk.records import Page
from ordersync.domain import OrderState
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderRow, QuarantineEntry, SyncRun
from ordersync.sync.importer import get_position, import_orders, store_page

from .memshop import MemShop, make_order


def count_orders(hub) -> int:
    with hub.db.session() as s:
        return s.scalar(select(func.count()).select_from(OrderRow))


def test_import_is_idempotent_and_detects_real_changes(hub, memshop):
    now = utcnow()
    for n in range(1, 11):
        MemShop.orders[str(n)] = make_order(n, modified=now - timedelta(hours=1, minutes=n))
    first = import_orders(hub, memshop)
    assert (first.created, first.updated, first.error) == (10, 0, "")
    again = import_orders(hub, memshop)
    assert (again.created, again.updated) == (0, 0)
    MemShop.orders["3"] = make_order(3, modified=now - timedelta(seconds=30), state=OrderState.CANCELLED)
    changed = import_orders(hub, memshop)
    assert (changed.created, changed.updated) == (0, 1)
    assert count_orders(hub) == 10
    with hub.db.session() as s:
        assert s.scalar(select(OrderRow.state).where(OrderRow.external_id == "3")) == OrderState.CANCELLED


def test_stale_data_never_overwrites_newer(hub, memshop):
    now = utcnow()
    newer = make_order(1, modified=now - timedelta(minutes=1), state=OrderState.SHIPPED)
    older = make_order(1, modified=now - timedelta(minutes=5), state=OrderState.PAID)
    store_page(hub, hub.account_id(), memshop, Page([newer]), source="webhook")
    counts = store_page(hub, hub.account_id(), memshop, Page([older]), source="webhook")
    assert counts.updated == 0 and counts.unchanged == 1
    with hub.db.session() as s:
        assert s.scalar(select(OrderRow.state)) == OrderState.SHIPPED


def test_window_shift_while_paging_is_reread_so_nothing_is_skipped(hub, memshop):
    """An order modified mid-run leaves the window and would shift the offsets: the engine re-reads."""
    now = utcnow()
    for n in range(1, 10):
        MemShop.orders[str(n)] = make_order(n, modified=now - timedelta(hours=2, minutes=n))

    def modify_once(page_no: int) -> None:
        if page_no == 1 and MemShop.orders["2"].updated_at < now:
            MemShop.orders["2"] = make_order(2, modified=utcnow() + timedelta(hours=1))

    MemShop.on_page = modify_once
    result = import_orders(hub, memshop)
    assert result.rereads == 1
    assert count_orders(hub) == 9


def test_quarantined_records_do_not_block_the_page(hub, memshop):
    now = utcnow()
    MemShop.orders["1"] = make_order(1, modified=now - timedelta(hours=1))
    MemShop.broken["99"] = {"id": 99, "line_items": [{"quantity": "x"}]}
    result = import_orders(hub, memshop)
    assert result.created == 1 and result.quarantined == 1
    with hub.db.session() as s:
        q = s.scalar(select(QuarantineEntry))
        assert q.external_id == "99" and "price" in q.reason and '"quantity": "x"' in q.raw
        run = s.scalar(select(SyncRun).order_by(SyncRun.id.desc()))
        assert run.status == "ok" and run.quarantined == 1 and run.created == 1


def test_cursor_is_not_advanced_when_a_run_fails(hub, memshop):
    from ordersync.channels.sdk.errors import TransientError

    MemShop.orders["1"] = make_order(1, modified=utcnow() - timedelta(hours=1))

    def boom(page_no):
        raise TransientError("shop down", status=503)

    MemShop.on_page = boom
    result = import_orders(hub, memshop)
    assert "shop down" in result.error
    assert get_position(hub, memshop, "orders") is None
    MemShop.on_page = None
    assert import_orders(hub, memshop).error == ""
    assert get_position(hub, memshop, "orders") is not None


def test_concurrent_writers_never_duplicate(hub, memshop):
    """A webhook and a poll racing on the same new orders: each order is stored exactly once."""
    now = utcnow()
    orders = [make_order(n, modified=now - timedelta(minutes=n)) for n in range(1, 41)]
    account = hub.account_id()
    errors: list[BaseException] = []

    def writer():
        try:
            for i in range(0, 40, 4):
                store_page(hub, account, memshop, Page(orders[i : i + 4]), source="race")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert count_orders(hub) == 40


def test_our_own_pushed_status_coming_back_keeps_the_hub_state(hub, memshop):
    """Hub "Closed" is written to the channel as "completed"; read back, that must not become "Shipped"."""
    from ordersync.sync import actions

    now = utcnow()
    MemShop.orders["1"] = make_order(1, modified=now - timedelta(hours=1))
    MemShop.orders["2"] = make_order(2, modified=now - timedelta(hours=1))
    import_orders(hub, memshop)
    with hub.db.session() as s:
        ids = dict(s.execute(select(OrderRow.external_id, OrderRow.id)).all())
    actions.set_state(hub, ids["1"], OrderState.CLOSED)
    actions.set_state(hub, ids["2"], OrderState.CLOSED)
    echo = make_order(1, modified=now - timedelta(seconds=30), state=OrderState.SHIPPED)
    echo.channel_status = "completed"
    real = make_order(2, modified=now - timedelta(seconds=30), state=OrderState.CANCELLED)
    real.channel_status = "cancelled"
    MemShop.orders.update({"1": echo, "2": real})
    assert import_orders(hub, memshop).updated == 2
    with hub.db.session() as s:
        states = dict(s.execute(select(OrderRow.external_id, OrderRow.state)).all())
    assert states == {"1": OrderState.CLOSED, "2": OrderState.CANCELLED}


def test_a_channel_update_without_a_status_change_keeps_the_sellers_state(hub, memshop):
    """Shipped in the hub; the shop's webhook for our tracking note still says "processing" (our status push
    has not arrived yet): the order must stay Shipped. A real status change on the channel still counts."""
    from ordersync.sync import actions

    now = utcnow()
    first = make_order(1, modified=now - timedelta(hours=1))
    first.channel_status = "processing"
    MemShop.orders["1"] = first
    import_orders(hub, memshop)
    with hub.db.session() as s:
        order_id = s.scalar(select(OrderRow.id))
    actions.set_state(hub, order_id, OrderState.SHIPPED)
    noted = make_order(1, modified=now - timedelta(seconds=30), total="10.50")
    noted.channel_status = "processing"
    MemShop.orders["1"] = noted
    assert import_orders(hub, memshop).updated == 1
    with hub.db.session() as s:
        assert s.scalar(select(OrderRow.state)) == OrderState.SHIPPED
    cancelled = make_order(1, modified=now - timedelta(seconds=10), state=OrderState.CANCELLED, total="10.50")
    cancelled.channel_status = "cancelled"
    MemShop.orders["1"] = cancelled
    assert import_orders(hub, memshop).updated == 1
    with hub.db.session() as s:
        assert s.scalar(select(OrderRow.state)) == OrderState.CANCELLED


def test_a_shift_only_a_middle_page_saw_is_reread(hub, memshop, monkeypatch):
    """Pages read concurrently are requested in any order: the last page may have been answered before an
    order left the window and a middle one after. Any page's count that differs from the first's re-reads."""
    now = utcnow()
    for n in range(1, 10):
        MemShop.orders[str(n)] = make_order(n, modified=now - timedelta(hours=2, minutes=n))
    real, reads = MemShop.fetch_orders, []

    def fetch(self, window):
        reads.append(window)
        for page in real(self, window):
            if len(reads) == 1 and page.number == 2:
                page.window_total -= 1  # answered after the shift; pages 1 and 3 before it
            yield page

    monkeypatch.setattr(MemShop, "fetch_orders", fetch)
    result = import_orders(hub, memshop)
    assert (result.rereads, result.error) == (1, "") and len(reads) == 2
    assert get_position(hub, memshop, "orders") is not None  # the second read agreed: the cursor moved
    assert count_orders(hub) == 9
