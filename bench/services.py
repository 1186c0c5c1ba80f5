"""The PostgreSQL and Redis URLs of the benchmarks, found as the tests find them (scripts/test_services.py):
ORDERSYNC_TEST_PG / ORDERSYNC_TEST_REDIS, else the URLs `make test` or `make bench` stored in .ordersync-test/,
else the defaults on 127.0.0.1."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "ordersync_test_services", Path(__file__).resolve().parents[1] / "scripts" / "test_services.py")
_services = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_services)

PG_ADMIN = _services.pg_url()
REDIS_URL = _services.redis_url()
