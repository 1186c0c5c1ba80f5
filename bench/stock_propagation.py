"""Stock propagation with 10 connections: from an order's import to every other listing updated.

Ten WooCommerce sandboxes (separate processes, one catalogue) are connected to one hub on SQLite (or
ORDERSYNC_BENCH_DB). Each trial places an order on one shop, imports it, and dispatches; the figure is the
time from the order stored to the last of the nine other shops having received its new stock value, as
`serve` does it (the sync task dispatches right after the import). Prints JSON with p50/p95 and the stock
calls per stock change. Figures depend on the machine: compare ratios.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import select

from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.config import Config
from ordersync.store.models import Listing
from ordersync.sync import dispatcher, stock
from ordersync.sync.articles import import_articles
from ordersync.sync.connections import add_connection
from ordersync.sync.hub import Hub
from ordersync.sync.importer import import_orders

allow_loopback()  # the benchmark talks to its own sandboxes on loopback, which the URL guard refuses by default

SHOPS = int(os.environ.get("BENCH_SHOPS", "10"))
TRIALS = int(os.environ.get("BENCH_TRIALS", "40"))


def start_shops() -> list[tuple[subprocess.Popen, dict]]:
    shops = []
    for _ in range(SHOPS):
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "ordersync"),
                "sandbox",
                "woocommerce",
                "--port",
                "0",
                "--orders",
                "0",
                "--seed",
                "99",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        shops.append((proc, json.loads(proc.stdout.readline())))
    return shops


def main() -> None:
    shops = start_shops()
    home = Path(tempfile.mkdtemp(prefix="ordersync-stockbench-"))
    url = os.environ.get("ORDERSYNC_BENCH_DB") or f"sqlite:///{home / 'hub.db'}"
    hub = Hub.open(
        Config(
            home=home,
            database_url=url,
            base_url="http://127.0.0.1:9",
            master_key=Fernet.generate_key().decode(),
            redis_url=None,
        )
    )
    try:
        conns = [add_connection(hub, "woocommerce", f"shop{i}", info["settings"]) for i, (_, info) in enumerate(shops)]
        for conn in conns:
            import_articles(hub, conn)
        with hub.db.session() as s:
            sku, product = s.execute(
                select(Listing.sku, Listing.product_external_id)
                .where(Listing.variant_external_id == "", Listing.article_id.is_not(None))
                .limit(1)
            ).one()
        controls = [httpx.Client(base_url=info["base_url"] + "/_sandbox", timeout=30) for _, info in shops]
        stock.correct(hub, sku, "set", 10_000)
        dispatcher.dispatch(hub)
        ledger_before = sum(len(c.get("/ledger", params={"kind": "product.stock"}).json()) for c in controls)
        latencies, changes = [], 0
        for trial in range(TRIALS):
            k = trial % SHOPS
            when = (datetime.now(UTC) - timedelta(seconds=30)).replace(tzinfo=None).isoformat(timespec="seconds")
            controls[k].post(
                "/orders",
                json={
                    "create": [
                        {
                            "status": "processing",
                            "line_items": [{"sku": sku, "quantity": 1}],
                            "date_created_gmt": when,
                            "date_modified_gmt": when,
                        }
                    ],
                    "webhook": False,
                },
            ).raise_for_status()
            import_orders(hub, conns[k])
            stored = time.perf_counter()
            dispatcher.dispatch(hub)
            latencies.append(time.perf_counter() - stored)
            changes += 1
        ledger_after = sum(len(c.get("/ledger", params={"kind": "product.stock"}).json()) for c in controls)
        latencies.sort()
        print(
            json.dumps(
                {
                    "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                    "database": url.split(":")[0],
                    "connections": SHOPS,
                    "trials": TRIALS,
                    "order_to_all_listings_p50_s": round(statistics.median(latencies), 3),
                    "order_to_all_listings_p95_s": round(latencies[int(len(latencies) * 0.95) - 1], 3),
                    "stock_calls_per_stock_change": round((ledger_after - ledger_before) / changes, 2),
                    "other_listings_per_change": SHOPS - 1,
                },
                indent=2,
            )
        )
    finally:
        hub.close()
        for proc, _ in shops:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
