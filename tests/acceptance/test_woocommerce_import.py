"""Issue 2 acceptance: a WooCommerce shop imported completely, exactly once, and incrementally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.store.models import OrderRow, QuarantineEntry
from ordersync.sync.importer import import_orders

from .conftest import connect, order_count, start_shop
from .crash import kill_mid_import_and_resume


class Twin:
    def __init__(self, sandbox) -> None:
        self.sandbox = sandbox


def minutes_ago(n: int) -> str:
    return (datetime.now(UTC) - timedelta(minutes=n)).replace(tzinfo=None).isoformat(timespec="seconds")


def sandbox_totals(shop) -> tuple[int, Decimal]:
    orders = [shop.sandbox.store.order(oid) for oid in shop.sandbox.store.rows]
    visible = [o for o in orders if o["status"] != "trash"]
    return len(visible), sum((Decimal(o["total"]) for o in visible), Decimal(0))


def test_5000_orders_once_then_nothing_then_exactly_the_changed_ten(hub):
    shop = start_shop(5000)
    try:
        conn = connect(hub, shop)
        first = import_orders(hub, conn)
        expected_count, expected_total = sandbox_totals(shop)
        assert first.error == "" and first.created == expected_count == order_count(hub)
        with hub.db.session() as s:
            assert s.scalar(select(func.count(func.distinct(OrderRow.external_id)))) == expected_count
            stored_total = sum(s.scalars(select(OrderRow.total)), Decimal(0))
        assert stored_total == expected_total

        second = import_orders(hub, conn)
        assert (second.created, second.updated) == (0, 0)

        ids = [i for i in sorted(shop.sandbox.store.rows)
               if shop.sandbox.store.order(i)["status"] not in ("trash", "on-hold")][100:110]
        # modified 30 s ago: before the last run's end, so only the overlap re-read can see it
        when = (datetime.now(UTC) - timedelta(seconds=30)).replace(tzinfo=None).isoformat(timespec="seconds")
        shop.orders({"update": [{"id": i, "status": "on-hold", "date_modified_gmt": when} for i in ids],
                     "webhook": False})
        third = import_orders(hub, conn)
        assert (third.created, third.updated) == (0, 10)
        with hub.db.session() as s:
            changed = set(s.scalars(select(OrderRow.external_id).where(OrderRow.channel_status == "on-hold")))
        assert {str(i) for i in ids} <= changed
    finally:
        shop.server.stop()


def test_malformed_order_is_quarantined_and_the_rest_imported(hub):
    shop = start_shop(30)
    try:
        shop.orders({"create": [{"line_items": [{"raw": True, "id": 1, "name": "Tasse", "quantity": "zwei",
                                                 "sku": "X"}], "date_modified_gmt": minutes_ago(5)}],
                     "webhook": False})
        result = import_orders(hub, connect(hub, shop))
        assert result.quarantined == 1 and result.created == 30
        with hub.db.session() as s:
            entry = s.scalar(select(QuarantineEntry))
            assert entry.reason and "zwei" in entry.raw
    finally:
        shop.server.stop()


def test_sigkill_mid_import_loses_and_duplicates_nothing(tmp_path, database_url):
    ids = kill_mid_import_and_resume("woocommerce", 4000, 11, tmp_path / "home", database_url, kill_after=500)
    expected, _ = sandbox_totals(Twin(create_sandbox(seed=11, orders=4000)))  # same seed, same data
    assert len(ids) == len(set(ids)) == expected
