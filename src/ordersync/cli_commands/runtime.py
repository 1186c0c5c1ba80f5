"""`ordersync serve|worker|sandbox|sync|dispatch|quarantine|db|docs`: running the hub and its tools."""

from __future__ import annotations

import importlib
import json
import time
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from ..cli_shared import ACCOUNT, _hub, _progress, app, db_app, err, out

if TYPE_CHECKING:  # type names only: the modules are imported by the commands that use them
    from ..sync.hub import Hub


def make_sandbox(system: str, seed: int, orders: int, **options):
    from ..channels.registry import get_connector
    from ..sync.hub import HubError

    cls = get_connector(system)
    if not cls.sandbox_factory:
        raise HubError(f"{system} has no sandbox")
    module, func = cls.sandbox_factory.split(":")
    return getattr(importlib.import_module(module), func)(seed=seed, orders=orders, **options)


@app.command()
def sandbox(
    system: str,
    port: int = typer.Option(8081, "--port"),
    orders: int = typer.Option(100, "--orders"),
    seed: int = typer.Option(1, "--seed"),
    host: str = typer.Option("127.0.0.1", "--host"),
    https_offload: bool = typer.Option(False, "--https-offload", help="accept Basic auth as if behind a TLS proxy"),
) -> None:
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
    from ..application.erasure import erase_buyer
    from ..sync.hub import HubError
    from ..sync.importer import connection_id_by_name, import_orders

    hub = _hub()
    conn_id = connection_id_by_name(hub, name, account)
    with _progress() as bar:
        task = bar.add_task(f"orders from {name}", total=None)
        result = import_orders(
            hub, conn_id, erase=erase_buyer, progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    if result.skipped:
        raise HubError(f"sync of {name!r} skipped: {result.skipped}")
    if result.error:
        raise HubError(f"sync of {name!r} failed: {result.error}")
    out.print(
        f"{name}: {result.fetched} read, {result.created} new, {result.updated} changed, "
        f"{result.unchanged} unchanged, {result.quarantined} quarantined"
    )


@app.command()
def dispatch(name: str = typer.Argument(None), account: str = ACCOUNT) -> None:
    """Deliver pending outbox entries now (status, tracking, stock, messages)."""
    from ..sync import dispatcher
    from ..sync.importer import connection_id_by_name

    hub = _hub()
    conn_id = connection_id_by_name(hub, name, account) if name else None
    result = dispatcher.dispatch(hub, conn_id)
    out.print(f"{result.sent} sent, {result.retried} to retry, {result.dead} dead letters")
    for line in result.errors:
        err.print(line, markup=False)


@app.command()
def quarantine(name: str = typer.Argument(None), account: str = ACCOUNT) -> None:
    """Records that could not be imported, with the reason."""
    from ..sync.importer import connection_id_by_name
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
    from ..sync.hub import Hub

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
def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8080, "--port"),
    worker: bool = typer.Option(True, "--worker/--no-worker", help="run the task worker in this process"),
    workers: int = typer.Option(4, "--workers", help="worker threads"),
    demo: bool = typer.Option(False, "--demo", help="also start a WooCommerce sandbox and connect it"),
) -> None:
    """Run the hub: web server, scheduler and (by default) the task worker."""
    from ..channels.sdk.serving import serve_in_thread
    from ..jobs import tasks
    from ..jobs.mailwatch import MailWatchers
    from ..jobs.queue import huey, set_hub
    from ..jobs.scheduler import SchedulerThread
    from ..jobs.worker import prepare_process
    from ..web.app import create_app

    _logging()
    hub = _hub()
    prepare_process(hub)
    set_hub(hub)
    if demo:
        from .demo import start_demo

        start_demo(hub)
    # a worker (here, or elsewhere on Redis) processes deliveries; with neither, intake processes them itself
    queued = worker or hub.config.redis_url is not None
    on_delivery = tasks.announce_webhooks if queued else None
    web = serve_in_thread(create_app(hub, on_delivery), host=host, port=port, log_level="warning")
    from ..telemetry.logs import take_over

    take_over("uvicorn", "uvicorn.error", "uvicorn.access")  # uvicorn's lines in ORDERSYNC_LOG_FORMAT too
    scheduler = SchedulerThread(hub)
    scheduler.start()
    watchers = MailWatchers(hub)  # IMAP IDLE: e-mail orders within seconds (workers elsewhere watch their own)
    if worker:
        watchers.start()
    out.print(f"ordersync is running: open {web.base_url}/ in a browser; data in {hub.config.home}")
    from ..accounts import first_start

    login = first_start(hub, web.base_url)  # only when no user exists yet: the owner's login, printed once
    if login:
        out.print(login)
    out.print("try: ordersync orders list   ·   ordersync connections list   ·   Ctrl+C stops")
    try:
        if worker:
            huey.create_consumer(workers=workers, worker_type="thread", periodic=False, graceful_signal="TERM").run()
        else:
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.stop()
        watchers.stop()
        web.stop()


def _logging() -> None:
    """Text or JSON lines (ORDERSYNC_LOG_FORMAT), with the connection and account ids (telemetry.logs)."""
    import logging

    from ..telemetry.logs import configure

    configure(logging.INFO)


@app.command()
def worker(
    concurrency: int = typer.Option(4, "--concurrency", "-c", min=1, help="tasks run at once (threads)"),
    scheduler: bool = typer.Option(
        True, "--scheduler/--no-scheduler", help="also find due polls, webhooks and outbox entries"
    ),
    tick: float = typer.Option(5.0, "--tick", min=0.2, help="seconds between scheduler passes"),
    shutdown_timeout: float = typer.Option(
        60.0, "--shutdown-timeout", min=0, help="on SIGTERM, seconds running tasks get to finish"
    ),
) -> None:
    """Run a task worker (Huey consumer); start as many as the load needs, on any machine.

    Shares the queue and the channels' call budgets through ORDERSYNC_REDIS_URL; without it the queue is
    the SQLite file in ORDERSYNC_HOME (one machine). SIGTERM stops gracefully."""
    from ..jobs.worker import run_worker
    from ..sync.hub import Hub

    _logging()
    hub = Hub.open(migrate=False)  # `ordersync db upgrade` migrates once; ten workers starting must not race
    if hub.config.redis_url is None:
        err.print(
            "ORDERSYNC_REDIS_URL is not set: using the SQLite task queue in "
            f"{hub.config.queue_path} (workers on this machine only)",
            markup=False,
        )
    run_worker(hub, concurrency=concurrency, scheduler=scheduler, tick=tick, shutdown_timeout=shutdown_timeout)


@db_app.command("rotate-key")
def db_rotate_key() -> None:
    """Re-encrypt every stored secret with the first key of ORDERSYNC_MASTER_KEY ("new,old").

    Rotation: set ORDERSYNC_MASTER_KEY=NEW,OLD everywhere and restart, run this once, then drop OLD."""
    from ..sync.hub import Hub

    hub = Hub.open(migrate=False)
    counts = _rotate_all(hub)
    for table, n in sorted(counts.items()):
        out.print(f"{table}: {n} secret(s) re-encrypted")
    out.print(f"done: {sum(counts.values())} secret(s) now use the newest key; the old key can be removed")


def _rotate_all(hub: Hub) -> dict[str, int]:
    """Every text value in the database that the hub's keys decrypt is a sealed secret: rotate it in place.

    Found by looking, not by a list of columns, so secrets added by any module are covered. A Fernet token
    starts with "gAAAAA" (version byte 0x80); only the keys can open one, so nothing else is touched."""
    from cryptography.fernet import InvalidToken
    from sqlalchemy import MetaData, String, Text, select, update

    meta = MetaData()
    meta.reflect(hub.db.engine)
    counts: dict[str, int] = {}
    with hub.db.session() as s:
        for table in meta.sorted_tables:
            pk = list(table.primary_key.columns)
            cols = [c for c in table.columns if isinstance(c.type, (String, Text)) and not c.primary_key]
            if not pk or not cols:
                continue
            for col in cols:
                rows = s.execute(select(*pk, col).where(col.like("gAAAAA%"))).all()
                for row in rows:
                    try:
                        fresh = hub.secrets.rotate(row[-1])
                    except InvalidToken:
                        continue
                    s.execute(
                        update(table)
                        .where(*[c == v for c, v in zip(pk, row[:-1], strict=True)])
                        .values({col.name: fresh})
                    )
                    counts[table.name] = counts.get(table.name, 0) + 1
    return counts
