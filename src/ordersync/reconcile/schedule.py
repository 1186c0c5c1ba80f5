"""The scheduled run per connection (daily unless the seller sets another interval) and the connection's
reconciliation settings. A connection gets its settings row the first time the scheduler looks, with its
first run one interval later; a run is claimed by moving ``next_run_at`` forward in the UPDATE that finds it
due, so several schedulers never start the same run twice (as polls are claimed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..domain.timeutil import utcnow
from ..hub import Hub, HubError
from ..store.models import Connection
from ..store.models_reconcile import ReconcileSettings
from ..sync import connections
from .runs import reasons_for

DEFAULT_INTERVAL_HOURS = 24
MAX_INTERVAL_HOURS = 24 * 31


@dataclass
class Settings:
    interval_hours: int
    auto_import: bool
    next_run_at: object


def get(hub: Hub, connection: str | int, account: str | None = None) -> Settings:
    with hub.db.session() as s:
        conn = connections.find(s, hub, connection, account)
        row = s.get(ReconcileSettings, conn.id)
        if row is None:
            return Settings(DEFAULT_INTERVAL_HOURS, False, None)
        return Settings(row.interval_hours, row.auto_import, row.next_run_at)


def set_settings(
    hub: Hub,
    connection: str | int,
    *,
    interval_hours: int | None = None,
    auto_import: bool | None = None,
    account: str | None = None,
) -> Settings:
    """``interval_hours`` 0 turns the scheduled run off."""
    if interval_hours is not None and not 0 <= interval_hours <= MAX_INTERVAL_HOURS:
        raise HubError(
            f"reconciliation interval {interval_hours} h is out of range (0 = off, at most {MAX_INTERVAL_HOURS} h)"
        )
    with hub.db.session() as s:
        conn = connections.find(s, hub, connection, account)
        row = s.get(ReconcileSettings, conn.id)
        if row is None:
            row = ReconcileSettings(connection_id=conn.id, interval_hours=DEFAULT_INTERVAL_HOURS, auto_import=False)
            s.add(row)
        if interval_hours is not None:
            row.interval_hours = interval_hours
            row.next_run_at = utcnow() + timedelta(hours=interval_hours) if interval_hours else None
        if auto_import is not None:
            row.auto_import = auto_import
        s.flush()
        return Settings(row.interval_hours, row.auto_import, row.next_run_at)


def due(hub: Hub) -> list[int]:
    """Claim the connections whose scheduled run is due; give new connections their settings row."""
    now = utcnow()
    claimed: list[int] = []
    with hub.db.session() as s:
        known = select(ReconcileSettings.connection_id)
        fresh = s.execute(select(Connection.id, Connection.system).where(Connection.id.not_in(known))).all()
        for conn_id, system in fresh:
            if len(reasons_for(system)) == 3:  # the connector can compare nothing: no runs to schedule
                continue
            try:
                with s.begin_nested():
                    s.add(
                        ReconcileSettings(
                            connection_id=conn_id,
                            interval_hours=DEFAULT_INTERVAL_HOURS,
                            auto_import=False,
                            next_run_at=now + timedelta(hours=DEFAULT_INTERVAL_HOURS),
                        )
                    )
            except IntegrityError:  # another scheduler made it first
                continue
        rows = s.execute(
            select(ReconcileSettings.connection_id, ReconcileSettings.interval_hours)
            .join(Connection, Connection.id == ReconcileSettings.connection_id)
            .where(
                Connection.paused.is_(False), ReconcileSettings.interval_hours > 0, ReconcileSettings.next_run_at <= now
            )
        ).all()
        for conn_id, hours in rows:
            n = s.execute(
                update(ReconcileSettings)
                .where(
                    ReconcileSettings.connection_id == conn_id,  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                    ReconcileSettings.next_run_at <= now,
                )
                .values(next_run_at=now + timedelta(hours=hours))
            ).rowcount
            if n:
                claimed.append(conn_id)
    return claimed
