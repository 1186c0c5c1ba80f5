"""The order inbox at 100,000 orders: how long the read model's queries take (the web app's inbox and the
REST API's order list both run them). Prints one JSON document with the median of 5 runs per query, on
SQLite and, where it runs, PostgreSQL.

BENCH_INBOX_ORDERS (100000) sets the size. Seeding writes through the engine's own upsert in batches.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from cryptography.fernet import Fernet
from services import on_both_databases  # bench/services.py: bench/ is on sys.path when run

from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.config import Config
from ordersync.domain import Address, Buyer, Order, OrderItem, OrderState
from ordersync.readmodel import OrderFilter, list_orders
from ordersync.store.db import upgrade
from ordersync.sync.connections import add_connection
from ordersync.sync.hub import Hub
from ordersync.sync.upsert import upsert_orders

allow_loopback()  # the benchmark talks to its own sandboxes on loopback, which the URL guard refuses by default

ORDERS = int(os.environ.get("BENCH_INBOX_ORDERS", "100000"))
T0 = datetime(2025, 1, 1, tzinfo=UTC)
STATES = (OrderState.PAID, OrderState.SHIPPED, OrderState.ORDERED, OrderState.CLOSED)


def order(n: int) -> Order:
    created = T0 + timedelta(minutes=7 * n)
    return Order(
        external_id=str(n),
        number=f"B{100000 + n}",
        state=STATES[n % 4],
        currency="EUR",
        created_at=created,
        updated_at=created,
        total=Decimal("19.90") + n % 300,
        buyer=Buyer(email=f"buyer{n}@example.com", first_name="Eva", last_name=f"Muster{n}"),
        items=[
            OrderItem(
                external_id=f"{n}-1",
                title="Tasse",
                quantity=Decimal(1),
                sku=f"SKU-{n % 500}",
                unit_price=Decimal("19.90"),
                total_price=Decimal("19.90"),
            )
        ],
        invoice_address=Address.from_lines(
            "Hauptstr. 5", first_name="Eva", last_name=f"Muster{n}", zip="10115", city="Berlin", country="DE"
        ),
    )


def measure(url: str) -> dict:
    upgrade(url)
    home = Path(tempfile.mkdtemp())
    hub = Hub.open(
        Config(
            home=home,
            database_url=url,
            base_url="http://127.0.0.1:9",
            master_key=Fernet.generate_key().decode(),
            redis_url=None,
        ),
        migrate=False,
    )
    conn = add_connection(hub, "csv", "bench", {})
    account = hub.account_id()
    started = time.perf_counter()
    for start in range(0, ORDERS, 1000):
        with hub.db.session() as s:
            upsert_orders(s, account, conn, [order(n) for n in range(start, min(ORDERS, start + 1000))])
        print(f"\rseeding {min(ORDERS, start + 1000):,}/{ORDERS:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    seeded = time.perf_counter() - started
    if not hub.db.is_sqlite:
        with hub.db.engine.begin() as c:
            c.exec_driver_sql("ANALYZE")
    queries = {
        "newest first, page 1": lambda: list_orders(hub, account, OrderFilter()),
        "newest first, page 1000": lambda: list_orders(hub, account, OrderFilter(), page=1000),
        "state Paid, page 1": lambda: list_orders(hub, account, OrderFilter(states=(int(OrderState.PAID),))),
        "created within one day": lambda: list_orders(
            hub, account, OrderFilter(created_from=T0 + timedelta(days=100), created_to=T0 + timedelta(days=101))
        ),
        "modified since (integrator polling)": lambda: list_orders(
            hub, account, OrderFilter(modified_from=datetime.now(UTC) - timedelta(hours=1)), sort="modified"
        ),
        "search one e-mail": lambda: list_orders(hub, account, OrderFilter(text="buyer4711@")),
        "search one order number": lambda: list_orders(hub, account, OrderFilter(text="B104711")),
        "search a SKU": lambda: list_orders(hub, account, OrderFilter(text="SKU-42")),
        "sort by total, page 1": lambda: list_orders(hub, account, OrderFilter(), sort="-total"),
    }
    result = {"orders": ORDERS, "seed_seconds": round(seeded, 1), "median_ms": {}}
    for label, run in queries.items():
        times = []
        for _ in range(5):
            t = time.perf_counter()
            run()
            times.append((time.perf_counter() - t) * 1000)
        result["median_ms"][label] = round(statistics.median(times), 1)
    hub.close()
    return result


def main() -> None:
    print(json.dumps({"inbox": on_both_databases(measure, "inbox")}, indent=2), flush=True)


if __name__ == "__main__":
    main()
