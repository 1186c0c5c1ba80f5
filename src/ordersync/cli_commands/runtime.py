"""`ordersync serve|sandbox|sync|dispatch|quarantine|db|docs`: running the hub and its tools."""

from __future__ import annotations

import importlib
import json
import logging
import time

import typer
from rich.table import Table

from ..channels.registry import get_connector
from ..cli import ACCOUNT, _hub, _progress, app, db_app, err, out
from ..sync import dispatcher
from ..sync.hub import Hub, HubError
from ..sync.importer import connection_id_by_name, import_orders


def make_sandbox(system: str, seed: int, orders: int, **options):
    cls = get_connector(system)
    if not cls.sandbox_factory:
        raise HubError(f"{system} has no sandbox")
    module, func = cls.sandbox_factory.split(":")
    return getattr(importlib.import_module(module), func)(seed=seed, orders=orders, **options)


@app.command()
def sandbox(system: str, port: int = typer.Option(8081, "--port"), orders: int = typer.Option(100, "--orders"),
            seed: int = typer.Option(1, "--seed"), host: str = typer.Option("127.0.0.1", "--host"),
            https_offload: bool = typer.Option(False, "--https-offload",
                                               help="accept Basic auth as if behind a TLS proxy")) -> None:
    """Run a channel's sandbox; prints one JSON line with its URL and the settings to connect with."""
    import uvicorn

    from ..channels.sdk.serving import free_port

    box = make_sandbox(system, seed, orders, **({"https_offload": True} if https_offload else {}))
    port = port or free_port(host)
    base = f"http://{host}:{port}"
    print(json.dumps({"base_url": base, "settings": box.settings_for(base)}), flush=True)
    uvicorn.run(box.app, host=host, port=port, log_level="warning", access_log=False)


@app.command()
def sync(name: str, account: str = ACCOUNT) -> None:
    """Import new and changed orders of a connection now."""
    hub = _hub()
    conn_id = connection_id_by_name(hub, name, account)
    with _progress() as bar:
        task = bar.add_task(f"orders from {name}", total=None)
        result = import_orders(hub, conn_id, progress=lambda done, total: bar.update(task, completed=done,
                                                                                     total=total))
    if result.skipped:
        raise HubError(f"sync of {name!r} skipped: {result.skipped}")
    if result.error:
        raise HubError(f"sync of {name!r} failed: {result.error}")
    out.print(f"{name}: {result.fetched} read, {result.created} new, {result.updated} changed, "
              f"{result.unchanged} unchanged, {result.quarantined} quarantined")


@app.command()
def dispatch(name: str = typer.Argument(None), account: str = ACCOUNT) -> None:
    """Deliver pending outbox entries now (status, tracking, stock, messages)."""
    hub = _hub()
    conn_id = connection_id_by_name(hub, name, account) if name else None
    result = dispatcher.dispatch(hub, conn_id)
    out.print(f"{result.sent} sent, {result.retried} to retry, {result.dead} dead letters")
    for line in result.errors:
        err.print(line, markup=False)


@app.command()
def quarantine(name: str = typer.Argument(None), account: str = ACCOUNT) -> None:
    """Records that could not be imported, with the reason."""
    from ..sync.quarantine import open_entries

    hub = _hub()
    conn_id = connection_id_by_name(hub, name, account) if name else None
    with hub.db.session() as s:
        rows = open_entries(s, conn_id)
    table = Table("connection", "stream", "record", "reason", "hint", "seen")
    for q in rows:
        table.add_row(str(q.connection_id), q.stream, q.external_id, q.reason, q.hint, str(q.seen_count))
    out.print(table)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations."""
    hub = Hub.open(migrate=False)
    hub.db.upgrade()
    out.print(f"database at {hub.config.database_url.split('@')[-1]} is up to date")


@app.command()
def docs(path: str = typer.Option("docs/channels.md", "--path")) -> None:
    """Regenerate the channel matrix from the connectors' declarations."""
    from ..channels.matrix import write_docs

    write_docs(path)
    out.print(f"wrote {path}")


@app.command()
def serve(host: str = typer.Option("127.0.0.1", "--host"), port: int = typer.Option(8080, "--port"),
          worker: bool = typer.Option(True, "--worker/--no-worker", help="run the task worker in this process"),
          workers: int = typer.Option(4, "--workers", help="worker threads"),
          demo: bool = typer.Option(False, "--demo", help="also start a WooCommerce sandbox and connect it")) -> None:
    """Run the hub: web server, scheduler and (by default) the task worker."""
    from ..channels.sdk.serving import serve_in_thread
    from ..jobs import tasks
    from ..jobs.queue import huey, set_hub
    from ..jobs.scheduler import SchedulerThread
    from ..web.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every URL at INFO; OAuth 1.0a puts the consumer key and signature in the query string
    logging.getLogger("httpx").setLevel(logging.WARNING)
    hub = _hub()
    set_hub(hub)
    if demo:
        from .demo import start_demo

        start_demo(hub)
    on_delivery = (lambda row: tasks.process_webhook(row)) if worker else None
    web = serve_in_thread(create_app(hub, on_delivery), host=host, port=port, log_level="warning")
    scheduler = SchedulerThread(hub)
    scheduler.start()
    out.print(f"ordersync is running: open {web.base_url}/ (status page); data in {hub.config.home}")
    out.print("try: ordersync orders list   ·   ordersync connections list   ·   Ctrl+C stops")
    try:
        if worker:
            huey.create_consumer(workers=workers, worker_type="thread", periodic=False).run()
        else:
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.stop()
        web.stop()
