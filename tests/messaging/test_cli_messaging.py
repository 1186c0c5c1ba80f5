"""`ordersync mail ...`, `ordersync forwarding ...` and `ordersync forward` as a seller uses them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ordersync.cli import app
from ordersync.config import load_config
from ordersync.sync.hub import Hub, HubError

from .conftest import PASSWORD, USER
from .helpers import import_orders, order

BIN = Path(sys.executable).parent / "ordersync"
SECRET = "a-long-shared-signing-secret-1234"


@pytest.fixture
def env(tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("ORDERSYNC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ORDERSYNC_DATABASE_URL", database_url)
    return os.environ | {"ORDERSYNC_HOME": str(tmp_path / "home"), "ORDERSYNC_DATABASE_URL": database_url}


@pytest.fixture
def cli(env):
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> str:
        result = runner.invoke(app, list(args), input=stdin, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    return run


@pytest.fixture
def shop(env):
    """The hub the CLI uses, with a connection to a channel that has no messaging API."""
    from engine.memshop import MemShop

    from ordersync.channels import registry
    from ordersync.channels.sdk.capabilities import Capability, Mode, declare
    from ordersync.sync.connections import add_connection

    class MailOnlyShop(MemShop):
        system = "mailonly"
        display_name = "Mail-only shop (tests)"
        capabilities = (declare(Capability.IMPORT_ORDERS, Mode.POLL),)

    registry.register(MailOnlyShop, replace=True)
    hub = Hub.open(load_config())
    conn_id = add_connection(hub, "mailonly", "kleinshop", {"token": "t"})
    yield hub, conn_id
    hub.close()
    registry.unregister("mailonly")


def test_smtp_templates_and_a_message_from_the_command_line(cli, shop, starttls_server, certs, tmp_path):
    hub, conn_id = shop
    ca = tmp_path / "relay-ca.pem"
    ca.write_text(certs.cert_pem)
    assert "saved" in cli(
        "mail",
        "smtp",
        "set",
        "--host",
        "127.0.0.1",
        "--port",
        str(starttls_server.port),
        "--security",
        "starttls",
        "--user",
        USER,
        "--password-stdin",
        "--from",
        "shop@example.test",
        "--from-name",
        "Teeladen",
        "--ca-file",
        str(ca),
        stdin=PASSWORD + "\n",
    )
    shown = json.loads(cli("mail", "smtp", "show", "--json"))
    assert shown["password"] == "••••••" and shown["ca"] == "custom" and shown["security"] == "starttls"
    assert "logged in" in cli("mail", "smtp", "test")
    assert "test mail sent" in cli("mail", "smtp", "test", "--to", "ich@example.org")
    assert starttls_server.received[-1]["Subject"] == "ordersync: Testnachricht"
    listed = json.loads(cli("mail", "templates", "list", "--json"))
    assert {(t["kind"], t["language"]) for t in listed} == {
        (k, lang) for k in ("message", "state", "tracking", "forward") for lang in ("de", "en")
    }
    assert "{tracking_url}" in cli("mail", "templates", "list", "--placeholders")
    cli("mail", "templates", "set", "message", "de", "--subject", "{shop}: {subject}")
    assert "custom" in cli("mail", "templates", "list")
    (order_id,) = import_orders(hub, conn_id, order(1))
    assert "message queued" in cli("orders", "message", str(order_id), "--subject", "Frage", "--text", "Welche Größe?")
    assert "1 sent" in cli("dispatch")
    msg = starttls_server.received[-1]
    assert msg["Subject"] == "kleinshop: Frage" and "Welche Größe?" in msg.get_content()
    shown = " ".join(cli("orders", "show", str(order_id)).split())  # rich wraps long lines
    assert "mail: message mail to eva@example.org: kleinshop: Frage" in shown
    assert "on" in cli("mail", "notify", "kleinshop", "on", "--language", "en")
    assert "built-in" in cli("mail", "templates", "set", "message", "de", "--reset")


def test_forwarding_from_the_command_line(cli, shop, receiver):
    hub, conn_id = shop
    added = cli("forwarding", "targets", "add", "fulfiller", "--url", receiver.url, "--secret", SECRET)
    assert "added forwarding target 'fulfiller'" in added and SECRET not in added
    generated = cli("forwarding", "targets", "add", "other", "--url", receiver.url + "/x")
    assert "signing secret (shown once" in generated
    assert [t["name"] for t in json.loads(cli("forwarding", "targets", "list", "--json"))] == ["fulfiller", "other"]
    cli("forwarding", "targets", "remove", "other")
    assert "added rule" in cli(
        "forwarding", "rules", "add", "fulfiller", "--state", "paid", "--connection", "kleinshop"
    )
    (rule,) = json.loads(cli("forwarding", "rules", "list", "--json"))
    assert rule["state"] == "Paid" and rule["connection"] == "kleinshop"
    first, _ = import_orders(hub, conn_id, order(1), order(2))
    assert "2 forwards queued by rules, 2 sent" in cli("forwarding", "run")
    assert len(receiver.accepted) == 2
    with pytest.raises(HubError, match="already forwarded"):
        cli("forward", str(first), "--target", "fulfiller")
    cli("forwarding", "rules", "remove", str(rule["id"]))
    import_orders(hub, conn_id, order(3))
    receiver.respond = [500]
    assert "queued" in cli("forward", "1003", "--target", "fulfiller")
    assert "0 sent" in cli("forwarding", "run")
    (failed,) = json.loads(cli("forwarding", "list", "--failed", "--json"))
    assert failed["order"] == "1003" and "HTTP 500" in failed["last_error"] and failed["trigger"] == "manual"
    assert "1 forwards queued again" in cli("forwarding", "retry")
    assert "1 sent" in cli("forwarding", "run")
    assert json.loads(cli("forwarding", "list", "--failed", "--json")) == []
    assert len(json.loads(cli("forwarding", "list", "--json"))) == 3


def test_errors_are_one_line(env):
    cases = [
        (("mail", "templates", "set", "message", "de", "--body", "Hallo {kunde}"), "unknown placeholder {kunde}"),
        (("mail", "smtp", "test"), "no SMTP server is set up"),
        (("forward", "1", "--target", "nobody"), "no order '1'"),
        (("forwarding", "targets", "add", "x", "--url", "ftp://x"), "full http(s):// URL"),
        (("forwarding", "rules", "add", "nobody"), "no forwarding target named 'nobody'"),
    ]
    for args, expected in cases:
        result = subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=120, check=False)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.returncode != 0 and len(lines) == 1, (args, result.stderr)
        assert lines[0].startswith("error: ") and expected in lines[0], (args, result.stderr)
