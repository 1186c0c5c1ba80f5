"""Tasks run by Huey workers. Each is safe to run twice: they act on database state, not on task data."""

from __future__ import annotations

from datetime import timedelta

from ..channels.registry import get_connector
from ..channels.sdk.capabilities import Capability
from ..domain.timeutil import utcnow
from .. import forwarding, notify
from ..sync import articles, connections, dispatcher, importer, leases, webhooks
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
        result = importer.import_orders(hub, connection_id)
    except leases.LeaseLost as exc:
        return {"skipped": str(exc)}
    finally:
        leases.release(hub, connection_id, owner)
    dispatcher.dispatch(hub)  # stock changes of this import go to every other channel at once
    return {"created": result.created, "updated": result.updated, "error": result.error,
            "skipped": result.skipped}


@huey.task()
def process_webhook(delivery_row: int) -> str:
    status = webhooks.process_delivery(get_hub(), delivery_row)
    dispatcher.dispatch(get_hub())
    return status


@huey.task()
def dispatch_outbox(connection_id: int | None = None) -> int:
    return dispatcher.dispatch(get_hub(), connection_id).sent


@huey.task()
def deliver_notifications() -> dict:
    """Integrators' webhooks and order forwarding. Both find their due work in the database and are safe to
    run in several workers at once; they run as a task, not in the scheduler, because they wait on HTTP."""
    hub = get_hub()
    queued = forwarding.apply_rules(hub)
    return {"webhooks_sent": notify.deliver_due(hub), "forwards_queued": queued,
            "forwards_sent": forwarding.dispatch_due(hub)}
