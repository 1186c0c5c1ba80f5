"""Amazon (issue 12): a backlog of orders with 2.5 items each imported at the sandbox's usage plans, and a
burst of stock changes pushed as feeds.

The sandbox runs Amazon's usage plans with every rate multiplied by BENCH_AMAZON_SCALE (default 200; the
burst stays Amazon's), so the import is bound by ``getOrderItems`` as it is on Amazon, only faster. The
connector learns the scaled rates from ``x-amzn-RateLimit-Limit``. Figures: calls per operation, the
minimum time the limits allow for them, the time taken, the budget utilisation on ``getOrderItems``
(minimum time / time taken; goal ≥ 0.9), throttled requests (goal 0), and how many feeds
BENCH_AMAZON_STOCK stock changes need when handed to the connector in one call (goal ≤ 3; the same burst
through the engine's dispatcher is measured by amazon_stock_feeds.py).

BENCH_AMAZON_ORDERS (default 2000; the issue's figure is 10000) sets the backlog. Prints one JSON document.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from ordersync.channels.amazon.connector import AmazonConnector
from ordersync.channels.amazon.sandbox import create_sandbox
from ordersync.channels.amazon.sandbox.usage_plans import PLANS
from ordersync.channels.sdk.records import Window
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.domain import StockUpdate

ORDERS = int(os.environ.get("BENCH_AMAZON_ORDERS", "2000"))
SCALE = float(os.environ.get("BENCH_AMAZON_SCALE", "200"))
STOCK = int(os.environ.get("BENCH_AMAZON_STOCK", "5000"))


def minimum_seconds(calls: int, operation: str) -> float:
    rate, burst = PLANS[operation]
    return max(0.0, (calls - burst) / (rate * SCALE))


def main() -> None:
    allow_loopback()
    sandbox = create_sandbox(seed=12, orders=0)
    placed = datetime.now(UTC) - timedelta(days=1)
    for n in range(ORDERS):
        sandbox.seller.add_order(
            placed=placed + timedelta(seconds=n), marketplace=sandbox.marketplace_ids[n % 2], lines=2 if n % 2 else 3
        )
    report: dict = {"orders": ORDERS, "scale": SCALE}
    with serve_in_thread(sandbox.app) as server:
        sandbox.control_orders({"action": "configure", "scale": SCALE, "feed_seconds": 0})
        connector = AmazonConnector(sandbox.settings_for(server.base_url))
        started = time.monotonic()
        imported = sum(
            len(p.records) for p in connector.fetch_orders(Window(placed - timedelta(hours=1), datetime.now(UTC)))
        )
        took = time.monotonic() - started
        calls = Counter(
            ("getOrderItems" if r["path"].endswith("/orderItems") else r["path"].rsplit("/", 1)[-1])
            for r in sandbox.requests.entries()
            if r["path"].startswith("/orders/")
        )
        items_min = minimum_seconds(calls["getOrderItems"], "getOrderItems")
        report["import"] = {
            "imported": imported,
            "seconds": round(took, 2),
            "calls": dict(calls),
            "items_per_order": round(sum(len(v) for v in sandbox.seller.items.values()) / ORDERS, 2),
            "getOrderItems_minimum_seconds": round(items_min, 2),
            "getOrderItems_utilisation": round(items_min / took, 3) if took else None,
            "getOrders_minimum_seconds": round(minimum_seconds(calls["orders"], "getOrders"), 2),
            "throttled": sandbox.plans.throttled,
        }
        sandbox.control_orders({"action": "listings", "count": STOCK})
        skus = sorted(sandbox.seller.listings)[:STOCK]
        before = len(sandbox.ledger.entries("feed.create"))
        started = time.monotonic()
        results = connector.push_stock([StockUpdate(product_external_id=s, quantity=3, sku=s) for s in skus])
        report["stock"] = {
            "changes": len(skus),
            "feeds_one_call": len(sandbox.ledger.entries("feed.create")) - before,
            "jobs": len({r.job_id for r in results}),
            "seconds": round(time.monotonic() - started, 2),
            "throttled": sandbox.plans.throttled,
        }
        connector.close()
    sandbox.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
