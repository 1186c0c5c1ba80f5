"""`ordersync users ...` and `ordersync apikeys ...` as an operator uses them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ordersync import accounts
from ordersync.cli import app
from ordersync.config import load_config
from ordersync.sync.hub import Hub

BIN = Path(sys.executable).parent / "ordersync"


@pytest.fixture
def cli(tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("ORDERSYNC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ORDERSYNC_DATABASE_URL", database_url)
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> str:
        result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    return run


def test_operator_creates_users_and_api_keys(cli):
    out = cli(
        "users",
        "create",
        "Chef@Shop.example",
        "--role",
        "owner",
        "--account",
        "shop",
        "--password-stdin",
        input="a long secret phrase\n",
    )
    assert "created owner chef@shop.example in account 'shop'" in out and "a long secret" not in out
    out = cli("users", "create", "clerk@shop.example", "--role", "readonly", "--account", "shop")
    generated = out.split("password (shown once): ", 1)[1].split()[0]
    listing = cli("users", "list", "--account", "shop")
    assert "chef@shop.example" in listing and "clerk@shop.example" in listing and "readonly" in listing
    hub = Hub.open(load_config())
    try:
        assert accounts.authenticate(hub, "chef@shop.example", "a long secret phrase").role == "owner"
        assert accounts.authenticate(hub, "clerk@shop.example", generated) is not None
        out = cli("apikeys", "create", "chef@shop.example", "--label", "erp")
        line = next(x for x in out.splitlines() if "API key" in x)
        key = line.split()[-1]  # the key is the last thing on its line
        assert key.startswith("osk_") and accounts.user_for_api_key(hub, key).email == "chef@shop.example"
        keys = cli("apikeys", "list", "chef@shop.example")
        assert key[:12] in keys and "erp" in keys and key not in keys
        cli("apikeys", "revoke", "chef@shop.example", key[:12])
        assert accounts.user_for_api_key(hub, key) is None
        cli("users", "set-role", "clerk@shop.example", "staff")
        assert accounts.find_user(hub, "clerk@shop.example").role == "staff"
    finally:
        hub.close()


def test_errors_are_one_line_and_a_nonzero_exit(tmp_path, database_url):
    env = os.environ | {"ORDERSYNC_HOME": str(tmp_path / "home"), "ORDERSYNC_DATABASE_URL": database_url}
    cases = [
        (("users", "create", "x@y.example", "--role", "admin"), None, "unknown role 'admin'"),
        (("users", "create", "x@y.example", "--role", "staff", "--password-stdin"), "short\n", "too short"),
        (("users", "create", "x@y.example", "--role", "staff", "--password-stdin"), "", "nothing was read"),
        (("apikeys", "create", "ghost@y.example"), None, "no user with the e-mail 'ghost@y.example'"),
    ]
    for args, stdin, expected in cases:
        result = subprocess.run(
            [str(BIN), *args], env=env, input=stdin or "", capture_output=True, text=True, check=False, timeout=120
        )
        assert result.returncode != 0, args
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0], (args, result.stderr)
