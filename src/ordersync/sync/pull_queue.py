"""Draining a channel's notification queue at the start of each poll (channels.sdk.pull_queue).

Messages become webhook deliveries (stored, deduped on the connection and delivery id, processed through the
connector's ``parse_webhook``), acknowledged only after the transaction that stored them committed. A queue
that fails is logged and skipped: the window poll that follows still reads every order.
"""

from __future__ import annotations

import json
import logging

from ..channels.sdk.connector import Connector
from ..channels.sdk.errors import ChannelError
from ..domain.timeutil import utcnow
from . import webhooks
from .hub import Hub

log = logging.getLogger(__name__)


def drain(hub: Hub, connection_id: int, connector: Connector, *, erase: webhooks.Eraser | None = None) -> int:
    """Store and acknowledge the waiting messages, then process them; returns how many were received.
    ``erase`` is passed to processing as by webhook intake, so an erasure request in the queue is honoured."""
    declared = type(connector).notification_queue
    if declared is None:
        return 0
    received = 0
    for _ in range(declared.max_batches):
        try:
            batch = connector.receive_notifications(declared.batch)
        except ChannelError as exc:
            log.warning("notification queue of connection %s: %s; the poll goes on without it", connection_id, exc)
            break
        if not batch:
            break
        with hub.db.engine.begin() as c:
            for message in batch:
                c.execute(
                    webhooks._STORE[c.dialect.name],
                    dict(
                        connection_id=connection_id,
                        delivery_id=message.meta.delivery_id[:200],
                        topic=message.meta.topic[:100],
                        resource_id=message.meta.resource_id[:200],
                        headers=json.dumps({"source": "queue"}),
                        body=message.body,
                        status="received",
                        received_at=utcnow(),
                    ),
                )
        received += len(batch)
        try:
            connector.ack_notifications([m.receipt for m in batch])
        except ChannelError as exc:  # stored already: the queue hands them out again and the dedupe absorbs them
            log.warning("notification queue of connection %s: acknowledging failed: %s", connection_id, exc)
        if len(batch) < declared.batch:
            break
    if received:
        webhooks.process_connection(hub, connection_id, erase=erase)
    return received
