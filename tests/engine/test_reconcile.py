"""The reconciliation engine (ordersync.reconcile) against a tiny WooCommerce sandbox on loopback: what it
reports for orders changed or hidden behind the hub's back, one run at a time, resuming a dead worker's run
after its finished phases, the schedule, and connectors that cannot compare."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.domain.timeutil import utcnow
from ordersync.hub import HubError
from ordersync.reconcile import catalog, runs, schedule
from ordersync.reconcile.report import Differences
from ordersync.store.models import ArticleRow, Connection, Listing, OrderRow
from ordersync.store.models_reconcile import ReconcileRun, ReconcileSettings
from ordersync.sync import connections
from ordersync.sync.articles import import_articles
from ordersync.sync.connections import add_connection
from ordersync.sync.importer import import_orders


@pytest.fixture
def shop(hub):
    sandbox = create_sandbox(seed=9, orders=5, products=3)
    server = serve_in_thread(sandbox.app)
    conn = add_connection(hub, "woocommerce", "shop", sandbox.settings_for(server.base_url))
    import_orders(hub, conn)
    import_articles(hub, conn)
    yield sandbox, conn
    server.stop()


def _row(hub, run_id: int) -> ReconcileRun:
    with hub.db.session() as s:
        return s.get(ReconcileRun, run_id)


def _ids(found: runs.RunView, kind: str) -> set[str]:
    return {r.get("external_id") or r.get("sku") for r in found.report[kind]["rows"]}


def test_orders_changed_or_hidden_on_the_channel_are_reported_once_each(hub, shop):
    sandbox, conn = shop
    first = runs.run(hub, "shop", since=utcnow() - timedelta(days=3650))
    assert first.status == "done" and first.report["orders_missing"]["count"] == 0, first.report
    with hub.db.session() as s:
        ids = sorted(s.scalars(select(OrderRow.external_id)), key=int)
    changed, hidden = ids[0], ids[1]
    sandbox.control_orders({"update": [{"id": int(changed), "total": "999.99"}], "webhook": False})
    sandbox.conform("hide", {"ids": [hidden]})
    found = runs.run(hub, "shop", since=utcnow() - timedelta(days=3650))
    assert _ids(found, "orders_differ") == {changed}
    [row] = found.report["orders_differ"]["rows"]
    assert row["channel_total"] == "999.99" and "total" in row["what"]
    assert _ids(found, "orders_unknown") == {hidden}
    assert found.report["orders_unknown"]["rows"][0]["confirmed"] is True
    assert found.report["orders_missing"]["count"] == 0


def test_one_run_at_a_time_and_a_dead_workers_run_is_resumed_after_its_finished_phases(hub, shop):
    sandbox, conn = shop
    run_id = runs.start(hub, "shop", owner="worker-a")
    with pytest.raises(HubError, match="is running since"):
        runs.start(hub, "shop", owner="worker-b")
    marker = {"orders_unreadable": {"count": 1, "rows": [{"external_id": "kept", "reason": "from phase one"}]}}
    with hub.db.session() as s:  # worker-a finished the orders phase, then died: its lease runs out
        s.execute(
            update(ReconcileRun)
            .where(ReconcileRun.id == run_id)
            .values(phases=json.dumps({"orders": marker}), phase="catalog", lease_until=utcnow() - timedelta(seconds=1))
        )
    before = max((e["seq"] for e in sandbox.requests.entries()), default=0)
    assert runs.start(hub, "shop", owner="worker-b") == run_id
    found = runs.execute(hub, run_id, owner="worker-b")
    assert found.status == "done" and found.report["orders_unreadable"]["rows"][0]["external_id"] == "kept"
    paths = [e["path"] for e in sandbox.requests.entries(before)]
    assert paths and not any(p.endswith("/orders") for p in paths), paths  # orders were not read again
    with pytest.raises(Exception, match="taken over"):
        runs._write(hub, run_id, "worker-a", read=1)  # the dead worker, back, cannot write over it


def test_the_schedule_claims_each_due_run_once_and_can_be_turned_off(hub, shop):
    _, conn = shop
    assert schedule.due(hub) == []  # the first look gives the connection its row, due a day later
    assert schedule.get(hub, "shop").interval_hours == 24
    with hub.db.session() as s:
        s.execute(update(ReconcileSettings).values(next_run_at=utcnow() - timedelta(minutes=1)))
    assert schedule.due(hub) == [conn]
    assert schedule.due(hub) == []  # claimed: moved a day on
    with hub.db.session() as s:
        assert s.scalar(select(ReconcileSettings.next_run_at)) > utcnow() + timedelta(hours=23)
    schedule.set_settings(hub, "shop", interval_hours=0)
    with hub.db.session() as s:
        s.execute(update(ReconcileSettings).values(next_run_at=utcnow() - timedelta(minutes=1)))
    assert schedule.due(hub) == []
    with pytest.raises(HubError, match="out of range"):
        schedule.set_settings(hub, "shop", interval_hours=10_000)


def test_a_connector_without_reads_says_why_and_compares_nothing(hub):
    add_connection(hub, "csv", "files", {})  # file uploads: nothing to read back
    found = runs.run(hub, "files")
    assert found.status == "done" and found.differences == 0
    assert set(found.reasons) == {"orders", "stock", "listings"}
    assert "declares no reads" in found.reasons["orders"]


def test_a_run_stopped_by_an_error_of_the_hub_is_resumed_at_once(hub, shop, monkeypatch):
    from ordersync.reconcile import catalog

    def broken(*args, **kwargs):
        raise RuntimeError("the store went away")

    monkeypatch.setattr(catalog, "compare", broken)
    with pytest.raises(RuntimeError):
        runs.run(hub, "shop")
    monkeypatch.undo()
    run_id = runs.start(hub, "shop", owner="another-process")  # no waiting for the lease to run out
    found = runs.execute(hub, run_id, owner="another-process")
    assert found.status == "done" and found.id == 1
    assert "orders" in json.loads(_row(hub, run_id).phases)  # the orders phase was finished before the error


def test_the_comparison_skips_refund_details_and_an_automatic_import_reads_the_order_in_full(hub):
    sandbox = create_sandbox(seed=10, orders=8, products=3)  # two of its orders are refunded
    server = serve_in_thread(sandbox.app)
    conn = add_connection(hub, "woocommerce", "shop", sandbox.settings_for(server.base_url))
    import_orders(hub, conn)
    with hub.db.session() as s:
        refunded = s.scalars(select(OrderRow.external_id).where(OrderRow.refunded_amount > 0)).all()
    assert len(refunded) == 2
    [missing] = sandbox.control_orders({"create": [{"status": "refunded"}], "webhook": False})["created"]
    schedule.set_settings(hub, "shop", auto_import=True)
    marker = max(e["seq"] for e in sandbox.requests.entries())
    found = runs.run(hub, "shop", since=utcnow() - timedelta(days=3650))
    server.stop()
    assert _ids(found, "orders_missing") == {str(missing)} and found.report["orders_differ"]["count"] == 0
    refund_reads = [e["path"] for e in sandbox.requests.entries(marker) if e["path"].endswith("/refunds")]
    assert refund_reads == [f"/wp-json/wc/v3/orders/{missing}/refunds"]  # the import's full read only
    with hub.db.session() as s:
        assert s.scalar(select(OrderRow.refunded_amount).where(OrderRow.external_id == str(missing))) > 0


def test_a_listing_made_while_the_channel_is_read_is_not_reported_gone(hub, shop):
    """A product listed (and linked by an article import) after the read passed its page is absent from what
    was read, yet not gone: only listings the hub had when the read began can be judged missing."""
    _, conn = shop
    with hub.db.session() as s:
        row = s.get_one(Connection, conn)
        article_id = s.scalar(select(ArticleRow.id).limit(1))
    connector = connections.build_connector(hub, row)
    read_pages = connector.fetch_articles

    def linked(product: str) -> Listing:
        return Listing(
            account_id=row.account_id,
            connection_id=conn,
            article_id=article_id,
            product_external_id=product,
            updated_at=utcnow(),
        )

    def read_while_a_listing_is_made(window):
        for page in read_pages(window):
            with hub.db.session() as s:
                if s.scalar(select(Listing.id).where(Listing.product_external_id == "made-meanwhile")) is None:
                    s.add(linked("made-meanwhile"))
            yield page

    connector.fetch_articles = read_while_a_listing_is_made
    with hub.db.session() as s:  # a linked listing the channel no longer has: gone, and still reported
        s.add(linked("deleted-before"))
    diffs = Differences()
    catalog.compare(hub, row, connector, utcnow(), diffs, progress=lambda *_: None, stock=False, listings=True)
    gone = {r["product"] for r in diffs.as_json().get("listings_gone", {"rows": []})["rows"]}
    assert gone == {"deleted-before"}
