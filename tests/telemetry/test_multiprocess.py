"""Values a worker process records reach the web process's /metrics through PROMETHEUS_MULTIPROC_DIR: two
worker processes each sync the shop and fail one token refresh; the web app's scrape shows the connection's
call-budget gauge and the failures of both, added up."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from ordersync.channels.sdk.urlguard import ALLOW_ENV

from .scrape import scrape, value

WORKER = textwrap.dedent("""
    import sys
    from ordersync.channels.sdk.oauth2 import Grant, OAuth2
    from ordersync.channels.sdk.oauth2_auth import OAuth2Auth
    from ordersync.config import load_config
    from ordersync.hub import Hub
    from ordersync.jobs.worker import prepare_process
    from ordersync.sync.importer import import_orders
    from ordersync.telemetry.context import bound

    connection_id, token_url = int(sys.argv[1]), sys.argv[2]
    hub = Hub.open(load_config(), migrate=False)
    prepare_process(hub)  # as `ordersync worker` does
    result = import_orders(hub, connection_id)
    assert not result.error, result.error
    with bound(connection_id=connection_id):
        try:
            OAuth2Auth(OAuth2(token_url=token_url, grants=(Grant.CLIENT_CREDENTIALS,)), {}).token()
        except Exception as exc:
            print("refresh failed:", exc)
    hub.close()
""")


def run_worker(hub, shop, shared_dir) -> None:
    config = hub.config
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERSYNC_") or k == ALLOW_ENV}
    env |= {
        "ORDERSYNC_HOME": str(config.home),
        "ORDERSYNC_DATABASE_URL": config.database_url,
        "ORDERSYNC_MASTER_KEY": config.master_key,
        "PROMETHEUS_MULTIPROC_DIR": str(shared_dir),
    }
    proc = subprocess.run(
        [sys.executable, "-c", WORKER, str(shop.connection_id), f"{shop.server.base_url}/no-token-endpoint"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "refresh failed" in proc.stdout


def test_a_workers_values_appear_in_the_web_process_scrape(hub, shop, local_client, tmp_path, monkeypatch):
    shared = tmp_path / "prometheus"
    shared.mkdir()
    run_worker(hub, shop, shared)
    run_worker(hub, shop, shared)
    assert len(list(shared.glob("counter_*.db"))) == 2  # one file per worker process

    (shared / "ordersync.db").write_bytes(b"SQLite format 3\x00" * 300)  # an operator's mistake: ignored

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(shared))
    samples = scrape(local_client)
    cid = str(shop.connection_id)
    assert value(samples, "ordersync_token_refresh_failures_total", connection_id=cid, reason="error") == 2
    used = value(samples, "ordersync_rate_budget_utilisation_ratio", connection_id=cid)
    assert used is not None and 0 <= used <= 1  # written by a worker (its value: test_sdk_reports.py)
    # and the database's figures beside them: the workers' import is in the store
    assert any(
        name == "ordersync_connection_orders_imported_total" and ("connection_id", cid) in labels and v == 5
        for (name, labels), v in samples.items()
    )


def test_a_missing_shared_directory_stops_the_start_with_its_name(hub, tmp_path, monkeypatch):
    from ordersync.web.app import create_app

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(ValueError, match=r"PROMETHEUS_MULTIPROC_DIR='.*nowhere': no such directory"):
        create_app(hub)
