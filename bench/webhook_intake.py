"""Webhook intake under load: signed WooCommerce deliveries at a steady rate into `ordersync serve --no-worker`,
processed by `ordersync worker` processes on PostgreSQL and Redis.

Prints one JSON document: deliveries sent, answers by status (none may be 5xx), orders never seen (none may
be lost), and the latency from sending a delivery to its order being queryable in the database (p50/p99;
the watcher looks every 50 ms, so figures include up to that much), split into the intake's part (sent ->
stored) and the workers' part (stored -> queryable). Polling is switched off for the shop,
so every order can only have arrived through its webhook.

BENCH_WEBHOOK_RATE (300/s), BENCH_WEBHOOK_SECONDS (60), BENCH_WEBHOOK_WORKERS (2) and BENCH_WEBHOOK_WEB
(web processes, 2; deliveries alternate between them as a reverse proxy would) set the load.
BENCH_WEBHOOK_WORKER_NICE (10) runs the workers at a lower CPU priority, as docs/deployment.md advises when
web and workers share cores: answering the shop is what cannot wait, the import behind it can (0 = equal).
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
from scale_common import BIN, CpuMeter, Services, percentile, pids_named, start_workers, stop  # noqa: E402

from ordersync.channels.sdk.serving import free_port, serve_in_thread  # noqa: E402
from ordersync.channels.sdk.urlguard import allow_loopback  # noqa: E402
from ordersync.channels.woocommerce.sandbox import create_sandbox  # noqa: E402
from ordersync.channels.woocommerce.sandbox.webhooks import USER_AGENT, signature  # noqa: E402
from ordersync.domain.timeutil import utcnow  # noqa: E402
from ordersync.store.models import Connection, OrderRow, WebhookDelivery  # noqa: E402
from ordersync.sync.connections import add_connection, build_connector, load, save_state  # noqa: E402

allow_loopback()  # the benchmark talks to its own sandboxes on loopback, which the URL guard refuses by default

RATE = float(os.environ.get("BENCH_WEBHOOK_RATE", "300"))
SECONDS = float(os.environ.get("BENCH_WEBHOOK_SECONDS", "60"))
WORKERS = int(os.environ.get("BENCH_WEBHOOK_WORKERS", "2"))
WEB = int(os.environ.get("BENCH_WEBHOOK_WEB", "2"))
NICE = int(os.environ.get("BENCH_WEBHOOK_WORKER_NICE", "10"))


def start_web(services: Services, port: int, public: int) -> subprocess.Popen:
    log = open(services.home / f"serve{port}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(BIN), "serve", "--no-worker", "--port", str(port)],
        env=services.env(ORDERSYNC_BASE_URL=f"http://127.0.0.1:{public}"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
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
                rows = s.execute(
                    select(OrderRow.id, OrderRow.external_id).where(OrderRow.id > last - 500).order_by(OrderRow.id)
                ).all()
            now = time.monotonic()
            for row_id, external in rows:
                self.seen.setdefault(external, now)
                last = max(last, row_id)
            self.halt.wait(0.05)


IN_FLIGHT = 64  # as a shop's webhook senders would: a bounded number of connections, not a flood


class Sender:
    """A lean HTTP/1.1 client on asyncio streams: one keep-alive connection that posts and reads the answer.
    httpx cost the load generator about a millisecond of CPU per request, which on a two-core machine was
    taken from the server it measures; this costs a small fraction of that."""

    def __init__(self, url: str) -> None:
        rest = url.split("://", 1)[1]
        hostport, self.path = rest.split("/", 1)
        self.host, port = hostport.split(":")
        self.port, self.path = int(port), "/" + self.path
        self.reader = self.writer = None

    async def post(self, body: bytes, headers: dict) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = [f"POST {self.path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        try:
            status_line = await self.reader.readline()
            length, close = 0, False
            while (line := await self.reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "connection" and value.strip().lower() == "close":
                    close = True
            await self.reader.readexactly(length)
            status = int(status_line.split()[1])
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            self.close()
            raise
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def send_all(urls: list[str], deliveries: list[tuple[str, bytes, dict]], sent: dict, answers: dict) -> None:
    """Each delivery at its slot in the schedule, or as soon as one of IN_FLIGHT connections is free (when
    the server falls behind, the achieved rate shows it). Connections alternate between the web processes
    as a reverse proxy would."""
    idle: asyncio.Queue[Sender] = asyncio.Queue()
    for i in range(IN_FLIGHT):
        idle.put_nowait(Sender(urls[i % len(urls)]))

    async def one(sender: Sender, external: str, body: bytes, headers: dict) -> None:
        sent[external] = time.monotonic()
        try:
            status = await asyncio.wait_for(sender.post(body, headers), 30)
        except (TimeoutError, OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
            sender.close()
            status = type(exc).__name__
        finally:
            idle.put_nowait(sender)
        answers[status] = answers.get(status, 0) + 1

    start = time.monotonic()
    tasks = []
    for i, (external, body, headers) in enumerate(deliveries):
        delay = start + i / RATE - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        sender = await idle.get()
        tasks.append(asyncio.create_task(one(sender, external, body, headers)))
    await asyncio.gather(*tasks)
    while not idle.empty():
        idle.get_nowait().close()


def latency_parts(sent: dict[str, float], received: dict, seen: dict[str, float]) -> dict:
    """Where the time goes: sent -> stored by intake (``received_at``, the web tier's part) and stored ->
    queryable (queue, worker pick-up, import, commit: the workers' part). The wall clock of ``received_at`` is
    put on the monotonic clock of ``sent`` (one machine, so one offset)."""
    offset = time.time() - time.monotonic()
    intake, work = [], []
    for key, at in received.items():
        if key in sent and key in seen:
            stored = at.timestamp() - offset
            intake.append(stored - sent[key])
            work.append(seen[key] - stored)
    return {
        name: {"p50": round(percentile(values, 50) * 1000), "p99": round(percentile(values, 99) * 1000)}
        for name, values in (("sent_to_stored", intake), ("stored_to_queryable", work))
    }


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
            s.execute(update(Connection).where(Connection.id == conn).values(next_poll_at=utcnow() + timedelta(days=1)))
        hook = next(h for h in sandbox.hooks.items.values() if h["topic"] == "order.created")
        count = int(RATE * SECONDS)
        ids = sandbox.control_orders({"create": count, "webhook": False})["created"]
        site = sandbox.site()
        deliveries = []
        for oid in ids:
            body = sandbox.order_json(oid, site)
            deliveries.append(
                (
                    str(oid),
                    body,
                    {
                        "Content-Type": "application/json",
                        "User-Agent": USER_AGENT,
                        "X-WC-Webhook-Source": f"{site}/",
                        "X-WC-Webhook-Topic": "order.created",
                        "X-WC-Webhook-Resource": "order",
                        "X-WC-Webhook-Event": "created",
                        "X-WC-Webhook-Signature": signature(body, hook["secret"]),
                        "X-WC-Webhook-ID": str(hook["id"]),
                        "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex,
                    },
                )
            )
        ports = [port] + [free_port() for _ in range(WEB - 1)]
        procs += [start_web(services, p, port) for p in ports]
        urls = [hook["delivery_url"].replace(f":{port}/", f":{p}/") for p in ports]
        webs = [p.pid for p in procs]
        workers = start_workers(services, WORKERS, concurrency=4, nice=NICE)
        procs += workers
        meter = CpuMeter(
            {
                "load generator and watcher": [os.getpid()],
                "web": webs,
                "workers": [p.pid for p in workers],
                "postgresql": lambda: pids_named("postgres"),
                "redis": lambda: pids_named("redis-server"),
            }
        )
        watcher = Watcher(hub)
        watcher.start()
        sent: dict[str, float] = {}
        answers: dict = {}
        began = time.monotonic()
        meter.start()
        asyncio.run(send_all(urls, deliveries, sent, answers))
        sending = time.monotonic() - began
        cores_sending = meter.stop()
        deadline = time.monotonic() + max(60.0, SECONDS)
        while len(watcher.seen) < count and time.monotonic() < deadline:  # (the watcher may miss none)
            time.sleep(0.2)
        watcher.halt.set()
        watcher.join()
        with hub.db.session() as s:
            stored = set(s.scalars(select(OrderRow.external_id)))
            received = dict(s.execute(select(WebhookDelivery.resource_id, WebhookDelivery.received_at)).all())
        latencies = [watcher.seen[k] - sent[k] for k in sent if k in watcher.seen]
        parts = latency_parts(sent, received, watcher.seen)
        print(
            json.dumps(
                {
                    "webhook_intake": {
                        "deliveries": count,
                        "target_rate": RATE,
                        "web_processes": WEB,
                        "achieved_rate": round(count / sending, 1),
                        "workers": WORKERS,
                        "worker_nice": NICE,
                        "answers": {str(k): v for k, v in sorted(answers.items(), key=str)},
                        "server_errors": sum(v for k, v in answers.items() if not (isinstance(k, int) and k < 500)),
                        "lost": len(set(sent) - stored),
                        "latency_p50_ms": round(percentile(latencies, 50) * 1000),
                        "latency_p99_ms": round(percentile(latencies, 99) * 1000),
                        "latency_max_ms": round(max(latencies, default=0) * 1000),
                        "latency_parts_ms": parts,
                        "cores_used_while_sending": cores_sending,
                        "machine_cores": os.cpu_count(),
                        "load_average_1min": round(os.getloadavg()[0], 1),
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
