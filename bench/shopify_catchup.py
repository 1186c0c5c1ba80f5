"""Shopify: paged catch-up of a 5,000-order backlog at the Plus plan's limits, and a 20,000-order backfill
through a bulk operation against the paged path.

The sandbox meters every query it admits (actual cost), refuses (THROTTLED) or rejects (over the single
query maximum). Budget utilisation counts from the moment the first full bucket is spent: the points
charged after it over the points the bucket restored in that time (1.0 = every restored point used).
Prints JSON; figures depend on the machine.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet

from ordersync.channels.sdk.ratelimit import registry
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.channels.shopify.sandbox import create_sandbox
from ordersync.config import Config
from ordersync.sync.connections import add_connection
from ordersync.sync.hub import Hub
from ordersync.sync.importer import import_orders

allow_loopback()  # the benchmark talks to its own sandboxes on loopback, which the URL guard refuses by default

PLUS = {"bucket_size": 10_000, "restore_rate": 1_000}  # VENDOR-FACTS: 1,000 points/s on Plus
BACKLOG = int(os.environ.get("BENCH_SHOPIFY_BACKLOG", "5000"))
BACKFILL = int(os.environ.get("BENCH_SHOPIFY_BACKFILL", "20000"))


def hub_for(home: Path) -> Hub:
    return Hub.open(
        Config(
            home=home,
            database_url=f"sqlite:///{home / 'hub.db'}",
            base_url="http://127.0.0.1:9",
            master_key=Fernet.generate_key().decode(),
            redis_url=None,
        )
    )


def run(orders: int, *, bulk: bool, **limits) -> tuple[dict, list]:
    registry.clear()
    sandbox = create_sandbox(seed=5, orders=orders, bulk_polls=1, **limits)
    with serve_in_thread(sandbox.app) as server:
        hub = hub_for(Path(tempfile.mkdtemp(prefix="ordersync-shopify-bench-")))
        conn = add_connection(hub, "shopify", "shop", sandbox.settings_for(server.base_url) | {"bulk_backfill": bulk})
        started = time.perf_counter()
        result = import_orders(hub, conn)
        seconds = time.perf_counter() - started
        hub.close()
    assert result.error == "" and result.created == orders, (result.error, result.created)
    return {"orders": orders, "seconds": round(seconds, 1), "orders_per_s": round(orders / seconds, 1)}, list(
        sandbox.bucket.meter
    )


def utilisation(meter: list, bucket: float, restore: float) -> dict:
    charged = [(t, p) for t, kind, p in meter if kind == "charged"]
    start, total, full_at = charged[0][0], 0.0, None
    for t, p in charged:
        total += p
        if full_at is None and total >= bucket:
            full_at, after_full = t, 0.0
        elif full_at is not None:
            after_full += p
    end = charged[-1][0]
    minute = start + 60
    return {
        "points_per_order": None,
        "utilisation_after_first_full_bucket": round(after_full / (restore * (end - full_at)), 2)
        if full_at and end > full_at
        else None,
        "throttled_after_first_minute": sum(1 for t, kind, _ in meter if kind == "throttled" and t > minute),
        "throttled_total": sum(1 for _, kind, _ in meter if kind == "throttled"),
        "rejected_over_max_cost": sum(1 for _, kind, _ in meter if kind == "max_cost"),
        "points_charged": round(total),
    }


def main() -> None:
    paged, meter = run(BACKLOG, bulk=False, **PLUS)
    paged |= utilisation(meter, PLUS["bucket_size"], PLUS["restore_rate"])
    paged["points_per_order"] = round(paged["points_charged"] / BACKLOG, 1)
    bulk, _ = run(BACKFILL, bulk=True, **PLUS)
    paged_rate = paged["orders_per_s"]
    print(
        json.dumps(
            {
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                "plan": "Plus (bucket 10,000, restore 1,000/s)",
                "paged_catch_up": paged,
                "bulk_backfill": bulk
                | {
                    "paged_path_estimate_s": round(BACKFILL / paged_rate, 1),
                    "speedup_vs_paged": round(BACKFILL / paged_rate / bulk["seconds"], 1),
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
