"""Webhook intake under load: signed WooCommerce deliveries at a steady rate into `ordersync serve --no-worker`,
processed by `ordersync worker` processes on PostgreSQL and Redis.

Prints one JSON document: deliveries sent, answers by status (none may be 5xx), orders never seen (none may
be lost), and the latency from sending a delivery to its order being queryable in the database (p50/p99;
the watcher looks every 50 ms, so figures include up to that much). Polling is switched off for the shop,
so every order can only have arrived through its webhook.

BENCH_WEBHOOK_RATE (300/s), BENCH_WEBHOOK_SECONDS (60), BENCH_WEBHOOK_WORKERS (2) and BENCH_WEBHOOK_WEB
(web processes, 2; deliveries alternate between them as a reverse proxy would) set the load.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import select, update

sys.path.insert(0, str(Path(__file__).parent))
from scale_common import BIN, Services, percentile, start_workers, stop  # noqa: E402

from ordersync.channels.sdk.serving import free_port, serve_in_thread  # noqa: E402
from ordersync.channels.woocommerce.sandbox import create_sandbox  # noqa: E402
from ordersync.channels.woocommerce.sandbox.webhooks import USER_AGENT, signature  # noqa: E402
from ordersync.domain.timeutil import utcnow  # noqa: E402
from ordersync.store.models import Connection, OrderRow  # noqa: E402
from ordersync.sync.connections import add_connection, build_connector, load, save_state  # noqa: E402

RATE = float(os.environ.get("BENCH_WEBHOOK_RATE", "300"))
SECONDS = float(os.environ.get("BENCH_WEBHOOK_SECONDS", "60"))
WORKERS = int(os.environ.get("BENCH_WEBHOOK_WORKERS", "2"))
WEB = int(os.environ.get("BENCH_WEBHOOK_WEB", "2"))


def start_web(services: Services, port: int, public: int) -> subprocess.Popen:
    log = open(services.home / f"serve{port}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([str(BIN), "serve", "--no-worker", "--port", str(port)],
                            env=services.env(ORDERSYNC_BASE_URL=f"http://127.0.0.1:{public}"),
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"ordersync serve did not come up; see {services.home / f'serve{port}.log'}")


class Watcher(threading.Thread):
    """Notes when each order first becomes queryable, every 50 ms. Ids are handed out at insert but become
    visible at commit, so a smaller id can appear later: each look re-reads the last 500 ids too."""

    def __init__(self, hub) -> None:
        super().__init__(daemon=True)
        self.hub, self.seen, self.halt = hub, {}, threading.Event()

    def run(self) -> None:
        last = 0
        while not self.halt.is_set():
            with self.hub.db.session() as s:
                rows = s.execute(select(OrderRow.id, OrderRow.external_id).where(OrderRow.id > last - 500)
                                 .order_by(OrderRow.id)).all()
            now = time.monotonic()
            for row_id, external in rows:
                self.seen.setdefault(external, now)
                last = max(last, row_id)
            self.halt.wait(0.05)


IN_FLIGHT = 64  # as a shop's webhook senders would: a bounded number of connections, not a flood


async def send_all(urls: list[str], deliveries: list[tuple[str, bytes, dict]], sent: dict, answers: dict) -> None:
    """Each delivery at its slot in the schedule, or as soon as one of IN_FLIGHT connections is free (when
    the server falls behind, the achieved rate shows it)."""
    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    free = asyncio.Semaphore(IN_FLIGHT)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        async def one(external: str, body: bytes, headers: dict) -> None:
            sent[external] = time.monotonic()
            try:
                status = (await client.post(urls[len(sent) % len(urls)], content=body, headers=headers)).status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            finally:
                free.release()
            answers[status] = answers.get(status, 0) + 1

        start = time.monotonic()
        tasks = []
        for i, (external, body, headers) in enumerate(deliveries):
            delay = start + i / RATE - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            await free.acquire()
            tasks.append(asyncio.create_task(one(external, body, headers)))
        await asyncio.gather(*tasks)


def main() -> None:
    services = Services()
    procs: list[subprocess.Popen] = []
    sandbox = create_sandbox(seed=77, orders=0, products=20)
    shop = serve_in_thread(sandbox.app)
    try:
        port = free_port()
        hub = services.hub(base_url=f"http://127.0.0.1:{port}")
        conn = add_connection(hub, "woocommerce", "shop", sandbox.settings_for(shop.base_url), poll_interval=86400)
        connector = build_connector(hub, load(hub, conn))
        connector.register_webhooks()
        save_state(hub, conn, connector.context.state)
        connector.close()
        with hub.db.session() as s:  # webhooks only: no poll may import these orders
            s.execute(update(Connection).where(Connection.id == conn)
                      .values(next_poll_at=utcnow() + timedelta(days=1)))
        hook = next(h for h in sandbox.hooks.items.values() if h["topic"] == "order.created")
        count = int(RATE * SECONDS)
        ids = sandbox.control_orders({"create": count, "webhook": False})["created"]
        site = sandbox.site()
        deliveries = []
        for oid in ids:
            body = sandbox.order_json(oid, site)
            deliveries.append((str(oid), body, {
                "Content-Type": "application/json", "User-Agent": USER_AGENT, "X-WC-Webhook-Source": f"{site}/",
                "X-WC-Webhook-Topic": "order.created", "X-WC-Webhook-Resource": "order",
                "X-WC-Webhook-Event": "created", "X-WC-Webhook-Signature": signature(body, hook["secret"]),
                "X-WC-Webhook-ID": str(hook["id"]), "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex}))
        ports = [port] + [free_port() for _ in range(WEB - 1)]
        procs += [start_web(services, p, port) for p in ports]
        urls = [hook["delivery_url"].replace(f":{port}/", f":{p}/") for p in ports]
        procs += start_workers(services, WORKERS, concurrency=4)
        watcher = Watcher(hub)
        watcher.start()
        sent: dict[str, float] = {}
        answers: dict = {}
        began = time.monotonic()
        asyncio.run(send_all(urls, deliveries, sent, answers))
        sending = time.monotonic() - began
        deadline = time.monotonic() + max(60.0, SECONDS)
        while len(watcher.seen) < count and time.monotonic() < deadline:  # (the watcher may miss none)
            time.sleep(0.2)
        watcher.halt.set()
        watcher.join()
        with hub.db.session() as s:
            stored = set(s.scalars(select(OrderRow.external_id)))
        latencies = [watcher.seen[k] - sent[k] for k in sent if k in watcher.seen]
        print(json.dumps({
            "webhook_intake": {"deliveries": count, "target_rate": RATE, "web_processes": WEB, "achieved_rate": round(count / sending, 1),
                               "workers": WORKERS, "answers": {str(k): v for k, v in sorted(answers.items(), key=str)},
                               "server_errors": sum(v for k, v in answers.items() if not (isinstance(k, int) and k < 500)),
                               "lost": len(set(sent) - stored),
                               "latency_p50_ms": round(percentile(latencies, 50) * 1000),
                               "latency_p99_ms": round(percentile(latencies, 99) * 1000),
                               "latency_max_ms": round(max(latencies, default=0) * 1000)}}, indent=2), flush=True)
        hub.close()
    finally:
        stop(procs)
        shop.stop()
        sandbox.close()
        services.close()


if __name__ == "__main__":
    main()
