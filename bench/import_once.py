"""One measured import in a fresh process: prints a JSON line with throughput and peak memory.

Usage: python bench/import_once.py BASE_URL SETTINGS_JSON DATABASE_URL
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from cryptography.fernet import Fernet

from ordersync.channels.sdk.ratelimit import Unlimited
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.config import Config
from ordersync.sync.connections import add_connection, build_connector, load
from ordersync.sync.hub import Hub
from ordersync.sync.importer import import_orders

allow_loopback()  # the benchmark talks to its own sandboxes on loopback, which the URL guard refuses by default


def plain_fetch(connector) -> tuple[int, float, float]:
    """The same pages, fetched and JSON-parsed only: the floor any import is compared with. Returns the
    records, the wall clock and this process's CPU seconds."""
    started, cpu = time.perf_counter(), time.process_time()
    count = 0
    page = 1
    while True:
        response = connector.client.http.request(
            "GET",
            "/wp-json/wc/v3/orders",
            params={"per_page": 100, "page": page, "status": "any", "orderby": "id", "order": "asc"},
        )
        rows = response.json()  # the one parse: ChannelHTTP checked the body by parsing it and keeps that parse
        count += len(rows)
        if page >= int(response.headers.get("X-WP-TotalPages", "1")):
            break
        page += 1
    return count, time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    settings, db_url = json.loads(sys.argv[2]), sys.argv[3]  # argv[1], the base URL, is in the settings
    home = Path(tempfile.mkdtemp(prefix="ordersync-bench-"))
    hub = Hub.open(
        Config(
            home=home,
            database_url=db_url,
            base_url="http://127.0.0.1:9",
            master_key=Fernet.generate_key().decode(),
            redis_url=None,
        )
    )
    conn_id = add_connection(hub, "woocommerce", "bench", settings)
    connector = build_connector(hub, load(hub, conn_id))
    # a plain client: as fast as the shop answers, not held to the connection's rate budget (which would also
    # leave the import that follows a spent burst)
    connector.client.http.budget = Unlimited()  # type: ignore[attr-defined]  # a WooCommerce connector
    plain_fetch(connector)  # warms the sandbox (it renders each page once): both measured reads find it warm
    raw_count, raw_seconds, raw_cpu = plain_fetch(connector)
    connector.close()
    started, cpu = time.perf_counter(), time.process_time()
    result = import_orders(hub, conn_id)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert result.error == "", result.error
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "orders": result.created,
                "seconds": round(seconds, 2),
                "orders_per_s": round(result.created / seconds),
                "plain_fetch_per_s": round(raw_count / raw_seconds),
                "ratio_to_plain_fetch": round(seconds / raw_seconds, 2),
                "peak_rss_mb": round(peak_mb),
                # CPU seconds of this process (all threads): a busy machine stretches the wall clock more
                "cpu_s": round(cpu, 2),
                "cpu_ms_per_order": round(cpu * 1000 / max(1, result.created), 3),
                "plain_fetch_cpu_s": round(raw_cpu, 2),
            }
        )
    )
    hub.close()


if __name__ == "__main__":
    main()
