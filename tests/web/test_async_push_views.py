"""Awaiting feeds and their per-item failures are visible: web UI (English and German), API health, CLI."""

from __future__ import annotations

from datetime import timedelta

from channels.feedshop.hub_setup import burst, connect, feed  # noqa: F401 - fixture
from typer.testing import CliRunner

from ordersync import readmodel
from ordersync.cli import app
from ordersync.domain.timeutil import utcnow
from ordersync.readmodel.shapes import connection_json
from ordersync.sync import dispatcher


def test_awaiting_jobs_and_the_platforms_reason_are_shown(hub, browser, feed, monkeypatch):
    conn_id = connect(hub, feed, account="A")
    burst(hub, account="A")
    dispatcher.dispatch(hub)
    job = feed.ledger("feed.submitted")[0]["resource_id"]
    account_id = hub.account_id("A")
    health = next(h for h in readmodel.connection_health(hub, account_id) if h.id == conn_id)
    assert health.awaiting == 3 and health.pending == 0 and connection_json(health)["OutboxAwaiting"] == 3
    for name, value in (
        ("HOME", str(hub.config.home)),
        ("DATABASE_URL", hub.config.database_url),
        ("MASTER_KEY", hub.config.master_key),
    ):
        monkeypatch.setenv(f"ORDERSYNC_{name}", value)
    listed = (
        CliRunner()
        .invoke(
            app,
            ["outbox", "list", "--status", "awaiting", "--account", "A"],
            catch_exceptions=False,
            terminal_width=200,
        )
        .output
    )
    assert listed.count(job) == 3

    assert "Awaiting the platform&#39;s result" in browser.get(f"/settings/shops/{conn_id}").text
    page = browser.get(f"/settings/shops/{conn_id}/dead").text
    assert job in page and "Awaiting the platform" in page
    browser.post("/language", {"lang": "de", "next": "/orders"})
    german = browser.get(f"/settings/shops/{conn_id}/dead").text
    assert "Warten auf das Ergebnis der Plattform" in german and "Nächste Abfrage" in german and job in german
    browser.post("/language", {"lang": "en", "next": "/orders"})

    feed.orders({"action": "reject_sku", "sku": "B-2", "reason": "Listing is blocked: missing GTIN"})
    feed.orders({"action": "process"})
    dispatcher.dispatch(hub, now=utcnow() + timedelta(minutes=2))
    page = browser.get(f"/settings/shops/{conn_id}/dead").text
    assert "Listing is blocked: missing GTIN" in page and "Awaiting the platform" not in page
    listed = (
        CliRunner()
        .invoke(
            app, ["outbox", "list", "--status", "dead", "--account", "A"], catch_exceptions=False, terminal_width=200
        )
        .output
    )
    assert "missing GTIN" in listed
