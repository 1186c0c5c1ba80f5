"""Import throughput on PostgreSQL with 1, 2 and 4 `ordersync worker` processes (the scaling ratio).

SHOPS WooCommerce sandboxes (served by this process) hold ORDERS orders in total; each run starts from an
empty database, starts its workers, waits until they consume, then adds the connections and times until
every order is stored (or quarantined). Articles are read too and stock flows between the shops, as in
production. Prints one JSON document with orders/s per worker count and the ratio to one worker.

BENCH_IMPORT_ORDERS (20000), BENCH_IMPORT_SHOPS (8), BENCH_IMPORT_WORKERS ("1,2,4"), BENCH_IMPORT_THREADS
(threads per worker, 2).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).parent))
from scale_common import Services, start_workers, stop  # noqa: E402

from ordersync.channels.sdk.serving import serve_in_thread  # noqa: E402
from ordersync.channels.sdk.urlguard import allow_loopback  # noqa: E402
from ordersync.channels.woocommerce.sandbox import create_sandbox  # noqa: E402
from ordersync.store.models import OrderRow, QuarantineEntry  # noqa: E402
from ordersync.sync.connections import add_connection  # noqa: E402

allow_loopback()  # the benchmark talks to its own sandboxes on loopback, which the URL guard refuses by default

ORDERS = int(os.environ.get("BENCH_IMPORT_ORDERS", "20000"))
SHOPS = int(os.environ.get("BENCH_IMPORT_SHOPS", "8"))
WORKER_COUNTS = [int(x) for x in os.environ.get("BENCH_IMPORT_WORKERS", "1,2,4").split(",")]
THREADS = int(os.environ.get("BENCH_IMPORT_THREADS", "2"))


def run(workers: int, shops: list) -> dict:
    services = Services()
    procs = []
    try:
        hub = services.hub()
        procs = start_workers(services, workers, concurrency=THREADS)
        total = sum(1 for box, _ in shops for row in list(box.store.rows.values()) if row.status != "trash")
        began = time.monotonic()
        for i, (box, server) in enumerate(shops):
            add_connection(hub, "woocommerce", f"shop{i}", box.settings_for(server.base_url), poll_interval=5)
        done = 0
        while done < total and time.monotonic() - began < 1800:
            time.sleep(0.5)
            with hub.db.session() as s:
                done = s.scalar(select(func.count()).select_from(OrderRow)) + s.scalar(
                    select(func.count()).select_from(QuarantineEntry).where(QuarantineEntry.stream == "orders")
                )
        seconds = time.monotonic() - began
        hub.close()
        print(f"{workers} worker(s): {done} of {total} orders in {seconds:.1f}s", file=sys.stderr, flush=True)
        return {
            "workers": workers,
            "orders": done,
            "seconds": round(seconds, 1),
            "orders_per_s": round(done / seconds),
            "complete": done >= total,
        }
    finally:
        stop(procs)
        services.close()


def main() -> None:
    shops = []
    for i in range(SHOPS):
        box = create_sandbox(seed=300 + i, orders=ORDERS // SHOPS, products=20, catalog_seed=7, history_days=30)
        shops.append((box, serve_in_thread(box.app)))
    try:
        runs = [run(n, shops) for n in WORKER_COUNTS]
    finally:
        for box, server in shops:
            server.stop()
            box.close()
    base = next((r["orders_per_s"] for r in runs if r["workers"] == 1), runs[0]["orders_per_s"])
    for r in runs:
        r["ratio_to_one_worker"] = round(r["orders_per_s"] / base, 2)
    print(
        json.dumps({"import_scaling": {"shops": SHOPS, "threads_per_worker": THREADS, "runs": runs}}, indent=2),
        flush=True,
    )


if __name__ == "__main__":
    main()
