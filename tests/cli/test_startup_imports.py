"""Commands that do not serve, print PDFs, send mail or check passwords do not import those modules (issue 15):
read from `python -X importtime` in a fresh process, exactly as the `ordersync` entry point starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ENTRY = "import sys; sys.argv[0] = 'ordersync'; from ordersync.cli import main; main()"
HEAVY = (
    "starlette",
    "jinja2",
    "uvicorn",
    "fpdf",
    "argon2",
    "ordersync.web",
    "prometheus_client",
    "structlog",
)  # metrics and JSON logs: `serve` and `worker` only
MAIL = ("smtplib", "email.mime", "ordersync.mail", "ordersync.notify")


def imported(args: list[str], env: dict[str, str]) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", ENTRY, *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}


def heavy(modules: set[str], names=HEAVY) -> list[str]:
    return sorted(m for m in modules for h in names if m == h or m.startswith(h + "."))


@pytest.fixture
def env(tmp_path, database_url) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERSYNC_")}
    return env | {"ORDERSYNC_HOME": str(tmp_path / "home"), "ORDERSYNC_DATABASE_URL": database_url}


def test_help_imports_no_web_pdf_mail_or_password_hashing(env):
    modules = imported(["--help"], env)
    assert {"ordersync.cli", "typer"} <= modules  # the reading works
    assert heavy(modules, HEAVY + ("sqlalchemy", "alembic", "smtplib")) == []


def test_orders_list_imports_no_web_pdf_mail_or_password_hashing(env):
    modules = imported(["orders", "list", "--limit", "1"], env)
    assert "ordersync.store.models_core" in modules  # the reading works
    assert heavy(modules, HEAVY + MAIL) == []


def test_orders_list_without_an_allow_list_does_not_load_the_url_guard(env):
    """Reading the database calls no channel: the guard (and httpx behind it) is only loaded to check an allow
    list the operator set, which must still stop the start when malformed (tests/cli/test_cli.py)."""
    assert (
        heavy(
            imported(["orders", "list", "--limit", "1"], env), ("httpx", "httpcore", "ordersync.channels.sdk.urlguard")
        )
        == []
    )
    with_list = imported(["orders", "list", "--limit", "1"], env | {"ORDERSYNC_ALLOW_PRIVATE_HOSTS": "10.0.0.0/8"})
    assert "ordersync.channels.sdk.urlguard" in with_list


def test_orders_list_on_a_current_database_does_not_load_alembic(env):
    """The database fixture is migrated to the newest revision: nothing to migrate, so no Alembic at start."""
    assert heavy(imported(["orders", "list", "--limit", "1"], env), ("alembic",)) == []


def test_a_command_that_uses_them_still_gets_them(env):
    """The lazy imports are inside the commands: `users create` hashes a password with argon2."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", ENTRY, "users", "create", "a@example.com", "--role", "owner"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "created owner a@example.com" in proc.stdout
    assert "argon2" in {
        line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")
    }


def test_an_engine_command_imports_no_metrics_or_log_rendering(env):
    """The engine binds log ids through plain contextvars (telemetry.context): `quarantine` loads the importer
    and still pays for neither prometheus_client nor structlog."""
    modules = imported(["quarantine"], env)
    assert {"ordersync.sync.importer", "ordersync.telemetry.context"} <= modules
    assert heavy(modules) == []


# The same question asked of sys.modules at exit: every module loaded, however it was imported. -X importtime
# does not list a module loaded with importlib.import_module (cli.py loads cli_commands/ that way), so a heavy
# import at the top of a command module would be missed above.
PROBE = """\
import json, sys
sys.argv[0] = "ordersync"
from ordersync.cli import main
try:
    main()
except SystemExit as exc:
    if exc.code not in (0, None):
        raise
print("\\n" + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
WEB = (
    "ordersync.web",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "multipart",
    "python_multipart",
    "httptools",
    "uvloop",
)
PDF = ("fpdf", "fontTools", "ordersync.forwarding.documents")
MAIL_MODULES = (
    "smtplib",
    "imaplib",
    "imapclient",
    "email.mime",
    "ordersync.mail",
    "ordersync.notify",
    "ordersync.channels.email_import",
)
PASSWORD_HASHING = ("argon2", "_argon2_cffi_bindings", "ordersync.accounts.passwords")


def loaded(args: list[str], env: dict[str, str]) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return set(json.loads(proc.stderr.rstrip().rsplit("\n", 1)[-1]))


def test_help_loads_no_web_pdf_mail_or_password_hashing_module(env):
    modules = loaded(["--help"], env)
    assert {"typer", "ordersync.cli", "ordersync.cli_commands.orders", "ordersync.cli_commands.users"} <= modules
    assert heavy(modules, WEB + PDF + MAIL_MODULES + PASSWORD_HASHING) == []
    assert heavy(modules, ("sqlalchemy", "alembic", "pydantic", "ordersync.store", "ordersync.hub")) == []


def test_orders_list_loads_no_web_pdf_mail_or_password_hashing_module(env):
    modules = loaded(["orders", "list", "--limit", "1"], env)
    assert {"ordersync.application.orders", "ordersync.store.models_core"} <= modules
    assert heavy(modules, WEB + PDF + MAIL_MODULES + PASSWORD_HASHING + HEAVY) == []
    # typer from 0.29 on checks options with pydantic (~0.1 s a command): pyproject.toml keeps it below 0.29
    assert heavy(modules, ("pydantic", "pydantic_core")) == []


def test_orders_list_maps_only_the_tables_it_reads(env):
    """Declaring a mapped class is most of the cost of the schema's import (issue 15): `orders list` reads
    accounts, connections and orders, and models_core.py holds just these."""
    modules = loaded(["orders", "list", "--limit", "1"], env)
    assert heavy(modules, ("ordersync.store.models", "ordersync.store.models_accounts", "ordersync.sync")) == []
    if env["ORDERSYNC_DATABASE_URL"].startswith("sqlite"):  # the other tables' PostgreSQL index options load it
        assert heavy(modules, ("sqlalchemy.dialects.postgresql",)) == []


def test_the_probe_sees_what_a_command_loads(env):
    """`users create` hashes a password: the probe must report argon2 (and the import_module'd command module)."""
    modules = loaded(["users", "create", "b@example.com", "--role", "owner"], env)
    assert {"argon2", "ordersync.accounts.passwords", "ordersync.cli_commands.users"} <= modules


def test_the_lazy_domain_package_still_exports_every_name():
    """domain/__init__.py loads its names on first use; each is its module's own object."""
    import importlib

    import ordersync.domain as domain

    for name in domain.__all__:
        value = getattr(domain, name)
        assert getattr(importlib.import_module(value.__module__), name) is value
    with pytest.raises(AttributeError):
        domain.NoSuchName  # noqa: B018
