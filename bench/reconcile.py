"""The cost of one reconciliation against the WooCommerce sandbox on loopback: the API calls it takes for
ORDERS orders and PRODUCTS products (their listings, variations included), by kind, the seconds it took
here, and how long those calls last at the connection's own rate budget (WooCommerce documents no API
limit; the connector keeps to 25 calls/s with bursts of 50, an assumption of ours). The hub is filled first
by the ordinary import (not counted); then a few orders are placed and stock figures edited behind its back,
so the run has something to find. Prints one JSON document.

Usage: python bench/reconcile.py [ORDERS] [PRODUCTS]   (default 10000 2000)
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.config import Config
from ordersync.hub import Hub
from ordersync.reconcile import runs
from ordersync.store.models import Listing
from ordersync.sync.articles import import_articles
from ordersync.sync.connections import add_connection
from ordersync.sync.importer import import_orders

CALLS_PER_SECOND, BURST = 25, 50  # the WooCommerce client's default budget (channels/woocommerce/client.py)
DRIFT = 5  # orders placed and stock figures edited behind the hub's back


def _kind(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    tail = parts[3:] if len(parts) > 3 else parts  # /wp-json/wc/v3/<resource>/...
    return "/".join("{id}" if p.isdigit() else p for p in tail)


def main() -> None:
    allow_loopback()
    orders = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    products = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000
    home = Path(tempfile.mkdtemp(prefix="ordersync-bench-reconcile-"))
    sandbox = create_sandbox(seed=11, orders=orders, products=products, history_days=300)
    hub = Hub.open(
        Config(
            home=home,
            database_url=f"sqlite:///{home / 'hub.db'}",
            base_url="http://127.0.0.1:9",
            master_key=None,
            redis_url=None,
        )
    )
    with serve_in_thread(sandbox.app) as server:
        conn = add_connection(hub, "woocommerce", "shop", sandbox.settings_for(server.base_url))
        started = time.perf_counter()
        imported = import_orders(hub, conn)
        import_articles(hub, conn)
        filled_s = time.perf_counter() - started
        sandbox.conform("create", {"count": DRIFT, "webhook": False})
        edited = 0
        with hub.db.session() as s:
            skus = [sku for (sku,) in s.query(Listing.sku).filter(Listing.article_id.is_not(None)).limit(200)]
        for sku in skus:
            try:
                shown = sandbox.conform("edit_stock", {"sku": sku, "stock": 1000 + edited})["stock"]
            except LookupError:
                continue
            edited += shown == 1000 + edited  # a variant that sells from its product's stock keeps none of its own
            if edited == DRIFT:
                break
        marker = max((e["seq"] for e in sandbox.requests.entries()), default=0)
        started = time.perf_counter()
        found = runs.run(hub, "shop", since=datetime(2000, 1, 1, tzinfo=UTC))
        seconds = time.perf_counter() - started
        calls = Counter(_kind(e["path"]) for e in sandbox.requests.entries(marker))
    with hub.db.session() as s:
        listings = s.query(Listing).filter(Listing.connection_id == conn).count()
    total = sum(calls.values())
    print(
        json.dumps(
            {
                "load_average": os.getloadavg(),
                "orders_in_shop": orders + DRIFT,
                "products": products,
                "listings": listings,
                "hub_filled_by_import_s": round(filled_s, 1),
                "imported": imported.created,
                "reconciliation": {
                    "status": found.status,
                    "seconds": round(seconds, 2),
                    "calls": total,
                    "calls_by_kind": dict(calls.most_common()),
                    "differences": {k: v["count"] for k, v in found.report.items() if v["count"]},
                },
                "at_the_connection_budget": {
                    "calls_per_second": CALLS_PER_SECOND,
                    "burst": BURST,
                    "minimum_seconds": round(max(total - BURST, 0) / CALLS_PER_SECOND, 1),
                },
                "expected": {"orders_missing": DRIFT, "stock_edited": edited},
            },
            indent=2,
        )
    )
    hub.close()
    sandbox.close()


if __name__ == "__main__":
    main()
