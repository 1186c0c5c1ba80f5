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
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..channels.sdk.connector import Connector
from ..channels.sdk.errors import RecordError, WebhookRejected
from ..channels.sdk.records import OrderPage, Page, Quarantined, WebhookMeta
from ..domain.order import Order
from ..domain.timeutil import utcnow
from ..store.models import Connection, WebhookDelivery
from ..telemetry.context import bound
from . import connections, webhook_health
from .erased_buyers import erased_among, marker
from .hub import Hub
from .importer import store_page
from .quarantine import quarantine

MAX_BODY = 5 * 1024 * 1024
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntakeResult:
    status: int
    message: str
    delivery_row: int | None = None
    connection_id: int | None = None


def receive(hub: Hub, system: str, token: str, headers: dict[str, str], body: bytes) -> IntakeResult:
    if len(body) > MAX_BODY:
        return IntakeResult(413, f"body of {len(body)} bytes exceeds {MAX_BODY}")
    with hub.db.engine.begin() as c:  # a Core connection: the ORM's bookkeeping cost more than the work
        found = c.execute(_FIND, {"token": token}).first()
        if found is None or found.system != system:
            return IntakeResult(404, "unknown webhook address")
        with bound(connection_id=found.id, account_id=found.account_id):
            try:
                meta = _verifier(hub, c, found.id, found.updated_at).verify_webhook(headers, body)
            except WebhookRejected as exc:
                return IntakeResult(exc.status, str(exc), connection_id=found.id)
            if meta.is_ping:
                return IntakeResult(200, "ping acknowledged", connection_id=found.id)
            stored = c.execute(
                _STORE[c.dialect.name],
                dict(
                    connection_id=found.id,
                    delivery_id=meta.delivery_id[:200],
                    topic=meta.topic[:100],
                    resource_id=meta.resource_id[:200],
                    headers=json.dumps(_keep_headers(headers)),
                    body=body,
                    status="received",
                    received_at=utcnow(),
                ),
            ).scalar()
    if stored is None:
        return IntakeResult(200, "duplicate delivery ignored", connection_id=found.id)
    return IntakeResult(202, "accepted", stored, found.id)


def known_address(hub: Hub, system: str, token: str) -> bool:
    """Whether ``/webhooks/{system}/{token}`` belongs to a connection: intake asks before reading a body."""
    if "\x00" in token or len(token) > 200:  # no token looks like that, and PostgreSQL refuses a NUL
        return False
    with hub.db.engine.connect() as c:
        found = c.execute(_FIND, {"token": token}).first()
    return found is not None and found.system == system


# Built once: at hundreds of deliveries a second, building the statements cost more than running them.
_FIND = select(Connection.id, Connection.account_id, Connection.system, Connection.updated_at).where(
    Connection.webhook_token == bindparam("token")
)
_COLUMNS = ("connection_id", "delivery_id", "topic", "resource_id", "headers", "body", "status", "received_at")
_STORE = {
    name: dialect.insert(WebhookDelivery.__table__)
    .values({c: bindparam(c) for c in _COLUMNS})
    .on_conflict_do_nothing(index_elements=["connection_id", "delivery_id"])
    .returning(WebhookDelivery.__table__.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


_verifiers: dict[tuple[int, int], tuple[object, datetime, Connector]] = {}
_verifiers_lock = threading.Lock()


def _verifier(hub: Hub, c, connection_id: int, updated_at: datetime) -> Connector:
    """The connection's connector for checking signatures, kept between deliveries: building one opens its
    settings and state, which cost more than the check. Any change to the connection (new secret, new
    webhook registration) changes ``updated_at`` and so builds a fresh one."""
    key = (id(hub.db), connection_id)
    with _verifiers_lock:
        cached = _verifiers.get(key)
    if cached is not None and cached[0] is hub.db and cached[1] == updated_at:
        return cached[2]
    with Session(bind=c) as s:  # the same connection: on SQLite a second one would wait for this one's lock
        connector = connections.build_connector(hub, s.get_one(Connection, connection_id))
    with _verifiers_lock:
        old = _verifiers.get(key)
        _verifiers[key] = (hub.db, updated_at, connector)
    if old is not None:
        old[2].close()
    return connector


def _keep_headers(headers: dict[str, str]) -> dict[str, str]:
    skip = {"authorization", "cookie"}
    return {k.lower(): v for k, v in headers.items() if k.lower() not in skip}


class Erased(Protocol):
    orders: int  # orders changed (the result says more, per place)


#: ``erase(hub, connection_id, buyer_id, reason) -> Erased``: the application layer's erasure
#: (``application.erasure.erase_buyer``), passed in by the worker and the web app, which may import it
Eraser = Callable[[Hub, int, str, str], Erased]

CLAIM = timedelta(minutes=5)  # a processor that dies leaves its claimed deliveries to others after this
BATCH = 200


def _claimable(now):
    return or_(
        WebhookDelivery.status == "received",
        (WebhookDelivery.status == "processing") & (WebhookDelivery.claimed_until < now),
    )


def claim(hub: Hub, connection_id: int | None = None, *, ids: list[int] | None = None, limit: int = BATCH) -> list[int]:
    """Claim stored deliveries (received, or claimed by a processor whose claim ran out), oldest first.

    Rows are locked in id order and rows another processor holds are skipped (PostgreSQL), so processors
    running side by side take disjoint batches and never wait on each other."""
    now = utcnow()
    with hub.db.session() as s:
        q = select(WebhookDelivery.id).where(_claimable(now))
        if connection_id is not None:
            q = q.where(WebhookDelivery.connection_id == connection_id)
        if ids is not None:
            q = q.where(WebhookDelivery.id.in_(ids))
        free = list(s.scalars(q.order_by(WebhookDelivery.id).limit(limit).with_for_update(skip_locked=True)))
        if not free:
            return []
        return sorted(
            s.scalars(
                update(WebhookDelivery)
                .where(WebhookDelivery.id.in_(free), _claimable(now))
                .values(status="processing", claimed_until=now + CLAIM)
                .returning(WebhookDelivery.id)
            )
        )


def process_claimed(hub: Hub, delivery_rows: list[int], *, erase: Eraser | None = None) -> dict[str, int]:
    """Import what claimed deliveries carry: one connector and one transaction per connection's batch.

    Several deliveries of one order in a batch become one write of the newest version (a stale one never
    overwrites a newer, as in upsert). When the batch's write fails, each delivery is written on its own, so
    one bad delivery cannot hold the others back; one that still fails goes back to waiting for a recheck.
    ``erase`` lets a connector act on a buyer's erasure request it receives (``ConnectorContext.erase_buyer``)."""
    with hub.db.session() as s:
        rows = s.execute(
            select(
                WebhookDelivery.id,
                WebhookDelivery.connection_id,
                WebhookDelivery.delivery_id,
                WebhookDelivery.topic,
                WebhookDelivery.resource_id,
                WebhookDelivery.body,
                WebhookDelivery.received_at,
            )
            .where(WebhookDelivery.id.in_(delivery_rows), WebhookDelivery.status == "processing")
            .order_by(WebhookDelivery.id)
        ).all()
    by_connection: dict[int, list] = {}
    for row in rows:
        by_connection.setdefault(row.connection_id, []).append(row)
    counts = {"processed": 0, "failed": 0, "retry": 0}
    for connection_id, batch in by_connection.items():
        for status, n in _process_connection_batch(hub, connection_id, batch, erase).items():
            counts[status] += n
    return counts


def _process_connection_batch(hub: Hub, connection_id: int, batch: list, erase: Eraser | None = None) -> dict[str, int]:
    with hub.db.session() as s:
        conn = s.get(Connection, connection_id)
    if conn is None:
        return {}  # removed meanwhile; its deliveries went with it (ON DELETE CASCADE)
    with bound(connection_id=conn.id, account_id=conn.account_id):
        return _process_batch(hub, conn, batch, erase)


def _process_batch(hub: Hub, conn: Connection, batch: list, erase: Eraser | None = None) -> dict[str, int]:
    connector = connections.build_connector(hub, conn)
    if erase is not None:
        connection_id = conn.id
        connector.context.erase_buyer = lambda buyer_id, reason: erase(hub, connection_id, buyer_id, reason).orders
    outcome: dict[int, tuple[str, str | None]] = {}
    parsed: list[tuple[int, OrderPage]] = []
    try:
        quarantined = []
        for row in batch:
            meta = WebhookMeta(delivery_id=row.delivery_id, topic=row.topic, resource_id=row.resource_id)
            try:
                parsed.append((row.id, connector.parse_webhook(meta, row.body)))
            except RecordError as exc:
                quarantined.append(Quarantined(f"webhook:{row.delivery_id}", row.body, str(exc), exc.hint))
                outcome[row.id] = ("failed", str(exc))
            except Exception as exc:  # noqa: BLE001 - e.g. the channel was unreachable for a follow-up read
                log.warning("webhook delivery %s of connection %s: %s", row.id, conn.id, exc)
                outcome[row.id] = ("retry", f"{type(exc).__name__}: {exc}")
        if quarantined:
            with hub.db.session() as s:
                quarantine(s, conn.id, "orders", quarantined)
        try:
            store_page(
                hub,
                conn.account_id,
                conn.id,
                _merge([page for _, page in parsed]),
                source="webhook",
                connector=connector,
            )
            outcome.update((row_id, ("processed", None)) for row_id, _ in parsed)
        except Exception:  # noqa: BLE001 - isolate the delivery that breaks the batch
            log.warning(
                "webhook batch of connection %s failed; writing its deliveries one by one", conn.id, exc_info=True
            )
            for row_id, page in parsed:
                try:
                    store_page(hub, conn.account_id, conn.id, page, source="webhook", connector=connector)
                    outcome[row_id] = ("processed", None)
                except Exception as exc:  # noqa: BLE001 - kept for the recheck, visible in the log
                    log.exception("webhook delivery %s of connection %s failed", row_id, conn.id)
                    outcome[row_id] = ("retry", f"{type(exc).__name__}: {exc}")
    finally:
        connector.close()
    _erase_bodies_of_erased_buyers(hub, conn.id, parsed, outcome)
    received = {row.id: row.received_at for row in batch}
    webhook_health.record_delays(
        hub,
        conn.id,
        [
            (received[row_id] - order.updated_at).total_seconds()
            for row_id, page in parsed
            if outcome.get(row_id, ("",))[0] == "processed" and received.get(row_id)
            for order in page.records
            if order.updated_at is not None
        ],
    )
    return _settle(hub, outcome)


def _erase_bodies_of_erased_buyers(
    hub: Hub, connection_id: int, parsed: list[tuple[int, OrderPage]], outcome: dict[int, tuple[str, str | None]]
) -> None:
    """A processed delivery about an order of a buyer erased on the connection keeps no raw copy of the
    buyer's data: the order was stored stripped (upsert), and the body is replaced by the erasure marker. A
    delivery to be retried keeps its body, which the retry must read."""
    buyers = {
        row_id: {order.buyer.external_id for order in page.records} - {""}
        for row_id, page in parsed
        if outcome.get(row_id, ("",))[0] == "processed"
    }
    named = set().union(*buyers.values()) if buyers else set()
    if not named:
        return
    with hub.db.session() as s:
        erased = erased_among(s, connection_id, named)
        now = utcnow()
        for row_id, ids in buyers.items():
            hit = sorted(ids & erased.keys())
            if hit:
                s.execute(
                    update(WebhookDelivery)
                    .where(WebhookDelivery.id == row_id)
                    .values(body=marker(erased[hit[0]], now).encode())
                )


def _merge(pages: list[OrderPage]) -> OrderPage:
    """One page of every order in ``pages``: the newest version of each, in id order (one lock order)."""
    newest: dict[str, Order] = {}
    merged: OrderPage = Page()
    for page in pages:
        merged.quarantined += page.quarantined
        for order in page.records:
            known = newest.get(order.external_id)
            if known is None or order.updated_at >= known.updated_at:  # a later delivery wins a tie
                newest[order.external_id] = order
    merged.records = [newest[k] for k in sorted(newest)]
    return merged


def _settle(hub: Hub, outcome: dict[int, tuple[str, str | None]]) -> dict[str, int]:
    """Record each delivery's outcome: one UPDATE for all processed ones, one per failed or retried one (their
    errors differ)."""
    now = utcnow()
    done = sorted(row_id for row_id, (status, _) in outcome.items() if status == "processed")
    with hub.db.session() as s:
        if done:
            s.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id.in_(done))
                .values(status="processed", error=None, processed_at=now, claimed_until=None)
            )
        for row_id, (status, error) in sorted(outcome.items()):
            if status == "failed":
                s.execute(
                    update(WebhookDelivery)
                    .where(WebhookDelivery.id == row_id)
                    .values(status="failed", error=error, processed_at=now, claimed_until=None)
                )
            elif status == "retry":  # back to waiting; the scheduler's recheck announces it again
                s.execute(
                    update(WebhookDelivery)
                    .where(WebhookDelivery.id == row_id)
                    .values(status="received", error=error, claimed_until=None)
                )
    counts = {"processed": 0, "failed": 0, "retry": 0}
    for status, _ in outcome.values():
        counts[status] += 1
    return counts


def process_delivery(hub: Hub, delivery_row: int, *, erase: Eraser | None = None) -> str:
    """Import what one stored delivery carries (intake without a worker). Returns its status afterwards."""
    process_claimed(hub, claim(hub, ids=[delivery_row], limit=1), erase=erase)
    with hub.db.session() as s:
        d = s.get(WebhookDelivery, delivery_row)
        return "processed" if d is None else d.status


def process_connection(hub: Hub, connection_id: int, *, rounds: int = 50, erase: Eraser | None = None) -> int:
    """Claim and process a connection's waiting deliveries batch by batch; returns how many were handled."""
    handled = 0
    for _ in range(rounds):
        batch = claim(hub, connection_id)
        if not batch:
            break
        process_claimed(hub, batch, erase=erase)
        handled += len(batch)
    return handled


def waiting_connections(hub: Hub, older_than: float = 0.0) -> list[int]:
    """Connections with deliveries stored but not processed this long after intake (e.g. after a crash
    between intake and processing), or claimed by a processor whose claim ran out."""
    now = utcnow()
    cutoff = now - timedelta(seconds=older_than)
    with hub.db.session() as s:
        return list(
            s.scalars(
                select(WebhookDelivery.connection_id)
                .where(
                    or_(
                        (WebhookDelivery.status == "received") & (WebhookDelivery.received_at <= cutoff),
                        (WebhookDelivery.status == "processing") & (WebhookDelivery.claimed_until < now),
                    )
                )
                .group_by(WebhookDelivery.connection_id)
                .order_by(WebhookDelivery.connection_id)
            )
        )
