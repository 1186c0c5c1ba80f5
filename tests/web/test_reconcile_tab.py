"""Settings / Shops › Reconciliation through the UI, against a small WooCommerce sandbox on loopback."""

from __future__ import annotations

import time

import pytest

from ordersync import accounts
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.woocommerce.sandbox import create_sandbox
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


def _wait_done(browser: Browser, conn: int) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = browser.get(f"/settings/shops/{conn}/reconcile/status").json()
        if status["done"]:
            return status
        time.sleep(0.2)
    raise AssertionError("the reconciliation did not finish within 60 s")


def test_a_seller_compares_sees_the_differences_and_imports_the_missing_order(hub, owner, browser, shop):
    sandbox, settings = shop
    conn = add_connection(hub, "woocommerce", "shop", settings, account="A")
    import_orders(hub, conn)
    import_articles(hub, conn)
    assert "No reconciliation has run yet." in browser.get(f"/settings/shops/{conn}/reconcile").text
    missed = str(sandbox.conform("create", {"count": 1, "webhook": False})["ids"][0])

    assert browser.post(f"/settings/shops/{conn}/reconcile", {}).status_code == 303
    assert _wait_done(browser, conn)["state"] == "ok"
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
