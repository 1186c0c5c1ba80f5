"""The per-connection sync log: every run with its window, counts, error and lag.

A run is written "running" when it starts and "ok"/"failed" when it ends; a worker killed in between never
writes the end. So every run records its holder (the lease owner id, host:pid:thread) and whether it held the
connection's sync lease, and the log shows a running run as "interrupted" once its holder is gone: its
process on this host no longer exists, or the lease it ran under expired, was released or taken over.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..domain.timeutil import utcnow
from ..store.models import Connection, SyncRun
from . import leases
from .hub import Hub

INTERRUPTED = "interrupted"


def start_run(
    hub: Hub, connection_id: int, kind: str, *, since: datetime | None = None, until: datetime | None = None
) -> int:
    holder = leases.owner_id()
    now = utcnow()
    with hub.db.session() as s:
        owner, lease_until = s.execute(
            select(Connection.sync_lease_owner, Connection.sync_lease_until).where(Connection.id == connection_id)
        ).one()
        leased = owner == holder and lease_until is not None and lease_until >= now
        run = SyncRun(
            connection_id=connection_id,
            kind=kind,
            status="running",
            started_at=now,
            window_since=since,
            window_until=until,
            holder=holder,
            leased=leased,
        )
        s.add(run)
        s.flush()
        return run.id


def finish_run(hub: Hub, run_id: int, *, error: str | None = None, **counts: object) -> None:
    with hub.db.session() as s:
        run = s.get_one(SyncRun, run_id)
        run.finished_at = utcnow()
        run.status = "failed" if error else "ok"
        run.error = error
        for key, value in counts.items():
            setattr(run, key, value)


def holder_gone(run: SyncRun, lease_owner: str | None, lease_until: datetime | None, now: datetime) -> bool:
    """True when nobody is running this "running" run any more."""
    if leases.owner_is_dead(run.holder):
        return True
    lease_held = lease_owner is not None and lease_until is not None and lease_until >= now
    if run.holder is None:  # written before runs recorded their holder: alive only while a lease is held
        return not lease_held
    return run.leased and not (lease_held and lease_owner == run.holder)


def show_interrupted(hub: Hub, runs: list[SyncRun]) -> list[SyncRun]:
    """Set ``status`` to "interrupted" on the (detached) running runs whose holder is gone; never written back,
    so a holder that was only slow and still finishes its run records the true end."""
    running = {r.connection_id for r in runs if r.status == "running"}
    if not running:
        return runs
    with hub.db.session() as s:
        lease = {
            cid: (owner, until)
            for cid, owner, until in s.execute(
                select(Connection.id, Connection.sync_lease_owner, Connection.sync_lease_until).where(
                    Connection.id.in_(running)
                )
            )
        }
    now = utcnow()
    for run in runs:
        if run.status == "running" and holder_gone(run, *lease.get(run.connection_id, (None, None)), now):
            run.status = INTERRUPTED
    return runs


def recent_runs(hub: Hub, connection_id: int, limit: int = 20) -> list[SyncRun]:
    with hub.db.session() as s:
        runs = list(
            s.scalars(
                select(SyncRun).where(SyncRun.connection_id == connection_id).order_by(SyncRun.id.desc()).limit(limit)
            )
        )
    return show_interrupted(hub, runs)
