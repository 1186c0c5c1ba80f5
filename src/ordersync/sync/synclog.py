"""The per-connection sync log: every run with its window, counts, error and lag."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..domain.timeutil import utcnow
from ..store.models import SyncRun
from .hub import Hub


def start_run(hub: Hub, connection_id: int, kind: str, *, since: datetime | None = None,
              until: datetime | None = None) -> int:
    with hub.db.session() as s:
        run = SyncRun(connection_id=connection_id, kind=kind, status="running", started_at=utcnow(),
                      window_since=since, window_until=until)
        s.add(run)
        s.flush()
        return run.id


def finish_run(hub: Hub, run_id: int, *, error: str | None = None, **counts: object) -> None:
    with hub.db.session() as s:
        run = s.get(SyncRun, run_id)
        run.finished_at = utcnow()
        run.status = "failed" if error else "ok"
        run.error = error
        for key, value in counts.items():
            setattr(run, key, value)


def recent_runs(hub: Hub, connection_id: int, limit: int = 20) -> list[SyncRun]:
    with hub.db.session() as s:
        return list(s.scalars(select(SyncRun).where(SyncRun.connection_id == connection_id)
                              .order_by(SyncRun.id.desc()).limit(limit)))
