"""Where else the hub keeps an erased buyer's personal data, besides the order itself (application.erasure).

Each function erases one place for one connection's buyer in the caller's transaction and returns how many
records it changed. A record keeps serving its other uses: a raw record becomes a marker that says it was
erased (replay and inspection see that instead of the person), a mail or message not yet sent is cancelled
with the reason recorded, a queued forward of an erased order is stopped (it would go out without an
address), and free texts lose only the traces.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..store.models import (
    Connection,
    OrderEvent,
    OutboxAttempt,
    OutboxEntry,
    QuarantineEntry,
    SyncRun,
    WebhookDelivery,
)
from ..store.models_accounts import OrderTag, WebhookDeliveryOut
from ..store.models_messaging import OrderForward
from ..store.models_reconcile import ReconcileRun
from ..sync.erased_buyers import blot_with_addresses
from ..sync.mail_notices import KIND as MAIL
from .erasure_traces import Traces, is_marker, marker

#: outbox kinds that reach the buyer themselves: cancelled while not sent
TO_BUYER = (MAIL, "message")
UNSENT = ("pending", "dead", "awaiting")


def _blot_columns(row, traces: Traces, *columns: str) -> bool:
    changed = False
    for column in columns:
        old = getattr(row, column)
        new = traces.blot(old)
        if new != old:
            setattr(row, column, new)
            changed = True
    return changed


def webhook_bodies(
    s: Session, connection_id: int, traces: Traces, order_ids: set[str], reason: str, now: datetime
) -> int:
    """Raw incoming deliveries about the buyer (naming them, or about one of their orders). One not yet
    processed is settled as processed: what it carried is read again by the next poll, stripped."""
    ours, after = [], 0
    while True:  # read in slices by id: bodies can be many and large
        rows = s.execute(
            select(WebhookDelivery.id, WebhookDelivery.resource_id, WebhookDelivery.body)
            .where(WebhookDelivery.connection_id == connection_id, WebhookDelivery.id > after)
            .order_by(WebhookDelivery.id)
            .limit(500)
        ).all()
        if not rows:
            break
        after = rows[-1].id
        ours += [
            row_id
            for row_id, resource_id, body in rows
            if not is_marker(body) and (resource_id in order_ids or traces.mentioned_in(body))
        ]
    for row_id in ours:
        d = s.get(WebhookDelivery, row_id, with_for_update=True)
        if d is None:  # deleted meanwhile (retention): nothing of the buyer is left in it
            continue
        d.body = marker(reason, now).encode()
        d.error = traces.blot(d.error)
        if d.status == "received":
            d.status, d.processed_at, d.error = "processed", now, "erased before processing"
    return len(ours)


def quarantined(s: Session, connection_id: int, traces: Traces, order_ids: set[str], reason: str, now: datetime) -> int:
    """Records that failed mapping (of any stream): one of the buyer's becomes the marker, and its reason
    and hint lose the traces and the addresses the record held (a buyer whose orders all failed mapping has
    no stored order to learn them from). Records quarantined after this stay erased (sync.quarantine)."""
    changed = 0
    for q in s.scalars(
        select(QuarantineEntry).where(QuarantineEntry.connection_id == connection_id).order_by(QuarantineEntry.id)
    ):
        ours = q.stream == "orders" and q.external_id in order_ids  # an article may share an order's number
        if not is_marker(q.raw) and (ours or traces.mentioned_in(q.raw)):
            q.reason, q.hint = blot_with_addresses(q.raw, {traces.buyer_id}, q.reason, q.hint)
            q.raw = marker(reason, now)
            _blot_columns(q, traces, "reason", "hint")
            changed += 1
        elif _blot_columns(q, traces, "reason", "hint"):
            changed += 1
    return changed


def outbox(
    s: Session, connection_id: int, traces: Traces, erased_orders: set[int], reason: str, now: datetime
) -> tuple[int, int]:
    """(entries whose payload or texts lost traces, mails and messages to the buyer cancelled). A mail or
    message of the buyer keeps only what is not theirs (template, language, message id) and the reason."""
    changed = cancelled = 0
    note = f"personal data erased at the buyer's request ({reason})"
    for e in s.scalars(
        select(OutboxEntry).where(OutboxEntry.connection_id == connection_id).order_by(OutboxEntry.id).with_for_update()
    ):
        ours = e.order_id in erased_orders or traces.mentioned_in(e.payload)
        if ours and e.kind in TO_BUYER and '"erased"' not in e.payload:
            kept = {k: v for k, v in json.loads(e.payload).items() if k in ("template", "language", "message_id")}
            e.payload = json.dumps(kept | {"erased": note}, ensure_ascii=False)
            if e.status in UNSENT:
                e.status, e.last_error, e.lease_until, e.updated_at = "discarded", f"cancelled: {note}", None, now
                cancelled += 1
            _blot_columns(e, traces, "last_error", "result")
            changed += 1
        elif _blot_columns(e, traces, "payload", "last_error", "result"):
            e.updated_at = now
            changed += 1
        if ours or e.kind in TO_BUYER:  # what a send answered, e.g. "mailed to ..."
            for attempt in s.scalars(select(OutboxAttempt).where(OutboxAttempt.outbox_id == e.id)):
                _blot_columns(attempt, traces, "error", "detail")
    return changed, cancelled


def forwards(s: Session, erased_orders: set[int], traces: Traces, reason: str, now: datetime) -> int:
    """Forwards of the buyer's orders: a queued one is stopped (the document would be built from the erased
    order, without an address); the texts of every one lose the traces."""
    changed = 0
    if not erased_orders:
        return 0
    for f in s.scalars(
        select(OrderForward)
        .where(OrderForward.order_id.in_(sorted(erased_orders)))
        .order_by(OrderForward.id)
        .with_for_update()
    ):
        stopped = f.status == "pending"
        if stopped:
            f.status = "failed"
            f.last_error = f"cancelled: personal data erased at the buyer's request ({reason})"
            f.updated_at = now
        if _blot_columns(f, traces, "last_error", "result") or stopped:
            changed += 1
    return changed


def history(s: Session, erased_orders: set[int], traces: Traces) -> int:
    """History lines of the buyer's orders (e.g. the address a mail went to): text and parameters."""
    changed = 0
    if not erased_orders:
        return 0
    for event in s.scalars(
        select(OrderEvent).where(OrderEvent.order_id.in_(sorted(erased_orders))).order_by(OrderEvent.id)
    ):
        params = {k: traces.blot(v) if isinstance(v, str) else v for k, v in (event.params or {}).items()}
        text = traces.blot(event.text)
        if params != event.params or text != event.text:
            event.params, event.text = params, text
            changed += 1
    return changed


def tags(s: Session, erased_orders: set[int], traces: Traces) -> int:
    """A tag of one of the buyer's orders that names them goes (a tag is a label, not a record to keep)."""
    if not erased_orders:
        return 0
    named = [
        (t.order_id, t.tag)
        for t in s.scalars(select(OrderTag).where(OrderTag.order_id.in_(sorted(erased_orders))))
        if traces.blot(t.tag) != t.tag
    ]
    for order_id, tag in named:
        s.execute(delete(OrderTag).where(OrderTag.order_id == order_id, OrderTag.tag == tag))
    return len(named)


def outgoing_webhooks(
    s: Session, account_id: int, traces: Traces, erased_orders: set[int], reason: str, now: datetime
) -> int:
    """Integrators' deliveries (the exact bodies kept for resending) about the buyer: the body becomes the
    marker, and one not yet delivered is given up with the reason (it would resend the person)."""
    changed = 0
    event_ids = (
        {f"oe-{i}" for i in s.scalars(select(OrderEvent.id).where(OrderEvent.order_id.in_(sorted(erased_orders))))}
        if erased_orders
        else set()
    )
    for d in s.scalars(
        select(WebhookDeliveryOut)
        .where(WebhookDeliveryOut.account_id == account_id)
        .order_by(WebhookDeliveryOut.id)
        .with_for_update()
    ):
        if is_marker(d.body) or not (d.event_id in event_ids or traces.mentioned_in(d.body)):
            continue
        d.body = marker(reason, now)
        if d.status in ("pending", "sending"):
            d.status, d.lease_until = "dead", None
            d.last_error = f"cancelled: personal data erased at the buyer's request ({reason})"
        changed += 1
    return changed


def reports_and_errors(s: Session, connection_id: int, traces: Traces) -> int:
    """Free texts of the connection that may quote a record: reconciliation reports, sync and delivery
    errors, the connection's last error."""
    changed = 0
    for run in s.scalars(select(ReconcileRun).where(ReconcileRun.connection_id == connection_id)):
        changed += _blot_columns(run, traces, "report", "phases", "mended", "error")
    for sync_run in s.scalars(
        select(SyncRun).where(SyncRun.connection_id == connection_id, SyncRun.error.is_not(None))
    ):
        changed += _blot_columns(sync_run, traces, "error")
    for d in s.scalars(
        select(WebhookDelivery).where(
            WebhookDelivery.connection_id == connection_id, WebhookDelivery.error.is_not(None)
        )
    ):
        changed += _blot_columns(d, traces, "error")
    changed += _blot_columns(s.get(Connection, connection_id), traces, "last_error")
    return changed
