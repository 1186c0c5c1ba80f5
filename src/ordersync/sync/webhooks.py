"""Webhook intake: verify, store raw, dedupe, answer fast; process later (invariants 1, 2, 9).

Intake does the least that makes a delivery safe: the signature is checked in constant time (a bad one is
answered 401 and stored nowhere), the raw body is stored under a unique (connection, delivery id), and the
channel gets its 2xx. A redelivery hits the unique constraint and is acknowledged without effect.
Processing maps the stored body like a polled page, so a webhook for an order not yet polled creates it,
and a stale redelivery never overwrites newer data (see upsert). Webhooks only speed imports up: polling
still reads every window, so a lost webhook costs minutes, never an order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..channels.sdk.errors import RecordError, WebhookRejected
from ..channels.sdk.records import Quarantined, WebhookMeta
from ..domain.timeutil import utcnow
from ..store.models import Connection, WebhookDelivery
from . import connections
from .hub import Hub
from .importer import store_page
from .quarantine import quarantine

MAX_BODY = 5 * 1024 * 1024


@dataclass(frozen=True)
class IntakeResult:
    status: int
    message: str
    delivery_row: int | None = None


def receive(hub: Hub, system: str, token: str, headers: dict[str, str], body: bytes) -> IntakeResult:
    if len(body) > MAX_BODY:
        return IntakeResult(413, f"body of {len(body)} bytes exceeds {MAX_BODY}")
    with hub.db.session() as s:
        row = s.scalar(select(Connection).where(Connection.webhook_token == token))
    if row is None or row.system != system:
        return IntakeResult(404, "unknown webhook address")
    connector = connections.build_connector(hub, row)
    try:
        meta = connector.verify_webhook(headers, body)
    except WebhookRejected as exc:
        return IntakeResult(exc.status, str(exc))
    finally:
        connector.close()
    if meta.is_ping:
        return IntakeResult(200, "ping acknowledged")
    try:
        with hub.db.session() as s:
            delivery = WebhookDelivery(
                connection_id=row.id, delivery_id=meta.delivery_id[:200], topic=meta.topic[:100],
                resource_id=meta.resource_id[:200],
                headers=json.dumps(_keep_headers(headers)), body=body, status="received",
                received_at=utcnow())
            s.add(delivery)
            s.flush()
            return IntakeResult(202, "accepted", delivery.id)
    except IntegrityError:
        return IntakeResult(200, "duplicate delivery ignored")


def _keep_headers(headers: dict[str, str]) -> dict[str, str]:
    skip = {"authorization", "cookie"}
    return {k.lower(): v for k, v in headers.items() if k.lower() not in skip}


def process_delivery(hub: Hub, delivery_row: int) -> str:
    """Import what one stored delivery carries. Returns its final status."""
    with hub.db.session() as s:
        d = s.get(WebhookDelivery, delivery_row)
        if d is None or d.status == "processed":
            return "processed"
        conn = s.get(Connection, d.connection_id)
        body, delivery_id = d.body, d.delivery_id
        meta = WebhookMeta(delivery_id=delivery_id, topic=d.topic, resource_id=d.resource_id)
    connector = connections.build_connector(hub, conn)
    status, error = "processed", None
    try:
        page = connector.parse_webhook(meta, body)
        store_page(hub, conn.account_id, conn.id, page, source="webhook", connector=connector)
    except RecordError as exc:
        with hub.db.session() as s:
            quarantine(s, conn.id, "orders", [Quarantined(f"webhook:{delivery_id}", body, str(exc), exc.hint)])
        status, error = "failed", str(exc)
    finally:
        connector.close()
    with hub.db.session() as s:
        d = s.get(WebhookDelivery, delivery_row)
        d.status, d.error, d.processed_at = status, error, utcnow()
    return status


def pending_deliveries(hub: Hub, limit: int = 500, older_than: float = 0.0) -> list[int]:
    """Deliveries stored but not yet processed, e.g. after a crash between intake and processing."""
    cutoff = utcnow() - timedelta(seconds=older_than)
    with hub.db.session() as s:
        return list(s.scalars(select(WebhookDelivery.id)
                              .where(WebhookDelivery.status == "received", WebhookDelivery.received_at <= cutoff)
                              .order_by(WebhookDelivery.id).limit(limit)))


def process_pending(hub: Hub) -> int:
    done = 0
    for row_id in pending_deliveries(hub):
        process_delivery(hub, row_id)
        done += 1
    return done
