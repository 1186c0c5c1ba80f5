"""`ordersync reconcile` as a seller uses it, against a small WooCommerce sandbox over loopback."""

from __future__ import annotations

import json
import os

import pytest

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.woocommerce.sandbox import create_sandbox

from .test_cli import cli, run_main  # noqa: F401 - cli: the runner fixture shared with test_cli


@pytest.fixture
def sandbox():
    box = create_sandbox(seed=5, orders=6, products=5)
    with serve_in_thread(box.app) as server:
        yield box, box.settings_for(server.base_url)


def test_a_seller_finds_an_order_the_hub_missed_and_imports_it_once(cli, sandbox):
    box, settings = sandbox
    cli("connections", "add", "woocommerce", "shop", "--no-webhooks", *[f"--set={k}={v}" for k, v in settings.items()])
    cli("sync", "shop")
    cli("articles", "import", "shop")
    missed = str(box.conform("create", {"count": 1, "webhook": False})["ids"][0])

    report = json.loads(cli("reconcile", "shop", "--since", "2000-01-01", "--json"))
    assert report["status"] == "done" and report["not_compared"] == {}
    assert report["kinds"]["orders_missing"]["count"] == 1
    assert report["kinds"]["orders_missing"]["rows"][0]["external_id"] == missed
    assert report["kinds"]["orders_unknown"]["count"] == 0
    text = cli("reconcile", "shop", "--show")
    assert "Orders the channel has and the hub lacks: 1  (mend: --mend import)" in text

    assert "shop: import: 1 done, 0 skipped, 0 failed" in cli("reconcile", "shop", "--mend", "import")
    assert "shop: import: 0 done, 1 skipped" in cli("reconcile", "shop", "--mend", "import")
    orders = json.loads(cli("orders", "list", "--json", "--limit", "100"))
    assert [o["external_id"] for o in orders].count(missed) == 1
    assert (
        json.loads(cli("reconcile", "shop", "--since", "2000-01-01", "--json"))["kinds"]["orders_missing"]["count"] == 0
    )

    assert "every 12 h; missing orders imported automatically" in cli(
        "reconcile", "shop", "--every", "12", "--auto-import"
    )
    again = str(box.conform("create", {"count": 1, "webhook": False})["ids"][0])
    auto = json.loads(cli("reconcile", "shop", "--json"))
    assert auto["kinds"]["orders_missing"]["imported_automatically"] is True
    orders = json.loads(cli("orders", "list", "--json", "--limit", "100"))
    assert again in [o["external_id"] for o in orders]


def test_reconcile_errors_are_one_line(tmp_path, database_url, sandbox):
    env = os.environ | {"ORDERSYNC_HOME": str(tmp_path / "home"), "ORDERSYNC_DATABASE_URL": database_url}
    _, settings = sandbox
    added = run_main(
        "connections",
        "add",
        "woocommerce",
        "shop",
        "--no-webhooks",
        *[f"--set={k}={v}" for k, v in settings.items()],
        env=env,
    )
    assert added.returncode == 0, added.stderr
    cases = [
        (("reconcile", "nosuchshop"), "no connection named 'nosuchshop'"),
        (("reconcile", "shop", "--since", "yesterday"), "give a day (2026-11-01)"),
        (("reconcile", "shop", "--since", "2999-01-01"), "is not in the past"),
        (("reconcile", "shop", "--show"), "has no reconciliation yet"),
        (("reconcile", "shop", "--every", "-1"), "out of range"),
    ]
    for args, expected in cases:
        result = run_main(*args, env=env)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.returncode != 0 and len(lines) == 1 and expected in lines[0], (args, result.stderr)
