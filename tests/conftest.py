"""Shared fixtures: a fresh hub database per test on SQLite and, where it runs, PostgreSQL.

PostgreSQL is found at ORDERSYNC_TEST_PG, else at the URL scripts/test_services.py stored in .ordersync-test/pg-url
(`make test` runs it first), else at postgresql+psycopg://postgres@127.0.0.1:5432/postgres.
Each test gets its own database cloned from a migrated template, so tests never see each other's rows.
Without PostgreSQL the PostgreSQL variants skip with the reason, except under CI=true, where they fail.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

# The CLI's tables are as wide as the terminal; tests read them, so they must not depend on the terminal the
# suite happens to run in (a pytest-xdist worker has none): one width for every run, set before the CLI's
# consoles are made.
os.environ["COLUMNS"] = "200"

from ordersync.config import Config  # noqa: E402
from ordersync.store.db import upgrade  # noqa: E402
from ordersync.sync.hub import Hub  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() == "true"
REPO_ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("ordersync_test_services", REPO_ROOT / "scripts" / "test_services.py")
services = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(services)
PG_ADMIN_URL = services.pg_url()
# the vendor specs the contract tests read; ORDERSYNC_SPECS points elsewhere (e.g. from a git worktree)
SHARED_SPECS = Path(os.environ.get("ORDERSYNC_SPECS") or REPO_ROOT.parent / "shared" / "specs")


def require_or_skip(ok: bool, reason: str) -> None:
    """Skip with a reason locally; in CI a missing prerequisite is a failure."""
    if ok:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def _pg_available() -> str | None:
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL not reachable at {services.shown(PG_ADMIN_URL)}: {type(exc).__name__}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tmpl") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> str:
    problem = _pg_available()
    require_or_skip(problem is None, problem or "")
    name = f"ordersync_tmpl_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    upgrade(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, sqlite_template) -> str:
    if request.param == "sqlite":
        path = tmp_path / "ordersync.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"ordersync_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def hub_config(tmp_path, database_url) -> Config:
    return Config(
        home=tmp_path / "home",
        database_url=database_url,
        base_url="http://127.0.0.1:9",
        master_key=Fernet.generate_key().decode(),
        redis_url=None,
    )


@pytest.fixture
def hub(hub_config) -> Hub:
    h = Hub.open(hub_config, migrate=False)
    yield h
    h.close()


@pytest.fixture(scope="session", autouse=True)
def _allow_loopback_sandboxes():
    """The sandboxes run on loopback, which the URL guard refuses by default: the test session allows it
    the way an operator would (ORDERSYNC_ALLOW_PRIVATE_HOSTS). Tests of the guard itself remove it."""
    from ordersync.channels.sdk.urlguard import ALLOW_ENV, allow_loopback

    before = os.environ.get(ALLOW_ENV)
    allow_loopback()
    yield
    if before is None:
        os.environ.pop(ALLOW_ENV, None)
    else:
        os.environ[ALLOW_ENV] = before
