"""Tasks run by Huey workers. Each is safe to run twice: they act on database state, not on task data."""

from __future__ import annotations

from datetime import timedelta

from .. import forwarding, notify
from ..application.erasure import erase_buyer
from ..channels.registry import get_connector
from ..channels.sdk.capabilities import Capability
from ..domain.timeutil import utcnow
from ..sync import articles, connections, dispatcher, importer, leases, webhooks
from .drains import Drains
from .gate import arm, disarm
from .queue import get_hub, huey

ARTICLE_INTERVAL = timedelta(hours=1)


def articles_due(hub, connection_id: int) -> bool:
    """Articles change far less often than orders: they are read incrementally once an hour."""
    if not get_connector(connections.load(hub, connection_id).system).supports(Capability.IMPORT_ARTICLES):
        return False
    position = importer.get_position(hub, connection_id, "articles")
    return position is None or utcnow() - position >= ARTICLE_INTERVAL


@huey.task()
def sync_connection(connection_id: int) -> dict:
    """Articles (when due) and orders of one connection under one lease, so no other worker reads the
    connection meanwhile; the order import takes the same lease again (same owner) and renews it per page."""
    hub = get_hub()
    owner = leases.owner_id()
    if not leases.acquire(hub, connection_id, owner):
        return {"skipped": "another sync of this connection is running"}
    try:
        if articles_due(hub, connection_id):
            articles.import_articles(hub, connection_id)
        result = importer.import_orders(hub, connection_id, erase=erase_buyer)
    except leases.LeaseLost as exc:
        return {"skipped": str(exc)}
    finally:
        leases.release(hub, connection_id, owner)
    dispatcher.dispatch(hub)  # stock changes of this import go to every other channel at once
    return {"created": result.created, "updated": result.updated, "error": result.error, "skipped": result.skipped}


FLAG_EXPIRY = 30.0  # an announcement lost with a killed worker holds back the next one this long at most
DRAIN_ROUNDS = 50  # batches one task imports before it hands the rest to a fresh task (other tasks get a turn)
drains = Drains()  # one draining thread per connection in this process (see jobs.drains)


def announce_webhooks(connection_id: int) -> None:
    """Called by intake for each stored delivery: queue a task unless one is announced and not yet started.
    At 300 deliveries a second this queues a task per batch, not per delivery."""
    if arm(huey, f"webhooks:{connection_id}", FLAG_EXPIRY):
        process_webhooks(connection_id)


@huey.task()
def process_webhooks(connection_id: int) -> int:
    """Import a connection's stored deliveries batch after batch, each as soon as the previous one is written:
    a batch holds what arrived while the previous one was being imported, so nothing waits for a batch to
    fill. The flag is lowered before each look, so a delivery stored meanwhile announces a new task; another
    worker process runs it beside this one on its own batch (claims never overlap), and a thread of this
    process leaves a note that this loop looks again (``drains``)."""
    if not drains.begin(connection_id):
        return 0
    hub = get_hub()
    handled, finished = 0, False
    try:
        for _ in range(DRAIN_ROUNDS):
            disarm(huey, f"webhooks:{connection_id}")
            batch = webhooks.claim(hub, connection_id)
            if not batch:
                finished = drains.finish(connection_id)
                if finished:
                    return handled
                continue
            webhooks.process_claimed(hub, batch, erase=erase_buyer)
            handled += len(batch)
            dispatcher.dispatch(hub)  # stock changes of these orders go to the other channels
    finally:
        if not finished:
            drains.abandon(connection_id)
    process_webhooks(connection_id)  # rounds used up with more waiting: a fresh task goes on with it
    return handled


@huey.task()
def dispatch_outbox(connection_id: int | None = None) -> int:
    return dispatcher.dispatch(get_hub(), connection_id).sent


@huey.task()
def deliver_notifications() -> dict:
    """Integrators' webhooks and order forwarding. Both find their due work in the database and are safe to
    run in several workers at once; they run as a task, not in the scheduler, because they wait on HTTP."""
    hub = get_hub()
    queued = forwarding.apply_rules(hub)
    return {
        "webhooks_sent": notify.deliver_due(hub),
        "forwards_queued": queued,
        "forwards_sent": forwarding.dispatch_due(hub),
    }


@huey.task()
def reconcile_connection(connection_id: int) -> dict:
    """A scheduled reconciliation of one connection; a run already going (or resumed by another worker)
    is left to it."""
    from ..hub import HubError
    from ..reconcile import runs

    try:
        found = runs.run(get_hub(), connection_id, trigger="scheduled")
    except HubError as exc:
        return {"skipped": str(exc)}
    return {"run": found.id, "status": found.status, "differences": found.differences}


@huey.task()
def reconcile_run(run_id: int, token: str) -> dict:
    """A reconciliation asked for in the web app, handed out by the scheduler under ``token``."""
    from ..reconcile import runs

    hub = get_hub()
    owner = leases.owner_id()
    if not runs.take(hub, run_id, token, owner):
        return {"skipped": f"reconciliation run {run_id} was resumed by another start"}
    try:
        found = runs.execute(hub, run_id, owner=owner)
    except leases.LeaseLost as exc:
        return {"skipped": str(exc)}
    return {"run": found.id, "status": found.status, "differences": found.differences}
