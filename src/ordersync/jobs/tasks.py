"""Tasks run by Huey workers. Each is safe to run twice: they act on database state, not on task data."""

from __future__ import annotations

from datetime import timedelta

from ..channels.registry import get_connector
from ..channels.sdk.capabilities import Capability
from ..domain.timeutil import utcnow
from ..sync import articles, connections, dispatcher, importer, webhooks
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
    hub = get_hub()
    if articles_due(hub, connection_id):
        articles.import_articles(hub, connection_id)
    result = importer.import_orders(hub, connection_id)
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
