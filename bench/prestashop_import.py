"""PrestaShop import cost against the sandbox on loopback: orders per second and webservice calls per page for a full
window, by page size. The calls are what a real shop pays in PHP requests: one count of the window's ids per run
(again only when the window shrank while paged), per page the page itself and one call each for its addresses and
customers, and once per run the currencies, countries and order states. Prints one JSON document; the load average
comes with it because a busy machine stretches the times.

Usage: python bench/prestashop_import.py [ORDERS]   (default 2000)
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from ordersync.channels.prestashop.connector import PrestashopConnector
from ordersync.channels.prestashop.sandbox import create_sandbox
from ordersync.channels.sdk.records import Window
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback


def run(orders: int, page_size: int) -> dict:
    sandbox = create_sandbox(seed=1, orders=orders)
    with serve_in_thread(sandbox.app) as server:
        connector = PrestashopConnector({**sandbox.settings_for(server.base_url), "page_size": page_size})
        started = time.perf_counter()
        pages = list(connector.fetch_orders(Window(None, datetime.now(UTC) + timedelta(minutes=1))))
        seconds = time.perf_counter() - started
        connector.close()
        calls = Counter(r["path"].split("/")[2] for r in sandbox.requests.entries())
    sandbox.close()
    imported = sum(len(p.records) for p in pages)
    assert imported == orders, f"imported {imported} of {orders}"
    return {
        "page_size": page_size,
        "orders": imported,
        "pages": len(pages),
        "seconds": round(seconds, 2),
        "orders_per_second": round(imported / seconds, 1),
        "calls": dict(calls),
        "calls_per_page": round(sum(calls.values()) / len(pages), 2),
    }


def main() -> None:
    allow_loopback()
    orders = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    print(json.dumps({"load_average": os.getloadavg(), "runs": [run(orders, size) for size in (50, 100)]}, indent=2))


if __name__ == "__main__":
    main()
