"""The scheduler: every few seconds, find what is due in the database and wake a worker for it.

A connection is claimed for its next poll by moving ``next_poll_at`` forward in the same UPDATE that
finds it due, so several schedulers (one per process) never enqueue the same poll twice. Pending webhook
deliveries and due outbox entries are re-announced too, which recovers work whose task was lost; those
reminders go out once per period across all schedulers (see ``gate``), not once per worker.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import select, update

from ..domain.timeutil import utcnow
from ..store.models import Connection, OutboxEntry
from ..sync import webhooks
from ..sync.hub import Hub

log = logging.getLogger("ordersync.scheduler")


def due_connections(hub: Hub) -> list[int]:
    now = utcnow()
    claimed = []
    with hub.db.session() as s:
        rows = s.execute(
            select(Connection.id, Connection.poll_interval).where(
                Connection.paused.is_(False), Connection.next_poll_at <= now
            )
        ).all()
        for conn_id, interval in rows:
            n = s.execute(
                update(Connection)  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                .where(Connection.id == conn_id, Connection.next_poll_at <= now)
                .values(next_poll_at=now + timedelta(seconds=interval))
            ).rowcount
            if n:
                claimed.append(conn_id)
    return claimed


def request_sync_now(hub: Hub, connection_id: int) -> None:
    with hub.db.session() as s:
        s.execute(update(Connection).where(Connection.id == connection_id).values(next_poll_at=utcnow()))


def has_due_outbox(hub: Hub) -> bool:
    with hub.db.session() as s:
        now = utcnow()
        return (
            s.scalar(
                select(OutboxEntry.id)
                .where(OutboxEntry.status.in_(("pending", "sending")), OutboxEntry.next_attempt_at <= now)
                .limit(1)
            )
            is not None
            or s.scalar(
                select(OutboxEntry.id)
                .where(
                    OutboxEntry.status == "awaiting",  # a job's check is due
                    OutboxEntry.check_at <= now,
                )
                .limit(1)
            )
            is not None
        )


WEBHOOK_RECHECK = 30.0  # a stored delivery not processed this long after intake is announced again
OUTBOX_REMINDER = 5.0
NOTIFY_EVERY = 10.0  # integrators' webhooks and forwarding rules
RECONCILE_EVERY = 60.0  # looking for due scheduled reconciliations


def tick(hub: Hub) -> dict[str, int]:
    from . import tasks
    from .gate import once_per
    from .queue import huey

    polls = due_connections(hub)
    for conn_id in polls:
        tasks.sync_connection(conn_id)
    pending = []
    if once_per(huey, "webhooks", WEBHOOK_RECHECK):
        pending = webhooks.waiting_connections(hub, older_than=WEBHOOK_RECHECK)
        for conn_id in pending:
            tasks.process_webhooks(conn_id)
    outbox = has_due_outbox(hub) and once_per(huey, "outbox", OUTBOX_REMINDER)
    if outbox:
        tasks.dispatch_outbox()
    notifications = once_per(huey, "notify", NOTIFY_EVERY)
    if notifications:
        tasks.deliver_notifications()
    reconciliations = reconcile_due(hub) if once_per(huey, "reconcile", RECONCILE_EVERY) else []
    for conn_id in reconciliations:
        tasks.reconcile_connection(conn_id)
    requested = reconcile_requested(hub)
    for run_id, token in requested:
        tasks.reconcile_run(run_id, token)
    return {
        "polls": len(polls),
        "webhooks": len(pending),
        "outbox": int(outbox),
        "notify": int(notifications),
        "reconciliations": len(reconciliations) + len(requested),
    }


def reconcile_due(hub: Hub) -> list[int]:
    """Connections whose scheduled reconciliation is due, claimed (ordersync.reconcile.schedule)."""
    from ..reconcile import schedule

    return schedule.due(hub)


def reconcile_requested(hub: Hub) -> list[tuple[int, str]]:
    """Runs asked for in the web app, each claimed for one worker under a token (ordersync.reconcile.runs)."""
    from ..reconcile import runs

    return runs.hand_out(hub)


class SchedulerThread(threading.Thread):
    def __init__(self, hub: Hub, interval: float = 5.0) -> None:
        super().__init__(name="ordersync-scheduler", daemon=True)
        self.hub, self.interval, self._halt = hub, interval, threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                tick(self.hub)
            except Exception:  # noqa: BLE001 - the scheduler must outlive any single failure
                log.exception("scheduler tick failed")
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
