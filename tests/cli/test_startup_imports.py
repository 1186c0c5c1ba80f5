"""Commands that do not serve, print PDFs, send mail or check passwords do not load those modules (issue 15):
read from ``sys.modules`` when the entry point exits, in a fresh process (ordersync.devtools.startup, which
bench/cli_startup.py uses too)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ordersync.devtools.startup import HEAVY, OBSERVABILITY, heavy, loaded, probe

ORDERS_LIST = ["orders", "list", "--limit", "1"]


@pytest.fixture
def env(tmp_path, database_url) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERSYNC_")}
    return env | {"ORDERSYNC_HOME": str(tmp_path / "home"), "ORDERSYNC_DATABASE_URL": database_url}


def test_help_loads_no_web_pdf_mail_or_password_hashing_module(env):
    modules = loaded(["--help"], env)
    assert {"typer", "ordersync.cli", "ordersync.cli_commands.orders", "ordersync.cli_commands.users"} <= modules
    assert heavy(modules, HEAVY) == []
    assert heavy(modules, ("sqlalchemy", "alembic", "pydantic", "ordersync.store", "ordersync.hub")) == []


def test_orders_list_loads_no_web_pdf_mail_or_password_hashing_module(env):
    modules = loaded(ORDERS_LIST, env)
    assert {"ordersync.application.orders", "ordersync.store.core_tables"} <= modules
    assert heavy(modules, HEAVY) == []
    # typer from 0.29 on checks options with pydantic (~0.1 s a command): pyproject.toml keeps it below 0.29
    assert heavy(modules, ("pydantic", "pydantic_core")) == []


def test_orders_list_loads_no_orm(env):
    """`orders list` and the hub's account lookup read through Core tables (store/core_tables.py): neither the
    ORM nor a mapped class is imported, a fifth of the command's start (issue 15)."""
    modules = loaded(ORDERS_LIST, env)
    assert heavy(modules, ("ordersync.store.models", "ordersync.store.models_accounts", "ordersync.sync")) == []
    assert heavy(modules, ("sqlalchemy.orm", "ordersync.store.models_core", "ordersync.store.base")) == []
    if env["ORDERSYNC_DATABASE_URL"].startswith("sqlite"):  # the other tables' PostgreSQL index options load it
        assert heavy(modules, ("sqlalchemy.dialects.postgresql",)) == []


def test_the_core_tables_read_columns_of_the_mapped_tables():
    """Each column store/core_tables.py reads is one of the mapped table's, with the same type, so that a renamed
    or retyped column in models_core.py fails here rather than in a command."""
    from ordersync.store import core_tables, models_core

    for core, mapped in (
        (core_tables.ACCOUNTS, models_core.Account),
        (core_tables.CONNECTIONS, models_core.Connection),
        (core_tables.ORDERS, models_core.OrderRow),
    ):
        table = mapped.__table__
        assert core.name == table.name
        for col in core.columns:
            assert col.name in table.c, (table.name, col.name)
            assert type(col.type) is type(table.c[col.name].type), (table.name, col.name)


@pytest.mark.parametrize(
    "module", ["models_core", "models_accounts", "models_messaging", "models_reconcile", "models_erasure", "models"]
)
def test_each_table_module_alone_declares_the_tables_its_foreign_keys_name(module):
    """Importing the hub no longer declares accounts, connections and orders (it reads them through Core tables):
    a command that imports one table module alone, then writes a row, needs the tables its foreign keys name."""
    code = (
        "import importlib, sys; importlib.import_module('ordersync.store.' + sys.argv[1]);"
        "from ordersync.store.base import Base;"
        "[fk.column for t in Base.metadata.tables.values() for fk in t.foreign_keys]"
    )
    proc = subprocess.run([sys.executable, "-c", code, module], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_orders_list_without_an_allow_list_does_not_load_the_url_guard(env):
    """Reading the database calls no channel: the guard (and httpx behind it) is only loaded to check an allow
    list the operator set, which must still stop the start when malformed (tests/cli/test_cli.py)."""
    assert heavy(loaded(ORDERS_LIST, env), ("httpx", "httpcore", "ordersync.channels.sdk.urlguard")) == []
    with_list = loaded(ORDERS_LIST, env | {"ORDERSYNC_ALLOW_PRIVATE_HOSTS": "10.0.0.0/8"})
    assert "ordersync.channels.sdk.urlguard" in with_list


def test_orders_list_on_a_current_database_does_not_load_alembic(env):
    """The database fixture is migrated to the newest revision: nothing to migrate, so no Alembic at start."""
    assert heavy(loaded(ORDERS_LIST, env), ("alembic",)) == []


def test_a_command_that_uses_them_still_gets_them(env):
    """The lazy imports are inside the commands: `users create` hashes a password with argon2, and the probe
    sees it (and the command module cli.py loads with import_module)."""
    modules, out = probe(["users", "create", "a@example.com", "--role", "owner"], env)
    assert "created owner a@example.com" in out
    assert {"argon2", "ordersync.accounts.passwords", "ordersync.cli_commands.users"} <= modules


def test_an_engine_command_loads_no_metrics_or_log_rendering(env):
    """The engine binds log ids through plain contextvars (telemetry.context): `quarantine` loads the importer
    and still pays for neither prometheus_client nor structlog."""
    modules = loaded(["quarantine"], env)
    assert {"ordersync.sync.importer", "ordersync.telemetry.context"} <= modules
    assert heavy(modules, OBSERVABILITY) == []


def test_a_group_command_is_run_by_its_group_alone():
    """`ordersync orders list` builds the click commands of `orders` only (cli.app_for); anything that is not a
    group's name gets the whole app."""
    from ordersync.cli import app, app_for

    only = app_for(["orders", "list", "--limit", "1"])
    assert [g.name for g in only.registered_groups] == ["orders"]
    assert only.registered_commands == []
    assert len(app.registered_groups) > 1 and app.registered_commands  # the whole app is left as it was
    for args in ([], ["--help"], ["sync"], ["ordrs", "list"], ["--help", "orders"]):
        assert app_for(args) is app


@pytest.mark.parametrize("args", [["--help"], ["list", "--help"], ["lst"], []])
def test_every_group_alone_prints_what_the_whole_app_prints(args):
    """Help, usage and errors of each group are the same through the group alone as through the whole app."""
    from typer.testing import CliRunner

    from ordersync.cli import app, app_for

    runner = CliRunner()
    for group in app.registered_groups:
        words = [group.name, *args]
        alone, whole = runner.invoke(app_for(words), words), runner.invoke(app, words)
        assert app_for(words) is not app
        assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output), words


def test_the_lazy_domain_package_still_exports_every_name():
    """domain/__init__.py loads its names on first use; each is its module's own object."""
    import importlib

    import ordersync.domain as domain

    for name in domain.__all__:
        value = getattr(domain, name)
        assert getattr(importlib.import_module(value.__module__), name) is value
    with pytest.raises(AttributeError):
        domain.NoSuchName  # noqa: B018
