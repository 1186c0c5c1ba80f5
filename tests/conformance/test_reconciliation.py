"""Reconciliation (ordersync.reconcile) for every connector that declares its reads: the platform's data is
changed behind the hub's back (an order placed whose webhook never came and that no poll has read yet, a
stock figure edited in the shop's back office), and a run finds exactly those differences and mends them,
each once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from ordersync.channels.sdk.capabilities import Capability
from ordersync.channels.sdk.reconcile_reads import reads_of
from ordersync.domain.timeutil import utcnow
from ordersync.reconcile import mend, runs
from ordersync.store.models import ArticleRow, Listing, StockMovement
from ordersync.sync.importer import import_orders
from ordersync.sync.stock import availability

from .platforms import connectors_where, dispatch_until_settled, stock_listing, stored_ids


def _undeclared(cls) -> str | None:
    reads = reads_of(cls)
    if not (reads.orders and reads.stock):
        return f"{cls.system} declares no order and stock reads for a reconciliation"
    return None


def _counts(found: runs.RunView) -> dict[str, int]:
    return {kind: entry["count"] for kind, entry in found.report.items() if entry["count"]}


def _differences(found: runs.RunView) -> set[tuple]:
    """Each difference by what it is about and, for stock, the channel's figure."""
    return {
        (kind, row.get("sku") if kind.startswith(("stock_", "listings_")) else row["external_id"], row.get("channel"))
        for kind, entry in found.report.items()
        for row in entry["rows"]
    }


def _run(hub) -> runs.RunView:
    found = runs.run(hub, "shop", since=utcnow() - timedelta(hours=1))
    assert found.status == "done", found.error
    return found


def _stock_of(hub, sku: str) -> Decimal:
    with hub.db.session() as s:
        art = s.scalar(select(ArticleRow).where(ArticleRow.sku == sku))
        return availability(s, [art.id])[art.id].available


def _no_order_read(cls) -> str | None:
    return None if reads_of(cls).orders else f"{cls.system} declares no order read for a reconciliation"


@pytest.mark.parametrize("platform", connectors_where(_no_order_read), indirect=True)
def test_an_order_whose_webhook_was_lost_is_found_and_imported_once(hub, platform):
    platform.require("create", capability=Capability.IMPORT_ORDERS)
    conn = platform.connect(hub)
    platform.create(2)
    assert import_orders(hub, conn).created == 2
    assert not {k for k in _counts(_run(hub)) if k.startswith("orders_")}
    [hidden] = platform.create(1, webhook=False)
    found = _run(hub)
    assert {k: v for k, v in _counts(found).items() if k.startswith("orders_")} == {"orders_missing": 1}
    assert found.report["orders_missing"]["rows"][0]["external_id"] == hidden
    assert mend.mend(hub, found.id, "import").done == 1
    assert mend.mend(hub, found.id, "import").done == 0
    assert stored_ids(hub).count(hidden) == 1
    assert not {k for k in _counts(_run(hub)) if k.startswith("orders_")}


@pytest.mark.parametrize("platform", connectors_where(_undeclared), indirect=True)
def test_reconciliation_finds_what_changed_behind_the_hubs_back_and_mends_it(hub, platform):
    platform.require("create", "stockable", "edit_stock", "view", "effects", capability=Capability.SET_STOCK)
    conn = platform.connect(hub)
    sku = platform.act("stockable")["sku"]
    stock_listing(hub, platform, conn, sku)
    platform.create(2)
    assert import_orders(hub, conn).created == 2
    dispatch_until_settled(hub)
    baseline = _run(hub)  # what already differs (a sandbox may not lower its stock for the orders it made)
    assert not {k for k in _counts(baseline) if k.startswith("orders_")}, baseline.report

    [hidden] = platform.create(1, webhook=False)  # placed, its webhook lost, not yet polled
    shown = int(_stock_of(hub, sku))
    platform.act("edit_stock", sku=sku, stock=shown + 7)
    found = _run(hub)
    assert _differences(found) - _differences(baseline) == {
        ("orders_missing", hidden, None),
        ("stock_differs", sku, shown + 7),
    }, found.report
    assert _differences(baseline) - _differences(found) <= {
        ("stock_differs", sku, r["channel"]) for r in baseline.report["stock_differs"]["rows"]
    }

    imported = mend.mend(hub, found.id, "import")
    assert (imported.done, imported.failed) == (1, [])
    assert hidden in stored_ids(hub)
    assert mend.mend(hub, found.id, "import").done == 0  # exactly once: a second click finds it stored
    assert stored_ids(hub).count(hidden) == 1

    shown = int(_stock_of(hub, sku))  # the imported order may reserve a unit
    assert mend.mend(hub, found.id, "push").done == found.report["stock_differs"]["count"]
    dispatch_until_settled(hub)
    assert platform.act("view", sku=sku)["stock"] == shown
    assert platform.act("effects", capability="set_stock", sku=sku, value=shown)["count"] >= 1
    after = _run(hub)  # the listings pushed agree now (the imported order's own lines may differ on a sandbox
    assert not {k for k in _counts(after) if k.startswith("orders_")}  # that does not lower stock for orders)
    assert not {r["sku"] for r in after.report["stock_differs"]["rows"]} & {
        r["sku"] for r in found.report["stock_differs"]["rows"]
    }

    platform.act("edit_stock", sku=sku, stock=shown + 3)
    drifted = _run(hub)
    assert ("stock_differs", sku, shown + 3) in _differences(drifted)
    accepted = mend.mend(hub, drifted.id, "accept", who="conformance")
    assert accepted.done + accepted.skipped == drifted.report["stock_differs"]["count"] and accepted.done
    assert _stock_of(hub, sku) == shown + 3
    with hub.db.session() as s:
        listing = s.scalar(select(Listing).where(Listing.sku == sku, Listing.article_id.is_not(None)))
        reason = s.scalar(
            select(StockMovement.reason)
            .where(StockMovement.article_id == listing.article_id)
            .order_by(StockMovement.id.desc())
            .limit(1)
        )
        assert listing.channel_stock == shown + 3
    assert reason.startswith("reconciliation: accepted") and reason.endswith("by conformance")
    dispatch_until_settled(hub)
    assert platform.act("view", sku=sku)["stock"] == shown + 3  # nothing pushed back over the accepted figure
    assert not {k for k in _counts(_run(hub)) if k.startswith(("orders_", "stock_"))}


def test_a_connector_that_declares_a_lean_order_read_accepts_it():
    import inspect

    from ordersync.channels.registry import all_connectors

    lean = [cls for cls in all_connectors().values() if reads_of(cls).for_comparison]
    assert lean, "no connector declares a lean order read"
    for cls in lean:
        assert reads_of(cls).orders, f"{cls.system}: a lean order read without an order read"
        assert "for_comparison" in inspect.signature(cls.fetch_orders).parameters, cls.system
