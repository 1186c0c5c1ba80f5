"""The command line as a seller uses it, against a WooCommerce sandbox over loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.cli import app

BIN = Path(sys.executable).parent / "ordersync"


@pytest.fixture
def cli(tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("ORDERSYNC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ORDERSYNC_DATABASE_URL", database_url)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    return run


@pytest.fixture
def shop():
    sandbox = create_sandbox(seed=4, orders=40, products=20)
    with serve_in_thread(sandbox.app) as server:
        yield sandbox.settings_for(server.base_url)


def test_a_seller_connects_imports_ships_and_sets_stock(cli, shop):
    assert "woocommerce" in cli("connections", "systems")
    sets = [f"--set={k}={v}" for k, v in shop.items()]
    assert "added connection 'shop'" in cli("connections", "add", "woocommerce", "shop", "--no-webhooks", *sets)
    assert "consumer_secret = ••••••" in cli("connections", "show", "shop")
    assert "shop: 40 read, 40 new" in cli("sync", "shop")
    orders = json.loads(cli("orders", "list", "--json", "--limit", "100"))
    assert len(orders) >= 35 and all(o["currency"] for o in orders)
    paid = next(o for o in orders if o["channel_status"] == "processing")
    cli("orders", "ship", str(paid["id"]), "--carrier", "DHL", "--tracking", "00340434161094042557")
    assert "Shipped" in cli("orders", "show", str(paid["id"]))
    assert "2 sent" in cli("dispatch")
    cli("articles", "import", "shop")
    articles = json.loads(cli("articles", "list", "--json"))
    sku = articles[0]["sku"]
    cli("stock", "set", sku, "12", "--reason", "inventory count")
    cli("stock", "add", sku, "3")
    assert f"{sku}: on hand 13," in cli("stock", "remove", sku, "2")
    after = {a["sku"]: a for a in json.loads(cli("articles", "list", "--json"))}[sku]
    assert after["on_hand"] == "13"
    history = cli("stock", "history", sku)
    assert "inventory count" in history and "+3" in history and "-2" in history


def run_main(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=120)


def test_every_error_is_one_line_and_a_nonzero_exit(tmp_path, database_url):
    import os

    env = os.environ | {"ORDERSYNC_HOME": str(tmp_path / "home"), "ORDERSYNC_DATABASE_URL": database_url}
    cases = [
        (("sync", "nosuchshop"), "no connection named 'nosuchshop'"),
        (("connections", "add", "woocomerce", "x"), "woocommerce"),  # a typo gets a suggestion
        (("connections", "add", "woocommerce", "x", "--set", "url=ftp://shop"), "not an http(s) URL"),
        (("orders", "set-state", "1", "flying"), "unknown order state 'flying'"),
        (("stock", "set", "NOPE", "1.5"), "must be a whole number"),
    ]
    for args, expected in cases:
        result = run_main(*args, env=env)
        assert result.returncode != 0, args
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], (args, result.stderr)
    # a typo in the operator's allow list stops every command at once with the setting's name, not each call later
    result = run_main("connections", "list", env=env | {"ORDERSYNC_ALLOW_PRIVATE_HOSTS": "10.0.0.0/33"})
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0 and len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ORDERSYNC_ALLOW_PRIVATE_HOSTS") and "10.0.0.0/33" in lines[0], lines


def test_outbox_commands_act_only_on_the_named_account(tmp_path, database_url, monkeypatch, shop):
    """A dead letter of account A is invisible to, and cannot be retried or discarded from, account B."""
    from ordersync.config import load_config
    from ordersync.domain.timeutil import utcnow
    from ordersync.store.models import Account, OutboxEntry
    from ordersync.sync.connections import add_connection
    from ordersync.sync.hub import Hub

    monkeypatch.setenv("ORDERSYNC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ORDERSYNC_DATABASE_URL", database_url)
    hub = Hub.open(load_config(), migrate=False)
    with hub.db.session() as s:
        s.add_all([Account(name="alpha", created_at=utcnow()), Account(name="beta", created_at=utcnow())])
    conn_id = add_connection(hub, "woocommerce", "shop-a", shop, account="alpha")
    with hub.db.session() as s:
        letter = OutboxEntry(
            account_id=hub.account_id("alpha", s),
            connection_id=conn_id,
            kind="state",
            payload="{}",
            status="dead",
            attempts=8,
            next_attempt_at=utcnow(),
            last_error="HTTP 500",
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        s.add(letter)
        s.flush()
        letter_id = letter.id
    hub.close()

    runner = CliRunner()
    foreign = runner.invoke(app, ["outbox", "retry", str(letter_id), "--account", "beta"])
    assert foreign.exit_code != 0 and f"no outbox entry with id {letter_id} in this account" in str(foreign.exception)
    assert "HTTP 500" not in runner.invoke(app, ["outbox", "list", "--account", "beta"]).output
    assert "HTTP 500" in runner.invoke(app, ["outbox", "list", "--account", "alpha"]).output
    assert "0 entries discarded" in runner.invoke(app, ["outbox", "discard", "--account", "beta"]).output
    assert "1 entries queued again" in runner.invoke(app, ["outbox", "retry", "--account", "alpha"]).output
