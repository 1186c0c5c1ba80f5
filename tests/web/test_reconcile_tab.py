"""Settings / Shops › Reconciliation through the UI, against a small WooCommerce sandbox on loopback."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from ordersync import accounts
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.domain.timeutil import utcnow
from ordersync.store.models_reconcile import ReconcileRun
from ordersync.sync.articles import import_articles
from ordersync.sync.connections import add_connection
from ordersync.sync.importer import import_orders

from .conftest import PASSWORD, Browser


@pytest.fixture
def shop():
    sandbox = create_sandbox(seed=3, orders=4, products=4)
    server = serve_in_thread(sandbox.app)
    yield sandbox, sandbox.settings_for(server.base_url)
    server.stop()


@pytest.fixture
def worker(hub, tmp_path, monkeypatch):
    """What a worker process does for a requested run: the scheduler's hand-out, then the queued task (run
    here in the test's process; the queue itself is Huey's)."""
    monkeypatch.setenv("ORDERSYNC_HOME", str(tmp_path))  # the queue file, if this imports the queue first
    from ordersync.jobs import queue, tasks
    from ordersync.jobs.scheduler import reconcile_requested

    queue.set_hub(hub)

    def work() -> list[dict]:
        return [tasks.reconcile_run.call_local(run_id, token) for run_id, token in reconcile_requested(hub)]

    yield work
    queue.set_hub(None)


def _status(browser: Browser, conn: int) -> dict:
    return browser.get(f"/settings/shops/{conn}/reconcile/status").json()


def test_a_seller_compares_sees_the_differences_and_imports_the_missing_order(hub, owner, browser, shop, worker):
    sandbox, settings = shop
    conn = add_connection(hub, "woocommerce", "shop", settings, account="A")
    import_orders(hub, conn)
    import_articles(hub, conn)
    assert "No reconciliation has run yet." in browser.get(f"/settings/shops/{conn}/reconcile").text
    missed = str(sandbox.conform("create", {"count": 1, "webhook": False})["ids"][0])

    assert browser.post(f"/settings/shops/{conn}/reconcile", {}).status_code == 303
    waiting = _status(browser, conn)  # the web process read nothing: the run waits for a worker
    assert waiting == {"state": "queued", "done": False, "text": "Waiting for a worker…"}
    assert browser.post(f"/settings/shops/{conn}/reconcile", {}).status_code == 303  # a second click: same run
    [result] = worker()
    assert result["status"] == "done" and result["differences"] >= 1
    assert worker() == []  # handed out once
    assert _status(browser, conn)["state"] == "ok"
    page = browser.get(f"/settings/shops/{conn}/reconcile").text
    assert 'id="kind-orders_missing"' in page and "Import the missing orders" in page and missed in page
    assert "Last run:" in page
    listing = browser.get("/settings/shops").text
    assert "reconcile-differs" in listing and f"/settings/shops/{conn}/reconcile" in listing

    run_id = page.split('name="run" value="')[1].split('"')[0]
    done = browser.post(f"/settings/shops/{conn}/reconcile/mend", {"action": "import", "run": run_id})
    assert done.status_code == 303
    assert "1 missing order imported." in browser.get(done.headers["location"]).text
    again = browser.post(f"/settings/shops/{conn}/reconcile/mend", {"action": "import", "run": run_id})
    assert "0 missing orders imported." in browser.get(again.headers["location"]).text
    stale = browser.post(f"/settings/shops/{conn}/reconcile/mend", {"action": "import", "run": "999999"})
    assert "no longer the newest" in browser.get(stale.headers["location"]).text

    bad = browser.post(f"/settings/shops/{conn}/reconcile/settings", {"interval_hours": "soon"})
    assert "whole number of hours" in browser.get(bad.headers["location"]).text
    saved = browser.post(f"/settings/shops/{conn}/reconcile/settings", {"interval_hours": "6", "auto_import": "1"})
    page = browser.get(saved.headers["location"]).text
    assert "were saved" in page and 'value="6"' in page and "Next run:" in page
    assert browser.post(f"/settings/shops/{conn}/reconcile", {}, csrf=False).status_code == 403

    accounts.set_locale(hub, owner.id, "de")
    text = browser.get(f"/settings/shops/{conn}/reconcile").text
    assert "Abgleich" in text and "Bestellungen, die der Kanal hat und dem Hub fehlen" in text


def test_a_read_only_user_sees_the_report_but_cannot_start_or_mend(hub, app, owner, shop):
    _, settings = shop
    conn = add_connection(hub, "woocommerce", "shop", settings, account="A")
    accounts.create_user(hub, "ro@a.example", PASSWORD, "readonly", account_name="A")
    reader = Browser(app)
    reader.login("ro@a.example")
    page = reader.get(f"/settings/shops/{conn}/reconcile")
    assert page.status_code == 200 and "Compare now" not in page.text
    assert reader.post(f"/settings/shops/{conn}/reconcile", {}).status_code == 403
    assert reader.post(f"/settings/shops/{conn}/reconcile/mend", {"action": "import", "run": "1"}).status_code == 403
    assert reader.get("/settings/shops/999999/reconcile").status_code == 404


def test_a_requested_run_goes_to_one_worker_and_a_lost_one_is_resumed_by_the_next_start(
    hub, owner, browser, shop, worker
):
    from ordersync.jobs import tasks
    from ordersync.reconcile import runs

    _, settings = shop
    conn = add_connection(hub, "woocommerce", "shop", settings, account="A")
    browser.post(f"/settings/shops/{conn}/reconcile", {})
    [(run_id, token)] = runs.hand_out(hub)  # one scheduler announced it; its worker died before taking it
    assert runs.hand_out(hub) == []
    refused = browser.post(f"/settings/shops/{conn}/reconcile", {})
    assert "is running since" in browser.get(refused.headers["location"]).text  # the handed-out lease lives
    with hub.db.session() as s:
        s.execute(update(ReconcileRun).where(ReconcileRun.id == run_id).values(lease_until=utcnow()))
    browser.post(f"/settings/shops/{conn}/reconcile", {})  # the lease ran out: requested again, same run
    [result] = worker()
    assert result == {"run": run_id, "status": "done", "differences": result["differences"]}
    assert tasks.reconcile_run.call_local(run_id, token)["skipped"]  # the lost task, found late, does nothing
    assert runs.load(hub, run_id).status == "done"
