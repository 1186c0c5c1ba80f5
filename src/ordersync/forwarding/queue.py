"""Forwards as a small queue of their own: one row per (order, target), claimed, sent, settled.

The unique (order, target) makes "forwarded once per target" a database fact: a rule and a person, or two
schedulers, racing to forward the same order create one row, and only the dispatcher that claims the row
(pending → sending, with a lease) sends it. Transient failures (5xx, timeouts, a busy mail server) are
retried with the outbox's backoff; permanent ones, or too many attempts, leave the forward ``failed``,
listed by `ordersync forwarding list --failed` until someone retries it. Like the outbox, delivery is at
least once: a dispatcher that dies after sending but before recording it sends again when its lease
expires, with the same forward id (HTTP header, e-mail Message-ID) so the receiver can drop the repeat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..channels.sdk.errors import ChannelError, RateLimited
from ..domain.timeutil import utcnow
from ..hub import Hub, HubError
from ..store.history import add_history
from ..store.models import OrderRow
from ..store.models_messaging import ForwardTarget, OrderForward
from ..sync.dispatcher import backoff
from . import senders

MAX_ATTEMPTS = 8
CLAIM_LEASE = timedelta(minutes=5)


@dataclass
class ForwardInfo:
    id: int
    order_id: int
    order_number: str
    target: str
    trigger: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    result: str | None
    sent_at: datetime | None


def create(s: Session, order: OrderRow, target_id: int, trigger: str) -> bool:
    """Insert the forward unless one exists for (order, target); True when this call created it."""
    now = utcnow()
    values = dict(
        account_id=order.account_id,
        order_id=order.id,
        target_id=target_id,
        trigger=trigger,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    dialect = s.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(OrderForward)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["order_id", "target_id"])
        .returning(OrderForward.id)
    )
    created = s.scalar(stmt)
    if created is None:
        return False
    name = s.scalar(select(ForwardTarget.name).where(ForwardTarget.id == target_id))
    if trigger == "manual":
        add_history(s, order.id, "forward_queued_by_hand", source="user", target=name)
    else:
        add_history(s, order.id, "forward_queued_by_rule", target=name, rule=int(trigger.removeprefix("rule:")))
    return True


def forward_order(hub: Hub, order_id: int, target: str, account: str | None = None) -> int:
    """Queue a forward by hand; refuses (saying why) when the order already went, or is on its way, there."""
    from .targets import find

    with hub.db.session() as s:
        order = s.get(OrderRow, order_id)
        if order is None or order.account_id != hub.account_id(account, s):
            raise HubError(f"no order with id {order_id}")
        tgt = find(s, hub, target, account)
        if not tgt.enabled:
            raise HubError(f"forwarding target {target!r} is disabled")
        if not create(s, order, tgt.id, "manual"):
            existing = s.scalars(
                select(OrderForward).where(OrderForward.order_id == order.id, OrderForward.target_id == tgt.id)
            ).one()
            hint = " ; retry it with `ordersync forwarding retry`" if existing.status == "failed" else ""
            raise HubError(
                f"order {order.number} is already forwarded to {target!r} "
                f"(forward {existing.id}, {existing.status}){hint}"
            )
        return s.scalars(
            select(OrderForward.id).where(OrderForward.order_id == order.id, OrderForward.target_id == tgt.id)
        ).one()


def _release_expired(hub: Hub, now: datetime) -> None:
    with hub.db.session() as s:
        s.execute(
            update(OrderForward)
            .where(OrderForward.status == "sending", OrderForward.lease_until < now)
            .values(status="pending", lease_until=None, updated_at=now)
        )


def _claim(hub: Hub, now: datetime, limit: int) -> list[int]:
    with hub.db.session() as s:
        due = list(
            s.scalars(
                select(OrderForward.id)
                .where(OrderForward.status == "pending", OrderForward.next_attempt_at <= now)
                .order_by(OrderForward.id)
                .limit(limit)
            )
        )
    if not due:
        return []
    with hub.db.session() as s:
        return sorted(
            s.scalars(
                update(OrderForward)
                .where(OrderForward.id.in_(due), OrderForward.status == "pending")
                .values(status="sending", lease_until=now + CLAIM_LEASE, updated_at=now)
                .returning(OrderForward.id)
            )
        )


def dispatch_due(hub: Hub, *, now: datetime | None = None, limit: int = 100) -> int:
    """Send the forwards that are due (for the scheduler). Returns how many were delivered."""
    now = now or utcnow()
    _release_expired(hub, now)
    delivered = 0
    for forward_id in _claim(hub, now, limit):
        try:
            with hub.db.session() as s:
                job = senders.prepare(hub, s, forward_id)
            outcome: senders.Delivered | Exception = senders.send(hub, job)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the forward
            outcome = exc
        delivered += _settle(hub, forward_id, outcome)
    return delivered


def _settle(hub: Hub, forward_id: int, outcome: senders.Delivered | Exception) -> int:
    now = utcnow()
    with hub.db.session() as s:
        fwd = s.get(OrderForward, forward_id)
        if fwd is None or fwd.status != "sending":
            return 0  # removed meanwhile, or our lease ran out and another dispatcher took it
        target = s.get_one(ForwardTarget, fwd.target_id)
        fwd.attempts += 1
        fwd.lease_until, fwd.updated_at = None, now
        if isinstance(outcome, senders.Delivered):
            fwd.status, fwd.result, fwd.last_error, fwd.sent_at = "done", outcome.result, None, now
            kind, params = outcome.history
            add_history(s, fwd.order_id, kind, at=now, target=target.name, **params)
            if target.kind == "email":  # every sent mail is in the order's history as event type "mail"
                add_history(s, fwd.order_id, "forward_mail_sent", at=now, to=target.address, target=target.name)
            return 1
        error = f"{type(outcome).__name__}: {outcome}" if not isinstance(outcome, ChannelError) else str(outcome)
        fwd.last_error = error
        if isinstance(outcome, ChannelError) and outcome.retryable and fwd.attempts < MAX_ATTEMPTS:
            fwd.status = "pending"
            retry_after = outcome.retry_after if isinstance(outcome, RateLimited) else None
            fwd.next_attempt_at = now + timedelta(seconds=backoff(fwd.attempts, retry_after))
        else:
            fwd.status = "failed"
            add_history(s, fwd.order_id, "forward_failed", at=now, target=target.name, n=fwd.attempts, error=error)
        return 0


def retry(hub: Hub, forward_ids: list[int] | None = None, account: str | None = None) -> int:
    """Send failed forwards (and ones waiting out a backoff) again at the next dispatch."""
    now = utcnow()
    with hub.db.session() as s:
        account_id = hub.account_id(account, s)
        q = update(OrderForward).where(
            OrderForward.account_id == account_id,
            or_(
                OrderForward.status == "failed",
                (OrderForward.status == "pending") & OrderForward.last_error.is_not(None),
            ),
        )
        if forward_ids:
            q = q.where(OrderForward.id.in_(forward_ids))
        return s.execute(q.values(status="pending", attempts=0, next_attempt_at=now, updated_at=now)).rowcount  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult


def list_forwards(
    hub: Hub, *, failed: bool = False, order_id: int | None = None, account: str | None = None, limit: int = 200
) -> list[ForwardInfo]:
    """``failed``: given up, or failed at least once and waiting for the next attempt."""
    with hub.db.session() as s:
        account_id = hub.account_id(account, s)
        q = (
            select(OrderForward, OrderRow.number, ForwardTarget.name)
            .join(OrderRow, OrderRow.id == OrderForward.order_id)
            .join(ForwardTarget, ForwardTarget.id == OrderForward.target_id)
            .where(OrderForward.account_id == account_id)
        )
        if failed:
            q = q.where(
                or_(
                    OrderForward.status == "failed",
                    (OrderForward.status == "pending") & OrderForward.last_error.is_not(None),
                )
            )
        if order_id is not None:
            q = q.where(OrderForward.order_id == order_id)
        rows = s.execute(q.order_by(OrderForward.id.desc()).limit(limit)).all()
        return [
            ForwardInfo(
                f.id,
                f.order_id,
                number,
                target,
                f.trigger,
                f.status,
                f.attempts,
                f.next_attempt_at if f.status == "pending" else None,
                f.last_error,
                f.result,
                f.sent_at,
            )
            for f, number, target in rows
        ]
