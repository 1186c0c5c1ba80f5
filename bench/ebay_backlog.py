"""eBay: catch-up of a 10,000-order backlog through the hub (getOrders, 200 per page), at eBay's documented
call limits.

eBay limits calls per API per *day* (Sell Fulfillment 100,000 by default), not per second, so a backlog is
never throttled at the documented limit; what matters is how much of the day's quota the catch-up spends.
The connector's per-operation budget (sdk.operations) refills at the day's rate with an hour's share as
burst: utilisation here is the calls made over the calls the budget allowed during the run (burst included),
and the share of the daily quota. Prints JSON; figures depend on the machine.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet

from ordersync.channels.ebay.limits import DAILY, LIMITS
from ordersync.channels.ebay.sandbox import create_sandbox
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.config import Config
from ordersync.sync.connections import add_connection
from ordersync.sync.hub import Hub
from ordersync.sync.importer import import_orders

allow_loopback()  # the benchmark talks to its own sandbox on loopback, which the URL guard refuses by default

BACKLOG = int(os.environ.get("BENCH_EBAY_BACKLOG", "10000"))


def main() -> None:
    sandbox = create_sandbox(seed=11, orders=0)
    sandbox.control_orders({"create": [{"seconds_ago": 3600 + n} for n in range(BACKLOG)]})
    with tempfile.TemporaryDirectory() as tmp, serve_in_thread(sandbox.app) as server:
        home = Path(tmp)
        hub = Hub.open(
            Config(
                home=home,
                database_url=f"sqlite:///{home / 'hub.db'}",
                base_url="http://127.0.0.1:9",
                master_key=Fernet.generate_key().decode(),
                redis_url=None,
            )
        )
        conn = add_connection(hub, "ebay", "bench", sandbox.settings_for(server.base_url))
        started = time.perf_counter()
        result = import_orders(hub, conn)
        seconds = time.perf_counter() - started
        calls = [r for r in sandbox.requests.entries() if r["path"].startswith("/sell/fulfillment/v1/order")]
        op = next(o for o in LIMITS.operations if o.name == "fulfillment")
        allowed = op.burst + op.rate * seconds
        print(
            json.dumps(
                {
                    "backlog": BACKLOG,
                    "created": result.created,
                    "error": result.error,
                    "seconds": round(seconds, 2),
                    "orders_per_second": round(result.created / seconds, 1),
                    "calls": len(calls),
                    "calls_per_order": round(len(calls) / max(1, result.created), 4),
                    "throttled_429": sum(1 for r in sandbox.requests.entries() if r["status"] == 429),
                    "budget_utilisation": round(len(calls) / allowed, 4),
                    "daily_quota_share": round(len(calls) / DAILY["fulfillment"], 5),
                    "machine": platform.machine(),
                    "load": os.getloadavg()[0],
                },
                indent=2,
            )
        )
        hub.close()
    sandbox.close()


if __name__ == "__main__":
    main()
