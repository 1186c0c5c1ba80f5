"""Einstellungen / Shops through the UI, against a WooCommerce sandbox over real HTTP on loopback."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from ordersync import accounts
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.store.models import Connection, OrderRow, OutboxEntry
from ordersync.sync import connections as conns
from ordersync.sync.importer import import_orders
from ordersync.web.app import create_app

from .conftest import PASSWORD, Browser
from .seed import seed_account


@pytest.fixture
def shop():
    sandbox = create_sandbox(seed=3, orders=6, products=4)
    server = serve_in_thread(sandbox.app)
    yield sandbox.settings_for(server.base_url)
    server.stop()


def _form(settings: dict, name: str = "My shop") -> dict:
    return {"name": name, **{f"s_{k}": v for k, v in settings.items()}}


def _connection(hub) -> Connection:
    with hub.db.session() as s:
        return s.scalar(select(Connection))


def test_choose_a_system_grouped_and_searchable(browser):
    page = browser.get("/settings/shops/new").text
    for group in ("Marketplaces", "Shop systems", "ERP systems", "Files and e-mail"):
        assert group in page
    assert 'id="system-woocommerce"' in page and 'id="system-shopify"' in page
    found = browser.get("/settings/shops/new?q=woo").text
    assert 'id="system-woocommerce"' in found and 'id="system-shopify"' not in found
    assert browser.get("/settings/shops/new/nosuchsystem").status_code == 404


def test_guide_then_test_then_save(hub, browser, shop):
    page = browser.get("/settings/shops/new/woocommerce").text
    assert "Create a REST API key" in page and "Copy key and secret" in page
    assert page.index("Copy key and secret") < page.index('name="s_consumer_key"') < page.index("Enter the shop URL")
    bad = browser.post(
        "/settings/shops/new/woocommerce/test",
        _form(shop | {"consumer_secret": "cs_wrong"}),
        headers={"accept": "application/json"},
    )
    assert bad.status_code == 422 and not bad.json()["ok"] and "does not work yet" in bad.json()["message"]
    ok = browser.post("/settings/shops/new/woocommerce/test", _form(shop), headers={"accept": "application/json"})
    assert ok.status_code == 200 and ok.json()["ok"], ok.text
    missing = browser.post("/settings/shops/new/woocommerce", _form({"url": "ftp://x"}))
    assert missing.status_code == 400 and "This field is required." in missing.text
    assert "Enter an address that starts with https://" in missing.text
    r = browser.post("/settings/shops/new/woocommerce", _form(shop))
    assert r.status_code == 303, r.text
    row = _connection(hub)
    assert r.headers["location"] == f"/settings/shops/{row.id}"
    assert shop["consumer_secret"] not in row.settings_json and shop["consumer_secret"] not in (row.secrets or "")
    assert conns.settings_of(hub, row)["consumer_secret"] == shop["consumer_secret"]
    assert hub.secrets.open(row.state), "webhooks were registered and their state saved"
    detail = browser.get(r.headers["location"]).text
    assert "was saved" in detail and shop["consumer_secret"] not in detail and shop["consumer_key"] not in detail
    again = browser.post("/settings/shops/new/woocommerce", _form(shop))
    assert again.status_code == 400 and "You already have a connection with this name." in again.text


def test_a_failed_test_saves_nothing(hub, browser, shop):
    r = browser.post("/settings/shops/new/woocommerce", _form(shop | {"consumer_secret": "cs_wrong"}))
    assert r.status_code == 422 and "does not work yet" in r.text
    assert 'value="cs_wrong"' not in r.text  # a typed secret is never sent back either
    assert _connection(hub) is None


def test_edit_keeps_a_secret_left_empty(hub, browser, shop):
    conn_id = conns.add_connection(hub, "woocommerce", "Shop", shop, account="A")
    form = {
        "name": "Renamed",
        "poll_interval": "120",
        "s_url": shop["url"],
        "s_consumer_key": "",
        "s_consumer_secret": "",
    }
    assert browser.post(f"/settings/shops/{conn_id}", form).status_code == 303
    row = conns.load(hub, conn_id)
    assert (row.name, row.poll_interval) == ("Renamed", 120)
    assert conns.settings_of(hub, row)["consumer_secret"] == shop["consumer_secret"]
    form["s_consumer_secret"] = "cs_new"
    browser.post(f"/settings/shops/{conn_id}", form)
    assert conns.settings_of(hub, conns.load(hub, conn_id))["consumer_secret"] == "cs_new"
    r = browser.post(f"/settings/shops/{conn_id}", form | {"poll_interval": "1"})
    assert r.status_code == 400 and "between 10 and 86400" in r.text


def test_pause_resume_sync_now_progress_and_log(hub, browser, shop):
    conn_id = conns.add_connection(hub, "woocommerce", "Shop", shop, account="A")
    browser.post(f"/settings/shops/{conn_id}/pause")
    assert conns.load(hub, conn_id).paused
    r = browser.post(f"/settings/shops/{conn_id}/sync")
    assert r.headers["location"] == f"/settings/shops/{conn_id}"
    assert "This connection is paused" in browser.get(r.headers["location"]).text
    browser.post(f"/settings/shops/{conn_id}/resume")
    assert not conns.load(hub, conn_id).paused
    r = browser.post(f"/settings/shops/{conn_id}/sync")
    progress_url = r.headers["location"]
    assert progress_url.startswith(f"/settings/shops/{conn_id}/sync?since=")
    page = browser.get(progress_url)
    assert page.status_code == 200 and "Waiting for a worker" in page.text
    status_url = progress_url.replace("/sync?", "/sync/status?")
    assert browser.get(status_url).json()["state"] == "waiting"
    import_orders(hub, conn_id)  # what the worker does when the scheduler finds the connection due
    status = browser.get(status_url).json()
    assert status["done"] and status["state"] == "ok" and "6 new" in status["text"]
    assert "6 new" in browser.get(progress_url).text
    log = browser.get(f"/settings/shops/{conn_id}/log").text
    assert "Sync log" in log and ">6<" in log


def test_dead_letters_retry_and_discard(hub, browser):
    a = seed_account(hub, "X")  # another user in another account: the browser's owner is in account A
    b = Browser(browser.client.app)
    b.login(a.user.email)
    page = b.get(f"/settings/shops/{a.connection_id}/dead").text
    assert "HTTP 400 from X" in page
    b.post(f"/settings/shops/{a.connection_id}/dead/retry", [("ids", str(a.dead_id))])
    with hub.db.session() as s:
        assert s.get(OutboxEntry, a.dead_id).status == "pending"
        s.get(OutboxEntry, a.dead_id).status = "dead"
    b.post(f"/settings/shops/{a.connection_id}/dead/discard", [("ids", str(a.dead_id))])
    with hub.db.session() as s:
        assert s.get(OutboxEntry, a.dead_id).status == "discarded"
    assert "No dead letters" in b.get(f"/settings/shops/{a.connection_id}/dead").text


def test_delete_needs_the_name_and_keeps_the_orders(hub):
    a = seed_account(hub, "D")
    b = Browser(create_app(hub))
    b.login(a.user.email)
    assert "Type the name of the connection" in b.get(f"/settings/shops/{a.connection_id}/delete").text
    r = b.post(f"/settings/shops/{a.connection_id}/delete", {"confirm_name": "wrong"})
    assert r.headers["location"].endswith("/delete") and _connection(hub) is not None
    r = b.post(f"/settings/shops/{a.connection_id}/delete", {"confirm_name": a.connection_name})
    assert r.headers["location"] == "/settings/shops"
    with hub.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Connection)) == 0
        assert s.scalar(select(func.count()).select_from(OrderRow)) == len(a.order_ids)
    assert a.order_numbers[0] in b.get("/orders").text


def test_health_at_a_glance(hub):
    a = seed_account(hub, "H")
    b = Browser(create_app(hub))
    b.login(a.user.email)
    page = b.get("/settings/shops").text
    assert a.connection_name in page and "Dead letters" in page and "Last successful sync" in page
    assert f'href="/settings/shops/{a.connection_id}/dead">1<' in page.replace('class="badge orange" ', "")


@pytest.mark.parametrize("role", ["readonly", "staff"])
def test_roles_on_shop_pages(hub, role):
    a = seed_account(hub, "R")
    user = accounts.create_user(hub, f"{role}@r.example", PASSWORD, role, account_name=a.user.account_name)
    b = Browser(create_app(hub))
    b.login(user.email)
    detail = b.get(f"/settings/shops/{a.connection_id}").text
    assert a.connection_name in detail
    assert "Save changes" not in detail and "New" not in b.get("/settings/shops").text.split("<h1>")[1][:400]
    assert b.post(f"/settings/shops/{a.connection_id}", {"name": "x"}).status_code == 403
    assert b.post(f"/settings/shops/{a.connection_id}/delete", {"confirm_name": a.connection_name}).status_code == 403
    assert b.post("/settings/shops/new/woocommerce", {"name": "x"}).status_code == 403
    sync = b.post(f"/settings/shops/{a.connection_id}/sync")
    if role == "readonly":
        assert sync.status_code == 403 and "Sync now" not in detail
        assert b.post(f"/settings/shops/{a.connection_id}/pause").status_code == 403
    else:
        assert sync.status_code == 303 and "Sync now" in detail
    assert json.loads(conns.load(hub, a.connection_id).settings_json)  # unchanged, still there


def test_changing_the_shop_address_requires_the_secrets_again(hub, browser, shop):
    """A stored secret is never sent to an address it was not entered for: moving the connection to another
    host with the secret fields left empty is refused (400, naming the fields), and nothing is saved."""
    conn_id = conns.add_connection(hub, "woocommerce", "Shop", shop, account="A")
    moved = {
        "name": "Shop",
        "poll_interval": "120",
        "s_url": "https://collector.attacker.example",
        "s_consumer_key": "",
        "s_consumer_secret": "",
    }
    r = browser.post(f"/settings/shops/{conn_id}", moved)
    assert r.status_code == 400
    assert r.text.count("The address changed (Shop URL): enter this secret again.") == 2
    assert conns.settings_of(hub, conns.load(hub, conn_id))["url"] == shop["url"]
    port = browser.post(
        f"/settings/shops/{conn_id}", moved | {"s_url": shop["url"].replace(shop["url"].rsplit(":", 1)[1], "1")}
    )
    assert port.status_code == 400  # another port on the same host is another service
    same_host = browser.post(f"/settings/shops/{conn_id}", moved | {"s_url": shop["url"] + "/"})
    assert same_host.status_code == 303  # the same host: the stored secrets stay
    entered = browser.post(
        f"/settings/shops/{conn_id}", moved | {"s_consumer_key": "ck_other", "s_consumer_secret": "cs_other"}
    )
    assert entered.status_code == 303
    saved = conns.settings_of(hub, conns.load(hub, conn_id))
    assert (saved["url"], saved["consumer_secret"]) == ("https://collector.attacker.example", "cs_other")


def test_a_ca_bundle_is_checked_when_a_connection_is_saved(hub, browser, shop):
    conn_id = conns.add_connection(hub, "woocommerce", "Shop", shop, account="A")
    form = {
        "name": "Shop",
        "poll_interval": "120",
        "s_url": shop["url"],
        "s_consumer_key": "",
        "s_consumer_secret": "",
        "s_ca_bundle": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
    }
    r = browser.post(f"/settings/shops/{conn_id}", form)
    assert r.status_code == 400 and "not a CERTIFICATE" in r.text
    assert 'name="s_ca_bundle"' in browser.get(f"/settings/shops/{conn_id}").text
