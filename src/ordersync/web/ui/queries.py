"""Queries and writes the UI needs beyond ``ordersync.readmodel`` and ``sync.connections``.

Every function takes the account id and filters by it in the same statement, so a guessed id of another
account finds nothing (the route answers 404) instead of finding a row and checking afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update

from ...channels.registry import get_connector
from ...domain.timeutil import utcnow
from ...store.models import Connection, OrderRow, OutboxEntry, SyncRun
from ...store.models_accounts import User
from ...sync import connections as conns
from ...sync.hub import Hub
from ...sync.synclog import show_interrupted


def session_stamp(hub: Hub, user_id: int) -> str:
    """When the user's password last changed and their session stamp (rotated by logout and password change):
    a cookie signed with an older value is no longer valid, so logout ends that session and a password change
    every other browser, although the sessions themselves live only in signed cookies."""
    with hub.db.session() as s:
        row = s.execute(select(User.password_changed_at, User.session_stamp).where(User.id == user_id)).first()
    if row is None:
        return ""
    changed, stamp = row
    moment = changed.isoformat() if changed else ""
    return f"{moment}|{stamp}" if stamp else moment  # no stamp yet: the cookies from before it stay valid


def connection(hub: Hub, account_id: int, connection_id: int) -> Connection | None:
    with hub.db.session() as s:
        return s.scalar(select(Connection).where(Connection.id == connection_id, Connection.account_id == account_id))


def connection_names(hub: Hub, account_id: int) -> list[tuple[int, str]]:
    with hub.db.session() as s:
        return list(
            s.execute(
                select(Connection.id, Connection.name)
                .where(Connection.account_id == account_id)
                .order_by(Connection.name)
            ).all()
        )


def stored_settings(hub: Hub, row: Connection) -> dict[str, Any]:
    return conns.settings_of(hub, row)


def update_connection(
    hub: Hub, account_id: int, connection_id: int, *, name: str, values: dict[str, Any], poll_interval: int
) -> bool:
    """Save edited properties: non-secret settings in clear, secret ones sealed. False if the name is taken."""
    with hub.db.session() as s:
        row = s.scalar(select(Connection).where(Connection.id == connection_id, Connection.account_id == account_id))
        if row is None:
            raise LookupError(connection_id)
        clash = s.scalar(
            select(Connection.id).where(
                Connection.account_id == account_id, Connection.name == name, Connection.id != connection_id
            )
        )
        if clash:
            return False
        secret_names = get_connector(row.system).settings_schema.secret_names
        row.name = name
        row.settings_json = json.dumps({k: v for k, v in values.items() if k not in secret_names})
        row.secrets = hub.secrets.seal({k: v for k, v in values.items() if k in secret_names})
        row.poll_interval = poll_interval
        row.updated_at = utcnow()
        return True


def set_paused(hub: Hub, account_id: int, connection_id: int, paused: bool) -> bool:
    with hub.db.session() as s:
        return bool(
            s.execute(
                update(Connection)
                .where(
                    Connection.id == connection_id,  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                    Connection.account_id == account_id,
                )
                .values(paused=paused, updated_at=utcnow())
            ).rowcount
        )


def sync_runs(
    hub: Hub, account_id: int, connection_id: int, *, limit: int = 50, since: datetime | None = None
) -> list[SyncRun]:
    with hub.db.session() as s:
        q = (
            select(SyncRun)
            .join(Connection, Connection.id == SyncRun.connection_id)
            .where(SyncRun.connection_id == connection_id, Connection.account_id == account_id)
        )
        if since is not None:  # runs started since, and the one that was running then (it ends the wait too)
            q = q.where(or_(SyncRun.started_at >= since, SyncRun.finished_at >= since, SyncRun.finished_at.is_(None)))
        runs = list(s.scalars(q.order_by(SyncRun.id.desc()).limit(limit)))
    return show_interrupted(hub, runs)


@dataclass
class DeadLetter:
    id: int
    kind: str
    order_id: int | None
    order_number: str
    attempts: int
    last_error: str
    updated_at: datetime


def dead_letters(hub: Hub, account_id: int, connection_id: int, limit: int = 200) -> list[DeadLetter]:
    with hub.db.session() as s:
        rows = s.execute(
            select(
                OutboxEntry.id,
                OutboxEntry.kind,
                OutboxEntry.order_id,
                OrderRow.number,
                OutboxEntry.attempts,
                OutboxEntry.last_error,
                OutboxEntry.updated_at,
            )
            .outerjoin(OrderRow, OrderRow.id == OutboxEntry.order_id)
            .where(
                OutboxEntry.connection_id == connection_id,
                OutboxEntry.account_id == account_id,
                OutboxEntry.status == "dead",
            )
            .order_by(OutboxEntry.id.desc())
            .limit(limit)
        ).all()
        return [DeadLetter(r[0], r[1], r[2], r[3] or "", r[4], r[5] or "", r[6]) for r in rows]


@dataclass
class AwaitingJob:
    """Pushes the platform accepted into one job (a feed, a bulk job) whose result is still to be checked."""

    job: str  # the platform's job id, or the submission's reference while the job is being looked up
    kind: str
    entries: int
    since: datetime
    check_at: datetime | None
    note: str  # the last failed check, if any
    checks: int = 0  # how often the hub asked for the result so far (it asks less often the longer it takes)
    deadline: datetime | None = None  # when the hub gives up waiting and shows a failure


def awaiting_jobs(hub: Hub, account_id: int, connection_id: int, limit: int = 200) -> list[AwaitingJob]:
    with hub.db.session() as s:
        rows = s.execute(
            select(
                OutboxEntry.job_ref,
                OutboxEntry.job_token,
                OutboxEntry.kind,
                func.count(),
                func.min(OutboxEntry.updated_at),
                func.min(OutboxEntry.check_at),
                func.max(OutboxEntry.last_error),
                func.max(OutboxEntry.checks),
                func.min(OutboxEntry.job_deadline),
            )
            .where(
                OutboxEntry.connection_id == connection_id,
                OutboxEntry.account_id == account_id,
                OutboxEntry.status == "awaiting",
            )
            .group_by(OutboxEntry.job_ref, OutboxEntry.job_token, OutboxEntry.kind)
            .order_by(func.min(OutboxEntry.id))
            .limit(limit)
        ).all()
        return [AwaitingJob(r[0] or r[1] or "", r[2], r[3], r[4], r[5], r[6] or "", r[7] or 0, r[8]) for r in rows]


def own_dead_ids(hub: Hub, account_id: int, connection_id: int, ids: list[int]) -> list[int]:
    """Of the posted ids, those that are dead letters of this account's connection."""
    if not ids:
        return []
    with hub.db.session() as s:
        return list(
            s.scalars(
                select(OutboxEntry.id).where(
                    OutboxEntry.id.in_(ids),
                    OutboxEntry.connection_id == connection_id,
                    OutboxEntry.account_id == account_id,
                    OutboxEntry.status == "dead",
                )
            )
        )


def own_order_ids(hub: Hub, account_id: int, ids: list[int]) -> list[int]:
    if not ids:
        return []
    with hub.db.session() as s:
        return list(
            s.scalars(
                select(OrderRow.id).where(OrderRow.id.in_(ids), OrderRow.account_id == account_id).order_by(OrderRow.id)
            )
        )
