"""A revoked grant marks the connection "needs re-authorisation" (CLI list, Settings / Shops); polls stop
failing, pushes wait pending, and a new consent in the web app clears it."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import httpx
from typer.testing import CliRunner
from web.conftest import PASSWORD, Browser

from ordersync import accounts
from ordersync.cli import app as cli_app
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OutboxEntry
from ordersync.sync import connections as conns
from ordersync.sync import dispatcher, oauth_consent
from ordersync.sync.importer import import_orders
from ordersync.sync.oauth_tokens import DbTokenStore
from ordersync.web.app import create_app

from .conftest import consent


def _cli_list(hub, monkeypatch) -> list[dict]:
    for key, value in {
        "ORDERSYNC_HOME": str(hub.config.home),
        "ORDERSYNC_DATABASE_URL": hub.config.database_url,
        "ORDERSYNC_MASTER_KEY": hub.config.master_key,
    }.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(cli_app, ["connections", "list", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _german(hub) -> Browser:
    user = accounts.create_user(hub, "inhaber@a.example", PASSWORD, "owner", account_name="A")
    accounts.set_locale(hub, user.id, "de")
    browser = Browser(create_app(hub))
    browser.login("inhaber@a.example")
    return browser


def test_revoked_needs_reauthorisation_until_consent(hub, provider, monkeypatch):
    sandbox, base_url = provider
    accounts.create_user(hub, "owner@a.example", PASSWORD, "owner", account_name="A")
    browser = Browser(create_app(hub))
    browser.login("owner@a.example")

    # the wizard saves the connection and sends the seller to the consent page
    browser.get("/settings/shops/new/oauthdemo")
    sent = browser.post(
        "/settings/shops/new/oauthdemo",
        {"name": "Demo", **{f"s_{k}": v for k, v in sandbox.settings_for(base_url).items()}},
    )
    assert sent.status_code == 303 and sent.headers["location"].startswith(f"{base_url}/oauth/authorize?")
    conn_id = conns.list_connections(hub, "A")[0].id
    assert "Needs re-authorisation" in browser.get("/settings/shops").text  # waiting for consent
    back = httpx.get(sent.headers["location"], follow_redirects=False).headers["location"]
    query = urlsplit(back).query
    done = browser.get(f"/oauth/callback/oauthdemo?{query}")
    assert done.status_code == 303 and done.headers["location"] == f"/settings/shops/{conn_id}"
    assert browser.get(f"/oauth/callback/oauthdemo?{query}").status_code == 400  # single use
    assert not import_orders(hub, conn_id).error
    assert _cli_list(hub, monkeypatch)[0]["auth_problem"] is None

    # the platform revokes the grant: the next import marks the connection and nothing fails loudly
    sandbox.control_orders({"action": "revoke"})
    result = import_orders(hub, conn_id)
    assert result.skipped.startswith("needs re-authorisation") and not result.error
    row = conns.load(hub, conn_id)
    assert row.auth_problem and "invalid_grant" in row.auth_problem and row.last_error is None
    listed = _cli_list(hub, monkeypatch)[0]
    assert "invalid_grant" in listed["auth_problem"]
    monkeypatch.setenv("COLUMNS", "250")  # one line per row, as in a wide terminal
    plain = CliRunner().invoke(cli_app, ["connections", "list"], catch_exceptions=False).output
    assert "needs re-authorisation" in plain
    assert "Needs re-authorisation" in browser.get("/settings/shops").text
    assert "Authorise again" in browser.get(f"/settings/shops/{conn_id}").text
    assert "Neu autorisieren nötig" in _german(hub).get("/settings/shops").text

    # a push waits pending, unsent and uncounted; the next poll is skipped quietly
    now = utcnow()
    with hub.db.session() as s:
        s.add(
            OutboxEntry(
                account_id=row.account_id,
                connection_id=conn_id,
                kind="stock",
                payload=json.dumps({"product_external_id": "A", "quantity": 3}),
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
        )
    sent_before = len(sandbox.requests.entries())
    outcome = dispatcher.dispatch(hub, conn_id)
    assert outcome.sent == 0 and outcome.dead == 0 and outcome.waiting == 1
    with hub.db.session() as s:
        entry = s.query(OutboxEntry).one()
        assert (entry.status, entry.attempts) == ("pending", 0)
    assert import_orders(hub, conn_id).skipped.startswith("needs re-authorisation")
    assert len(sandbox.requests.entries()) == sent_before  # nothing was sent to the platform meanwhile

    # re-authorising in the web app clears the mark
    again = browser.post(f"/settings/shops/{conn_id}/authorize")
    assert again.status_code == 303
    back = httpx.get(again.headers["location"], follow_redirects=False).headers["location"]
    assert browser.get(f"/oauth/callback/oauthdemo?{urlsplit(back).query}").status_code == 303
    assert conns.load(hub, conn_id).auth_problem is None
    assert "Needs re-authorisation" not in browser.get("/settings/shops").text
    assert _cli_list(hub, monkeypatch)[0]["auth_problem"] is None
    assert not import_orders(hub, conn_id).error
    assert dispatcher.dispatch(hub, conn_id).sent == 1  # the push that waited goes out now, once
    assert [e["body"] for e in sandbox.ledger.entries("stock.set")] == [{"quantity": 3}]


def test_callback_with_foreign_or_bad_state_is_a_400_page(hub, provider, connection):
    accounts.create_user(hub, "owner@a.example", PASSWORD, "owner", account_name="A")
    browser = Browser(create_app(hub))
    browser.login("owner@a.example")
    state, code = consent(hub, connection, binding="someone else's session")
    for query in (f"state={state}&code={code}", f"state=bogus&code={code}", "code=x", "error=access_denied"):
        page = browser.get(f"/oauth/callback/oauthdemo?{query}")
        assert page.status_code == 400, (query, page.status_code)
        assert "authoris" in page.text
    assert conns.load(hub, connection).auth_problem is None
    user = accounts.create_user(hub, "inhaber@a.example", PASSWORD, "owner", account_name="A")
    accounts.set_locale(hub, user.id, "de")
    german = Browser(create_app(hub))
    german.login("inhaber@a.example")
    page = german.get(f"/oauth/callback/oauthdemo?state={state}&code={code}")
    assert page.status_code == 400 and "in einer anderen Sitzung" in page.text
    assert (
        oauth_consent.finish(hub, "oauthdemo", state, code, binding="someone else's session").connection_id
        == connection
    )  # the foreign attempts did not use the state up


def test_wizard_with_a_pasted_refresh_token_keeps_the_rotated_one(hub, provider):
    """Saving in the wizard tests the connection, which refreshes; on a rotating platform the pasted token is
    void afterwards, so the saved connection keeps the tokens the test got."""
    sandbox, base_url = provider
    sandbox.control_orders({"action": "configure", "rotate": True})
    sandbox.control_orders({"action": "grant_refresh_token", "token": "pasted-1"})
    accounts.create_user(hub, "owner@a.example", PASSWORD, "owner", account_name="A")
    browser = Browser(create_app(hub))
    browser.login("owner@a.example")
    browser.get("/settings/shops/new/oauthdemo")
    form = {f"s_{k}": v for k, v in sandbox.settings_for(base_url).items()} | {"s_refresh_token": "pasted-1"}
    saved = browser.post("/settings/shops/new/oauthdemo", {"name": "Private", **form})
    assert saved.status_code == 303 and saved.headers["location"].startswith("/settings/shops/"), saved.text
    conn_id = conns.list_connections(hub, "A")[0].id
    assert conns.load(hub, conn_id).auth_problem is None
    kept = DbTokenStore(hub, conn_id).load()
    assert kept.refresh_token and kept.refresh_token != "pasted-1"
    sandbox.control_orders({"action": "expire"})  # the next import must refresh with the kept token
    result = import_orders(hub, conn_id)
    assert not result.error and not result.skipped and conns.load(hub, conn_id).auth_problem is None
