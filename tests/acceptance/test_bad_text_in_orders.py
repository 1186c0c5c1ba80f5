"""Issue 16 item 14: one order with text a database cannot store (a NUL in the buyer's name, a lone
surrogate) never stops a connection: the text is cleaned at the mapper, a record the store still refuses is
quarantined with the reason while the rest of its page is stored, and a run that fails on the hub's own side
ends "failed" with the reason instead of staying "running"."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from engine.memshop import MemShop, make_order
from sqlalchemy import select

from ordersync.channels import registry
from ordersync.channels.sdk.cleantext import clean_record, clean_text
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderItemRow, OrderRow, QuarantineEntry, SyncRun
from ordersync.sync.connections import add_connection
from ordersync.sync.importer import import_orders

from .conftest import connect, start_shop


def test_clean_text_drops_nul_and_replaces_lone_surrogates():
    assert clean_text("Ev\x00a \ud800Muster") == "Eva \ufffdMuster"
    assert clean_text("Grüße 👋") == "Grüße 👋"
    order = make_order(1)
    order.items[0].attributes = {"Gr\x00öße": "X\x00L"}
    order.invoice_address.first_name = "E\x00va"
    clean_record(order)
    assert order.invoice_address.first_name == "Eva" and order.items[0].attributes == {"Größe": "XL"}


def test_a_nul_in_a_woocommerce_buyer_name_is_cleaned_and_the_page_stored(hub):
    shop = start_shop(6)
    ago = (utcnow() - timedelta(minutes=5)).replace(tzinfo=None).isoformat(timespec="seconds")
    try:
        made = shop.orders(
            {
                "create": [
                    {"billing": {"first_name": "Ev\x00a", "last_name": "Muster"}, "date_modified_gmt": ago},
                    {
                        "line_items": [
                            {
                                "raw": True,
                                "id": 91,
                                "name": "Ta\x00sse",
                                "product_id": 0,
                                "quantity": 1,
                                "total": "5.00",
                                "total_tax": "0.95",
                            }
                        ],
                        "date_modified_gmt": ago,
                    },
                ]
            }
        )
        conn = connect(hub, shop)
        result = import_orders(hub, conn)
        assert result.error == "" and result.created == 8 and result.quarantined == 0
        with hub.db.session() as s:
            names = set(s.scalars(select(OrderRow.buyer_name)))
            titles = set(s.scalars(select(OrderItemRow.title)))
            run = s.scalar(select(SyncRun).order_by(SyncRun.id.desc()))
        assert "Eva Muster" in names and "Tasse" in titles
        assert not any("\x00" in n for n in names) and run.status == "ok"
        assert len(made["created"]) == 2
    finally:
        shop.server.stop()


@pytest.fixture
def memshop(hub):
    MemShop.reset()
    registry.register(MemShop, replace=True)
    yield add_connection(hub, "memshop", "mem", {"token": "t0ps3cret"})
    registry.unregister("memshop")
    MemShop.reset()


def test_an_order_the_store_refuses_is_quarantined_and_the_rest_of_the_page_stored(hub, memshop):
    now = utcnow()
    for n in range(1, 4):  # one page of three
        MemShop.orders[str(n)] = make_order(n, modified=now - timedelta(hours=1, minutes=n))
    MemShop.orders["2"].items[0].quantity = Decimal("1e20")  # beyond NUMERIC(18, 4) on both databases
    result = import_orders(hub, memshop)
    assert (result.error, result.created, result.quarantined) == ("", 2, 1)
    with hub.db.session() as s:
        assert set(s.scalars(select(OrderRow.external_id))) == {"1", "3"}
        q = s.scalar(select(QuarantineEntry))
        run = s.scalar(select(SyncRun).order_by(SyncRun.id.desc()))
    assert q.external_id == "2" and "refused" in q.reason and "amount column" in q.reason and '"#2"' in q.raw
    assert run.status == "ok" and run.quarantined == 1 and run.created == 2


def test_a_run_failing_on_the_hubs_side_ends_failed_with_the_reason(hub, memshop):
    MemShop.orders["1"] = make_order(1, modified=utcnow() - timedelta(hours=1))

    def boom(page_no):
        raise RuntimeError("disk full")

    MemShop.on_page = boom
    with pytest.raises(RuntimeError):
        import_orders(hub, memshop)
    with hub.db.session() as s:
        run = s.scalar(select(SyncRun).order_by(SyncRun.id.desc()))
    assert run.status == "failed" and "disk full" in run.error and run.finished_at is not None
