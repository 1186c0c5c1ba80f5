"""Fixtures for the scale-out tests: a private slice of the real Redis, and a PostgreSQL database of its own.

Redis is found at ORDERSYNC_TEST_REDIS, else at the URL stored in .ordersync-test/redis-url, else at
redis://127.0.0.1:6379/0 (see scripts/test_services.py). Every test gets a key prefix of
its own (queue, budgets, gates), so parallel runs never take each other's tasks; its keys are deleted after.
"""

from __future__ import annotations

import re
import uuid

import pytest
from conftest import PG_ADMIN_URL, require_or_skip, services
from sqlalchemy import create_engine, text

REDIS_URL = services.redis_url()


def _redis_problem() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return None
    except Exception as exc:  # noqa: BLE001
        return f"Redis not reachable at {services.shown(REDIS_URL)}: {type(exc).__name__}"


@pytest.fixture
def redis_prefix() -> str:
    """A fresh key prefix on the test Redis; everything under it is removed afterwards."""
    import redis

    problem = _redis_problem()
    require_or_skip(problem is None, problem or "")
    prefix = f"ordersync-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for pattern in (f"{prefix}*", f"huey.*{re.sub('[^A-Za-z0-9_]', '', prefix)}"):  # Huey strips the dashes
        keys = list(client.scan_iter(pattern, count=1000))
        if keys:
            client.delete(*keys)
    client.close()


@pytest.fixture
def pg_url(pg_template) -> str:
    """A PostgreSQL database cloned from the migrated template (worker processes need a real server)."""
    name = f"scale_{uuid.uuid4().hex[:12]}"  # not ordersync_*: other runs on a shared server sweep those
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
