"""What one Prometheus scrape of /metrics costs at 100,000 orders over 20 connections: the per-connection
figures are read from the database at each scrape (telemetry/gauges.py), so this is the query cost a 30 s
scrape interval adds. Prints one JSON document with the median of 5 scrapes, on SQLite and, where it runs,
PostgreSQL.

BENCH_METRICS_ORDERS (100000) and BENCH_METRICS_CONNECTIONS (20) set the size. Seeding writes through the
engine's own upsert, as bench/inbox.py does.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet
from inbox import order  # bench/inbox.py: the same orders the inbox benchmark seeds
from services import on_both_databases  # bench/services.py: bench/ is on sys.path when run

from ordersync.config import Config
from ordersync.store.db import upgrade
from ordersync.sync.connections import add_connection
from ordersync.sync.hub import Hub
from ordersync.sync.upsert import upsert_orders
from ordersync.telemetry.exposition import scrape

ORDERS = int(os.environ.get("BENCH_METRICS_ORDERS", "100000"))
CONNECTIONS = int(os.environ.get("BENCH_METRICS_CONNECTIONS", "20"))


def measure(url: str) -> dict:
    upgrade(url)
    hub = Hub.open(
        Config(
            home=Path(tempfile.mkdtemp()),
            database_url=url,
            base_url="http://127.0.0.1:9",
            master_key=Fernet.generate_key().decode(),
            redis_url=None,
        ),
        migrate=False,
    )
    conns = [add_connection(hub, "csv", f"shop{i}", {}) for i in range(CONNECTIONS)]
    account = hub.account_id()
    for start in range(0, ORDERS, 1000):
        with hub.db.session() as s:
            upsert_orders(
                s,
                account,
                conns[(start // 1000) % CONNECTIONS],
                [order(n) for n in range(start, min(ORDERS, start + 1000))],
            )
        print(f"\rseeding {min(ORDERS, start + 1000):,}/{ORDERS:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    if not hub.db.is_sqlite:
        with hub.db.engine.begin() as c:
            c.exec_driver_sql("ANALYZE")
    times, size = [], 0
    for _ in range(5):
        t = time.perf_counter()
        body, _ = scrape(hub)
        times.append((time.perf_counter() - t) * 1000)
        size = len(body)
    hub.close()
    return {
        "orders": ORDERS,
        "connections": CONNECTIONS,
        "scrape_median_ms": round(statistics.median(times), 1),
        "page_bytes": size,
    }


def main() -> None:
    print(json.dumps({"metrics_scrape": on_both_databases(measure, "metrics")}, indent=2), flush=True)


if __name__ == "__main__":
    main()
