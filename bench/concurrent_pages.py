"""Concurrent order pages (issue 15, goal 2): for every connector that declares an int setting ``concurrency`` and
has a sandbox the ``ordersync sandbox`` command starts (WooCommerce and PrestaShop today; Shopware 6 and Magento 2
join once they declare the setting), against its sandbox in its own process:

* ``plain``: the connector's own order-page requests (recorded during an untimed ``concurrency=1`` run first, which
  also warms the sandbox up: the same pages, the same parameters), sent again one after another through the
  connector's HTTP client without its rate budget and parsed from JSON only, nothing mapped: the floor a sequential
  import is compared with (as ``import_once.py``'s plain fetch);
* ``connector_c1`` and ``connector_default``: the connector's ``fetch_orders`` over every order, pages iterated and
  mapped but not stored, with ``concurrency=1`` and with the connector's default;
* ``import_default``: a full ``import_orders`` into a fresh SQLite hub with the default concurrency.

Each measurement runs in a fresh process (fresh rate budgets, its own GIL). With each come its wall clock, its
ratio to ``plain`` (the goal: ``import_default`` at most 0.6), the measuring process's CPU seconds and the sandbox
process's CPU seconds during it (utime + stime from /proc/PID/stat): when the sandbox's CPU seconds come close to
the wall clock, the shop side is saturated and no concurrency can go faster. The sandboxes serve one request at a
time in one Python process, so what concurrency wins here is the overlap of the client's work (parsing, mapping,
storing, lookups) with the shop's, and of the shop's work with the round trips; a real shop with several PHP
workers serves pages side by side. The machine's load average is noted before and after: other work on a shared
machine stretches every figure.

Usage: python bench/concurrent_pages.py      (BENCH_PAGES_ORDERS=2000 to shorten; default 10000;
       BENCH_PAGES_SYSTEMS=woocommerce,prestashop to choose; BENCH_PAGES_SHOP_MS=200 to give every request a
       shop's own time, default 0: the sandbox answers as fast as it can)
Prints one JSON document.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from ordersync.channels.registry import all_connectors, get_connector
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.ratelimit import Unlimited
from ordersync.channels.sdk.records import Window
from ordersync.channels.sdk.urlguard import allow_loopback

allow_loopback()  # the benchmark talks to its own sandboxes on loopback, which the URL guard refuses by default

HERE = Path(__file__).parent
ORDERS = int(os.environ.get("BENCH_PAGES_ORDERS", "10000"))
#: milliseconds the sandbox waits before it answers each API request, without using CPU (asyncio.sleep through its
#: "delay" fault): a real shop's PHP time per request, served side by side as by a pool of PHP workers
SHOP_MS = int(os.environ.get("BENCH_PAGES_SHOP_MS", "0"))
TICKS = os.sysconf("SC_CLK_TCK")


def order_page_request(system: str, method: str, path: str, params: dict[str, Any]) -> bool:
    """Which of a connector's requests fetch order pages (not counts, lookups or refunds): by default those to a
    path ending in ``orders`` or ``order`` (WooCommerce, Magento 2's /V1/orders, Shopware 6's /search/order)."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if system == "prestashop":  # the window's id count (display=[id]) is not a page
        return last == "orders" and params.get("display") == "full"
    return last in ("orders", "order")


def concurrency_connectors() -> list[str]:
    chosen = [s for s in os.environ.get("BENCH_PAGES_SYSTEMS", "").split(",") if s]
    found = []
    for system, cls in sorted(all_connectors().items()):
        field = next((f for f in cls.settings_schema.fields if f.name == "concurrency"), None)
        if field is not None and field.type == "int" and cls.sandbox_factory and (not chosen or system in chosen):
            found.append(system)
    return found


def default_concurrency(system: str) -> int:
    field = next(f for f in get_connector(system).settings_schema.fields if f.name == "concurrency")
    return int(field.default)


# the measurements, each in its own process ---------------------------------------------------------------------------
def everything() -> Window:
    return Window(None, datetime.now(UTC) + timedelta(minutes=1))


def channel_http(connector: Any) -> ChannelHTTP:
    """The connector's HTTP client: ``connector.client.http`` or the ChannelHTTP one attribute deep."""
    client = connector.client
    for holder in (client, connector):
        for value in vars(holder).values():
            if isinstance(value, ChannelHTTP):
                return value
    raise SystemExit(f"{type(connector).__name__}: no ChannelHTTP found to replay order pages with")


def measure_connector(system: str, settings: dict[str, Any], record_to: str | None) -> dict[str, Any]:
    recorded: list[dict[str, Any]] = []
    calls = [0]
    original = ChannelHTTP.request

    def recording(self: ChannelHTTP, method: str, path: str, **kw: Any) -> Any:
        calls[0] += 1
        params = dict(kw.get("params") or {})
        if record_to is not None and order_page_request(system, method, path, params):
            content = kw.get("content")
            recorded.append(
                {
                    "method": method,
                    "path": path,
                    "params": params,
                    "json": kw.get("json"),
                    "content": content.decode() if isinstance(content, bytes) else content,
                    "headers": dict(kw.get("headers") or {}),
                }
            )
        return original(self, method, path, **kw)

    ChannelHTTP.request = recording  # type: ignore[method-assign]
    connector = get_connector(system)(settings)
    started, cpu = time.perf_counter(), time.process_time()
    orders = quarantined = pages = 0
    for page in connector.fetch_orders(everything()):
        pages += 1
        orders += len(page.records)
        quarantined += len(page.quarantined)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    connector.close()
    ChannelHTTP.request = original  # type: ignore[method-assign]
    if record_to is not None:
        Path(record_to).write_text(json.dumps(recorded))
    return {
        "orders": orders,
        "quarantined": quarantined,
        "pages": pages,
        "calls": calls[0],
        "seconds": seconds,
        "cpu_s": cpu,
    }


def measure_plain(system: str, settings: dict[str, Any], recorded_file: str) -> dict[str, Any]:
    requests = json.loads(Path(recorded_file).read_text())
    connector = get_connector(system)(settings)
    http = channel_http(connector)
    http.budget = Unlimited()  # plain: as fast as the shop answers, not held to the connection's rate budget
    started, cpu = time.perf_counter(), time.process_time()
    records = 0
    for r in requests:
        content = r["content"].encode() if isinstance(r["content"], str) else None
        response = http.request(
            r["method"], r["path"], params=r["params"], json=r["json"], content=content, headers=r["headers"] or None
        )
        body = response.json()
        records += len(body) if isinstance(body, list) else sum(len(v) for v in body.values() if isinstance(v, list))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    connector.close()
    return {"requests": len(requests), "records_in_bodies": records, "seconds": seconds, "cpu_s": cpu}


def measure_import(system: str, settings: dict[str, Any]) -> dict[str, Any]:
    from cryptography.fernet import Fernet

    from ordersync.config import Config
    from ordersync.sync.connections import add_connection
    from ordersync.sync.hub import Hub
    from ordersync.sync.importer import import_orders

    home = Path(tempfile.mkdtemp(prefix="ordersync-bench-pages-"))
    hub = Hub.open(
        Config(
            home=home,
            database_url=f"sqlite:///{home / 'hub.db'}",
            base_url="http://127.0.0.1:9",
            master_key=Fernet.generate_key().decode(),
            redis_url=None,
        )
    )
    conn_id = add_connection(hub, system, "bench", settings)
    started, cpu = time.perf_counter(), time.process_time()
    result = import_orders(hub, conn_id)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    hub.close()
    if result.error or result.skipped:
        raise SystemExit(f"{system} import failed: {result.error or result.skipped}")
    return {
        "orders": result.created,
        "quarantined": result.quarantined,
        "rereads": result.rereads,
        "seconds": seconds,
        "cpu_s": cpu,
    }


def measure(argv: list[str]) -> None:
    mode, system, settings = argv[0], argv[1], json.loads(argv[2])
    if mode == "connector":
        out = measure_connector(system, settings, argv[3] if len(argv) > 3 else None)
    elif mode == "plain":
        out = measure_plain(system, settings, argv[3])
    else:
        out = measure_import(system, settings)
    print(json.dumps(out))


# the driver ----------------------------------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (its threads included) from /proc/PID/stat, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # fields 14 and 15 of the whole line


def start_sandbox(system: str, orders: int) -> tuple[subprocess.Popen, dict[str, Any], float]:
    """As run.py's start_sandbox, for any system, on a free port; returns the process, its JSON line and its
    start-up seconds."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "ordersync"),
            "sandbox",
            system,
            "--port",
            "0",
            "--orders",
            str(orders),
            "--seed",
            "42",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    info = json.loads(proc.stdout.readline())  # type: ignore[union-attr]
    base = info["base_url"].removeprefix("http://")
    deadline = time.monotonic() + 120
    host, port = base.split(":")[0], int(base.split(":")[1].split("/")[0])
    while True:  # the line comes before uvicorn listens
        try:
            socket.create_connection((host, port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    return proc, info, time.monotonic() - started


def run_measured(sandbox_pid: int, *args: str) -> dict[str, Any]:
    before = cpu_seconds(sandbox_pid)
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure", *args], capture_output=True, text=True
    )
    sandbox_cpu = cpu_seconds(sandbox_pid) - before
    if out.returncode != 0:
        raise SystemExit(f"measurement {args[:2]} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["sandbox_cpu_s"] = sandbox_cpu
    return result


def bench_system(system: str, orders: int) -> dict[str, Any]:
    print(f"{system}: sandbox with {orders} orders ...", file=sys.stderr, flush=True)
    proc, info, startup = start_sandbox(system, orders)
    default = default_concurrency(system)
    settings = info["settings"]
    if SHOP_MS:
        delay = {"kind": "delay", "count": None, "phase": "before", "seconds": SHOP_MS / 1000}
        httpx.post(f"{info['base_url']}/_sandbox/faults", json={"add": delay}, timeout=10).raise_for_status()
    handle, recorded = tempfile.mkstemp(prefix="ordersync-pages-", suffix=".json")
    os.close(handle)
    runs: dict[str, dict[str, Any]] = {}
    try:
        one, many = json.dumps({**settings, "concurrency": 1}), json.dumps({**settings, "concurrency": default})
        print(f"{system}: recording the order pages (untimed; warms the sandbox up) ...", file=sys.stderr, flush=True)
        run_measured(proc.pid, "connector", system, one, recorded)
        steps = (
            ("plain", ("plain", system, one, recorded)),
            ("connector_c1", ("connector", system, one)),
            ("connector_default", ("connector", system, many)),
            ("import_default", ("import", system, many)),
        )
        for name, args in steps:
            print(f"{system}: {name} ...", file=sys.stderr, flush=True)
            runs[name] = run_measured(proc.pid, *args)
    finally:
        proc.terminate()
        proc.wait()
        Path(recorded).unlink(missing_ok=True)
    plain = runs["plain"]["seconds"]
    for run in runs.values():
        run["ratio_to_plain"] = round(run["seconds"] / plain, 2)
        # the share of the wall clock the sandbox spent on CPU: near 1.0 the shop side is the limit
        run["sandbox_busy"] = round(run["sandbox_cpu_s"] / run["seconds"], 2)
        for key in ("seconds", "cpu_s", "sandbox_cpu_s"):
            run[key] = round(run[key], 2)
    return {
        "system": system,
        "orders": orders,
        "default_concurrency": default,
        "shop_ms_per_request": SHOP_MS,
        "sandbox_startup_s": round(startup, 2),
        "goal_import_at_most_0_6_of_plain": runs["import_default"]["ratio_to_plain"] <= 0.6,
        **runs,
    }


def main() -> None:
    report: dict[str, Any] = {
        "machine": {
            "platform": platform.platform(),
            "machine": platform.machine(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
        },
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "orders": ORDERS,
        "systems": [bench_system(system, ORDERS) for system in concurrency_connectors()],
    }
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2), flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        measure(sys.argv[2:])
    else:
        main()
