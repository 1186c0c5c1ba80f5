"""Scheduling: many connections, each polled every POLL seconds, served by one `ordersync worker` process.

All connections point at one quiet WooCommerce sandbox (no orders), so what is measured is the cost of the
schedule itself: claiming due polls, queueing them, and running an incremental poll that finds nothing.
Their first polls are spread over the first interval, as they would be after connections were added over
time. Prints one JSON document: polls per minute (expected: connections x 60 / POLL), the queue length and
the number of overdue connections over time (a growing backlog would show in both), how late polls ran,
and the worker's CPU share and memory.

BENCH_SCHED_CONNECTIONS (1000), BENCH_SCHED_POLL (60 s), BENCH_SCHED_SECONDS (240, the first interval is
warm-up and not counted), BENCH_SCHED_CONCURRENCY (4 threads).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

sys.path.insert(0, str(Path(__file__).parent))
from scale_common import Services, cpu_seconds, percentile, rss_mb, start_workers, stop  # noqa: E402

from ordersync.channels.sdk.serving import serve_in_thread  # noqa: E402
from ordersync.channels.sdk.urlguard import allow_loopback  # noqa: E402
from ordersync.channels.woocommerce.sandbox import create_sandbox  # noqa: E402
from ordersync.domain.timeutil import utcnow  # noqa: E402
from ordersync.store.models import Connection, SyncRun  # noqa: E402
from ordersync.sync.connections import add_connection  # noqa: E402

allow_loopback()  # the benchmark talks to its own sandboxes on loopback, which the URL guard refuses by default

CONNECTIONS = int(os.environ.get("BENCH_SCHED_CONNECTIONS", "1000"))
POLL = int(os.environ.get("BENCH_SCHED_POLL", "60"))
SECONDS = float(os.environ.get("BENCH_SCHED_SECONDS", "240"))
CONCURRENCY = int(os.environ.get("BENCH_SCHED_CONCURRENCY", "4"))


def main() -> None:
    services = Services()
    sandbox = create_sandbox(seed=5, orders=0, products=3)
    shop = serve_in_thread(sandbox.app)
    procs = []
    try:
        hub = services.hub()
        settings = sandbox.settings_for(shop.base_url)
        ids = [add_connection(hub, "woocommerce", f"shop{i}", settings, poll_interval=POLL) for i in range(CONNECTIONS)]
        rng = random.Random(1)
        with hub.db.session() as s:  # parked until the worker is up, then spread over the first interval
            s.execute(update(Connection).values(next_poll_at=utcnow() + timedelta(days=1)))
        procs = start_workers(services, 1, concurrency=CONCURRENCY)
        worker = procs[0].pid
        start = utcnow()
        with hub.db.session() as s:
            for conn_id in ids:
                s.execute(
                    update(Connection)
                    .where(Connection.id == conn_id)
                    .values(next_poll_at=start + timedelta(seconds=rng.uniform(0, POLL)))
                )
        began, cpu0 = time.monotonic(), cpu_seconds(worker)
        samples, cpu_mark, rss_peak = [], None, 0.0
        while time.monotonic() - began < SECONDS:
            time.sleep(5)
            elapsed = time.monotonic() - began
            with hub.db.session() as s:
                overdue = s.scalar(
                    select(func.count())
                    .select_from(Connection)
                    .where(Connection.next_poll_at < utcnow() - timedelta(seconds=5))
                )
            rss_peak = max(rss_peak, rss_mb(worker))
            samples.append(
                {
                    "t": round(elapsed),
                    "queued": services.queue_length(),
                    "overdue": overdue,
                    "rss_mb": round(rss_mb(worker)),
                }
            )
            if cpu_mark is None and elapsed >= POLL:
                cpu_mark = (time.monotonic(), cpu_seconds(worker))
            print(f"t={elapsed:.0f}s queued {samples[-1]['queued']} overdue {overdue}", file=sys.stderr, flush=True)
        measured_from = start + timedelta(seconds=POLL)
        with hub.db.session() as s:
            runs = s.execute(
                select(SyncRun.connection_id, SyncRun.started_at, SyncRun.status, SyncRun.error)
                .where(SyncRun.kind == "orders")
                .order_by(SyncRun.started_at)
            ).all()
        counted = [r for r in runs if r.started_at >= measured_from]
        minutes = max(1e-9, (SECONDS - POLL) / 60)
        gaps, last = [], {}
        for conn_id, started, _, _ in runs:
            if conn_id in last and started >= measured_from:
                gaps.append((started - last[conn_id]).total_seconds())
            last[conn_id] = started
        cpu_window = time.monotonic() - cpu_mark[0] if cpu_mark else float("nan")
        cpu_used = cpu_seconds(worker) - cpu_mark[1] if cpu_mark else float("nan")
        print(
            json.dumps(
                {
                    "scheduling": {
                        "connections": CONNECTIONS,
                        "poll_interval_s": POLL,
                        "worker_threads": CONCURRENCY,
                        "measured_s": round(SECONDS - POLL),
                        "polls_per_minute": round(len(counted) / minutes),
                        "expected_polls_per_minute": round(CONNECTIONS * 60 / POLL),
                        "failed_polls": sum(1 for r in counted if r.status != "ok"),
                        "failures": sorted({(r.error or r.status)[:160] for r in counted if r.status != "ok"})[:3],
                        "poll_gap_min_s": round(min(gaps, default=float("nan")), 1),
                        "poll_gap_p50_s": round(percentile(gaps, 50), 1),
                        "poll_gap_p99_s": round(percentile(gaps, 99), 1),
                        "queue_length_first_last": [samples[0]["queued"], samples[-1]["queued"]] if samples else None,
                        "overdue_first_last": [samples[0]["overdue"], samples[-1]["overdue"]] if samples else None,
                        "worker_cpu_percent_of_one_core": round(100 * cpu_used / cpu_window, 1),
                        "worker_cpu_seconds_total": round(cpu_seconds(worker) - cpu0, 1),
                        "worker_rss_mb_peak": round(rss_peak),
                    }
                },
                indent=2,
            ),
            flush=True,
        )
        hub.close()
    finally:
        stop(procs)
        shop.stop()
        sandbox.close()
        services.close()


if __name__ == "__main__":
    main()
