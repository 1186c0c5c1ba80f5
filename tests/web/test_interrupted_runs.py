"""A sync run whose worker is gone shows as interrupted (web sync log, API, CLI), not as running for ever."""

from __future__ import annotations

import json
import subprocess
import sys

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ordersync import accounts
from ordersync.cli import app as cli_app
from ordersync.sync import leases
from ordersync.sync.connections import add_connection
from ordersync.sync.synclog import recent_runs, start_run

# A worker in its own process: it takes the connection's lease, starts an order run and waits to be killed.
WORKER = """
import json, sys, time
from pathlib import Path
from ordersync.config import Config
from ordersync.sync.hub import Hub
from ordersync.sync import leases, synclog
c = json.loads(sys.argv[1])
hub = Hub.open(Config(home=Path(c["home"]), database_url=c["url"], base_url="http://127.0.0.1:9",
                      master_key=c["key"], redis_url=None), migrate=False)
owner = leases.owner_id()
assert leases.acquire(hub, c["conn"], owner)
print(synclog.start_run(hub, c["conn"], "orders"), flush=True)
time.sleep(600)
"""


def _connection(hub) -> int:
    return add_connection(
        hub,
        "woocommerce",
        "shop",
        {"url": "https://shop.example", "consumer_key": "ck_x", "consumer_secret": "cs_x"},
        account="A",
    )


def _status(hub, conn_id: int, run_id: int) -> str:
    return next(r.status for r in recent_runs(hub, conn_id) if r.id == run_id)


def test_a_killed_workers_run_shows_as_interrupted_everywhere(
    hub, hub_config, browser, owner, database_url, tmp_path, monkeypatch
):
    conn_id = _connection(hub)
    config = {"home": str(hub_config.home), "url": database_url, "key": hub_config.master_key, "conn": conn_id}
    worker = subprocess.Popen([sys.executable, "-c", WORKER, json.dumps(config)], stdout=subprocess.PIPE, text=True)
    try:
        run_id = int(worker.stdout.readline())
        assert _status(hub, conn_id, run_id) == "running"  # its worker is alive and holds the lease
        assert "Running" in browser.get(f"/settings/shops/{conn_id}/log").text
    finally:
        worker.kill()
        worker.wait()
        worker.stdout.close()

    assert _status(hub, conn_id, run_id) == "interrupted"  # the lease is still unexpired, the process is gone
    log = browser.get(f"/settings/shops/{conn_id}/log").text
    assert "Interrupted" in log and "Running" not in log

    key = accounts.create_api_key(hub, owner.email)
    with TestClient(browser.client.app) as client:
        r = client.get(f"/api/v1/connections/{conn_id}/syncruns", headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200
        assert [(x["Id"], x["Status"]) for x in r.json()["Data"]] == [(run_id, "interrupted")]
        other = client.get("/api/v1/connections/999999/syncruns", headers={"Authorization": f"Bearer {key}"})
        assert other.status_code == 404

    monkeypatch.setenv("ORDERSYNC_HOME", str(hub_config.home))
    monkeypatch.setenv("ORDERSYNC_DATABASE_URL", database_url)
    monkeypatch.setenv("ORDERSYNC_MASTER_KEY", hub_config.master_key)
    monkeypatch.setenv("COLUMNS", "200")  # the table must not shorten the status
    result = CliRunner().invoke(cli_app, ["connections", "show", "shop", "--account", "A"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "interrupted" in result.output and "running" not in result.output


def test_a_run_whose_lease_was_taken_over_is_interrupted(hub, owner):
    """A worker that stalled past its lease (alive, but another took over) no longer runs the sync."""
    conn_id = _connection(hub)
    owner = leases.owner_id()
    assert leases.acquire(hub, conn_id, owner)
    run_id = start_run(hub, conn_id, "orders")
    assert _status(hub, conn_id, run_id) == "running"
    leases.release(hub, conn_id, owner)
    assert leases.acquire(hub, conn_id, "other-host:4242:1")
    assert _status(hub, conn_id, run_id) == "interrupted"


def test_a_run_without_a_lease_runs_while_its_process_lives(hub, owner):
    """A CSV upload or an article import from the command line holds no lease: its live process keeps it."""
    conn_id = _connection(hub)
    run_id = start_run(hub, conn_id, "csv_upload")
    assert _status(hub, conn_id, run_id) == "running"
