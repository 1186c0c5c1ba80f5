"""Channels whose notifications wait in a queue the hub reads (e.g. Amazon SP-API's SQS destination) instead
of being pushed to a webhook URL.

A connector declares ``notification_queue = PullQueue(...)`` and implements ``receive_notifications`` and
``ack_notifications``. No webhook address is registered for it (it declares no ``Mode.WEBHOOK``); each poll
of the connection first drains the queue: messages are stored like webhook deliveries (same table, same
dedupe on the connection and delivery id, same processing through ``parse_webhook``), and only acknowledged
once stored, so a crash in between makes the queue hand them out again and the dedupe absorbs the repeat.
The regular window poll runs afterwards as always, so a lost message costs one poll interval, never an order.
"""

from __future__ import annotations

from dataclasses import dataclass

from .records import WebhookMeta


@dataclass(frozen=True, slots=True)
class PullQueue:
    """``batch``: messages asked for per receive; ``max_batches``: per poll, so a queue that fills as fast
    as it drains cannot hold a worker for ever (the rest waits for the next poll)."""

    batch: int = 10
    max_batches: int = 20


@dataclass(frozen=True, slots=True)
class QueuedNotification:
    """One message: its envelope (``delivery_id`` dedupes), its raw body, and the handle that acknowledges
    (deletes) it in the queue."""

    meta: WebhookMeta
    body: bytes
    receipt: str
