"""Tasks run by Huey workers. Each is safe to run twice: they act on database state, not on task data."""

from __future__ import annotations

from ..sync import dispatcher, importer, webhooks
from .queue import get_hub, huey


@huey.task()
def sync_connection(connection_id: int) -> dict:
    result = importer.import_orders(get_hub(), connection_id)
    dispatcher.dispatch(get_hub(), connection_id)
    return {"created": result.created, "updated": result.updated, "error": result.error,
            "skipped": result.skipped}


@huey.task()
def process_webhook(delivery_row: int) -> str:
    return webhooks.process_delivery(get_hub(), delivery_row)


@huey.task()
def dispatch_outbox(connection_id: int | None = None) -> int:
    return dispatcher.dispatch(get_hub(), connection_id).sent
