"""Issue 7 acceptance, Shopify-specific: the first import of a big shop is one bulk operation. The guarantees
every connector shares (quarantine, pushes through faults, webhooks, SIGKILL) are in tests/conformance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from ordersync.store.models import OrderRow
from ordersync.sync.importer import import_orders

from .conftest import connect, order_count, start_shop

FAST = {"bucket_size": 100_000, "restore_rate": 100_000, "bulk_polls": 1}


def shopify(orders: int, seed: int = 31, **options):
    return start_shop(orders, seed=seed, system="shopify", **(FAST | options))


def ago(seconds: int) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat(timespec="seconds").replace("+00:00", "Z")


def test_a_20000_order_bulk_backfill_imports_each_once_then_nothing_then_exactly_the_changed_ten(hub):
    shop = shopify(20_000)
    try:
        conn = connect(hub, shop, system="shopify")
        first = import_orders(hub, conn)
        assert first.error == "" and first.created == 20_000 == order_count(hub)
        assert len(shop.ledger("bulk.run")) == 1
        with hub.db.session() as s:
            assert s.scalar(select(func.count(func.distinct(OrderRow.external_id)))) == 20_000
        second = import_orders(hub, conn)
        assert (second.created, second.updated) == (0, 0)
        ids = list(shop.sandbox.store.orders)[500:510]
        shop.orders(
            {
                "update": [{"id": i, "merge": {"note": "Bitte klingeln"}, "updatedAt": ago(30)} for i in ids],
                "webhook": False,
            }
        )
        third = import_orders(hub, conn)
        assert (third.created, third.updated) == (0, 10)
        assert len(shop.ledger("bulk.run")) == 1  # only the first import is a backfill
    finally:
        shop.server.stop()
