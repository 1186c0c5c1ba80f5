"""The PostgreSQL and Redis URLs of the benchmarks, found as the tests find them (scripts/test_services.py):
ORDERSYNC_TEST_PG / ORDERSYNC_TEST_REDIS, else the URLs `make test` or `make bench` stored in .ordersync-test/,
else the defaults on 127.0.0.1."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "ordersync_test_services", Path(__file__).resolve().parents[1] / "scripts" / "test_services.py"
)
_services = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_services)

PG_ADMIN = _services.pg_url()
REDIS_URL = _services.redis_url()


def on_both_databases(measure: Callable[[str], dict], prefix: str) -> dict:
    """``measure(url)`` on a fresh SQLite file and, where it runs, a fresh PostgreSQL database (dropped after)."""
    import tempfile

    from sqlalchemy import create_engine, text

    report = {"sqlite": measure(f"sqlite:///{Path(tempfile.mkdtemp()) / (prefix + '.db')}")}
    try:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        name = f"ordersync_{prefix}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        print(f"PostgreSQL unavailable, skipped: {exc}", file=sys.stderr)
        return report
    try:
        report["postgresql"] = measure(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}")
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return report
