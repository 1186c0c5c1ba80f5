"""`make bench`: import throughput into SQLite and PostgreSQL, then stock propagation (stock_propagation.py),
Shopify catch-up, the order inbox's queries at 100,000 orders (inbox.py), CLI start-up (cli_startup.py), the marketplace
backlogs at their documented limits (amazon_backlog.py, ebay_backlog.py, etsy_backlog.py), PrestaShop's import cost
(prestashop_import.py), concurrent order pages against a plain sequential fetch (concurrent_pages.py), the calls of
a reconciliation (reconcile.py), the CPU cost per order of mapping and of the canonical form (mapping_cpu.py), and the
scale-out figures on PostgreSQL + Redis (webhook_intake.py, scheduling.py, import_scaling.py; each documents the
environment variables that shorten it; BENCH_SCALE=0 skips them).

Each measurement runs in its own process against a sandbox in another process, so peak memory is the
importer's alone. Prints one JSON document. Figures depend on the machine: compare ratios, not seconds.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
import uuid
from pathlib import Path

from services import PG_ADMIN, REDIS_URL  # bench/services.py: bench/ is on sys.path when run
from sqlalchemy import create_engine, text

from ordersync.channels.sdk.urlguard import allow_loopback

allow_loopback()  # the benchmark talks to its own sandboxes on loopback, which the URL guard refuses by default

HERE = Path(__file__).parent
SIZES = [int(x) for x in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]


def start_sandbox(orders: int) -> tuple[subprocess.Popen, dict]:
    """Starts the WooCommerce sandbox in its own process; info["startup_s"] is the time until it served its URL."""
    port = 18000 + orders % 1000
    started = time.monotonic()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "ordersync"),
            "sandbox",
            "woocommerce",
            "--port",
            str(port),
            "--orders",
            str(orders),
            "--seed",
            "42",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    info = json.loads(proc.stdout.readline())
    info["startup_s"] = round(time.monotonic() - started, 2)
    return proc, info


def pg_database() -> str | None:
    try:
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        name = f"ordersync_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    except Exception as exc:  # noqa: BLE001
        print(f"PostgreSQL unavailable, skipped: {exc}", file=sys.stderr)
        return None


def main() -> None:
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "runs": [],
    }
    for size in SIZES:
        sandbox, info = start_sandbox(size)
        report["runs"].append({"sandbox_orders": size, "sandbox_startup_s": info["startup_s"]})
        try:
            for backend in ("sqlite", "postgresql"):
                if backend == "sqlite":
                    url = f"sqlite:///{Path('/tmp') / f'ordersync-bench-{uuid.uuid4().hex[:8]}.db'}"
                else:
                    url = pg_database()
                    if url is None:
                        continue
                print(f"importing {size} orders into {backend} ...", file=sys.stderr, flush=True)
                out = subprocess.run(
                    [sys.executable, str(HERE / "import_once.py"), info["base_url"], json.dumps(info["settings"]), url],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                report["runs"].append(
                    {"backend": backend, "size": size} | json.loads(out.stdout.strip().splitlines()[-1])
                )
        finally:
            sandbox.terminate()
            sandbox.wait()
    print(json.dumps(report, indent=2), flush=True)
    print("stock propagation with 10 connections ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, str(HERE / "stock_propagation.py")], check=True)
    print("Shopify paged catch-up and bulk backfill ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, str(HERE / "shopify_catchup.py")], check=True)
    print("order inbox queries at 100,000 orders ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, str(HERE / "inbox.py")], check=True)
    print("one /metrics scrape at 100,000 orders ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, str(HERE / "metrics_scrape.py")], check=True)
    print("CLI start-up: --help and orders list ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, str(HERE / "cli_startup.py")], check=True)
    print("Amazon backlog at the usage plans and a 5,000-change stock burst ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, str(HERE / "amazon_backlog.py")], check=True)
    print("Amazon: 5,000 stock changes through the dispatcher as JSON_LISTINGS_FEEDs ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, str(HERE / "amazon_stock_feeds.py")], check=True)
    for script, what in (
        ("ebay_backlog.py", "eBay backlog of 10,000 orders at its call limits"),
        ("etsy_backlog.py", "Etsy backlog of 10,000 receipts at its per-second budget"),
        ("prestashop_import.py", "PrestaShop import cost by page size"),
        ("concurrent_pages.py", "order pages read concurrently against a plain sequential fetch"),
        ("reconcile.py", "reconciliation of 10,000 orders and 2,000 products against WooCommerce"),
        ("mapping_cpu.py", "CPU per order for mapping WooCommerce orders and for their canonical form"),
    ):
        print(f"{what} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(HERE / script)], check=True)
    scale_benches()


def scale_benches() -> None:
    """The scale-out benchmarks need PostgreSQL and Redis; without either they are skipped, saying why."""
    if os.environ.get("BENCH_SCALE", "1") == "0":
        return
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        create_engine(PG_ADMIN).connect().close()
    except Exception as exc:  # noqa: BLE001
        print(
            f"scale-out benchmarks skipped: PostgreSQL or Redis unavailable ({type(exc).__name__}: {exc})",
            file=sys.stderr,
        )
        return
    for script, what in (
        ("webhook_intake.py", "webhook intake at a steady rate"),
        ("scheduling.py", "scheduling many connections with one worker"),
        ("import_scaling.py", "import throughput with 1, 2 and 4 workers"),
    ):
        print(f"{what} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(HERE / script)], check=True)


if __name__ == "__main__":
    main()
