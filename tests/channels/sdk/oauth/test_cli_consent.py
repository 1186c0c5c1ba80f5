"""`ordersync connections add` of a consent platform prints the consent address; `connections authorize
--callback` finishes it (state bound to the command line, single use); `--refresh-token` stores a pasted one."""

from __future__ import annotations

import re

import httpx
from typer.testing import CliRunner

from ordersync.cli import app as cli_app
from ordersync.sync import connections as conns
from ordersync.sync.oauth_tokens import DbTokenStore


def test_cli_consent_round_trip(hub, provider, monkeypatch):
    sandbox, base_url = provider
    for key, value in {
        "ORDERSYNC_HOME": str(hub.config.home),
        "ORDERSYNC_DATABASE_URL": hub.config.database_url,
        "ORDERSYNC_MASTER_KEY": hub.config.master_key,
        "ORDERSYNC_BASE_URL": hub.config.base_url,
        "COLUMNS": "2000",
    }.items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()
    sets = [arg for k, v in sandbox.settings_for(base_url).items() for arg in ("--set", f"{k}={v}")]
    added = runner.invoke(cli_app, ["connections", "add", "oauthdemo", "Demo", *sets], catch_exceptions=False)
    assert added.exit_code == 0, added.output
    url = re.search(r"(http://\S+/oauth/authorize\?\S+)", added.output).group(1)
    conn_id = conns.list_connections(hub)[0].id
    assert conns.load(hub, conn_id).auth_problem  # waits for consent
    back = httpx.get(url, follow_redirects=False).headers["location"]

    done = runner.invoke(cli_app, ["connections", "authorize", "Demo", "--callback", back])
    assert done.exit_code == 0, done.output
    assert conns.load(hub, conn_id).auth_problem is None
    assert DbTokenStore(hub, conn_id).load().refresh_token
    again = runner.invoke(cli_app, ["connections", "authorize", "Demo", "--callback", back])
    assert again.exit_code != 0 and "used already" in again.output + str(again.exception)

    pasted = runner.invoke(cli_app, ["connections", "authorize", "Demo", "--refresh-token", "pasted-token"])
    assert pasted.exit_code == 0, pasted.output
    assert DbTokenStore(hub, conn_id).load().refresh_token == "pasted-token"
