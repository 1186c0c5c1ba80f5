"""A reconciliation run: one at a time per connection, its progress written as it reads, resumable.

The run row is the report. Each phase (orders, then the catalogue) stores its differences when it is
finished, so a run whose worker died (its lease ran out) is taken over by the next start and goes on with
the phase it had not finished, with the same period. The channel is read through the connector, whose
HTTP client keeps the connection's rate budget; the count read so far and the channel's own count are
written after every page, which is what the progress bar shows.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from ..channels.registry import get_connector
from ..channels.sdk.errors import BudgetSpent, ChannelError
from ..channels.sdk.reconcile_reads import reads_of
from ..channels.sdk.records import OrderPage, Window
from ..domain.timeutil import utcnow
from ..hub import Hub, HubError
from ..store.models import Connection
from ..store.models_reconcile import ReconcileRun, ReconcileSettings
from ..sync import connections, leases
from . import catalog, orders
from .kinds import READS
from .report import Differences, merged, total

DEFAULT_PERIOD = timedelta(days=30)
LEASE = timedelta(minutes=5)
PHASES = ("orders", "catalog")
INCOMPLETE = "incomplete"  # the channel's call budget ran out: only the phases finished before are reported
QUEUED = "queued"  # the phase of a run asked for in the web app that no worker has taken yet
REQUESTED = "requested"  # its holder until the scheduler hands it to a worker
Progress = Callable[[str, int, int | None], None]  # (phase, read so far, channel's count or None)


@dataclass
class RunView:
    """A stored run as the CLI, the web app and the tests read it."""

    id: int
    connection: str
    status: str
    trigger: str
    since: datetime | None
    until: datetime
    phase: str
    read: int
    expected: int | None
    differences: int
    report: dict
    reasons: dict
    mended: dict
    error: str | None
    started_at: datetime
    finished_at: datetime | None

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "connection": self.connection,
            "status": self.status,
            "trigger": self.trigger,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat(),
            "phase": self.phase,
            "read": self.read,
            "expected": self.expected,
            "differences": self.differences,
            "kinds": self.report,
            "not_compared": self.reasons,
            "mended": self.mended,
            "error": self.error,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


def view(row: ReconcileRun, name: str) -> RunView:
    return RunView(
        row.id,
        name,
        row.status,
        row.trigger,
        row.since,
        row.until,
        row.phase,
        row.read,
        row.expected,
        row.differences,
        json.loads(row.report),
        json.loads(row.reasons),
        json.loads(row.mended),
        row.error,
        row.started_at,
        row.finished_at,
    )


def reasons_for(system: str) -> dict[str, str]:
    """Each read the connector cannot compare, with why (empty: it compares everything)."""
    reads = reads_of(get_connector(system))
    return {kind: reads.reason(kind) for kind in READS if reads.reason(kind)}


def start(
    hub: Hub,
    connection: str | int,
    *,
    since: datetime | None = None,
    account: str | None = None,
    trigger: str = "manual",
    owner: str | None = None,
    phase: str = PHASES[0],
) -> int:
    """Claim a run of the connection: a fresh one, or the unfinished one whose holder is gone. Raises
    HubError while another holder's run is alive."""
    owner = owner or leases.owner_id()
    now = utcnow()
    with hub.db.session() as s:
        conn = _connection(s, hub, connection, account)
        if since is not None and since >= now:
            raise HubError(f"--since {since.isoformat()} is not in the past")
        open_run = s.scalar(
            select(ReconcileRun)
            .where(ReconcileRun.connection_id == conn.id, ReconcileRun.status == "running")
            .order_by(ReconcileRun.id.desc())
            .limit(1)
        )
        if open_run is not None:
            if open_run.lease_until is not None and open_run.lease_until > now and open_run.holder != owner:
                raise HubError(
                    f"a reconciliation of {conn.name!r} is running since "
                    f"{open_run.started_at:%Y-%m-%d %H:%M} UTC; wait for it to finish"
                )
            resumed = {"phase": phase} if phase == QUEUED else {}
            taken = s.execute(
                update(ReconcileRun)
                .where(
                    ReconcileRun.id == open_run.id,  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                    ReconcileRun.holder == open_run.holder,
                )
                .values(holder=owner, lease_until=now + LEASE, **resumed)
            ).rowcount
            if not taken:
                raise HubError(f"a reconciliation of {conn.name!r} was just taken over by another worker")
            return open_run.id
        run = ReconcileRun(
            account_id=conn.account_id,
            connection_id=conn.id,
            trigger=trigger,
            status="running",
            since=since if since is not None else now - DEFAULT_PERIOD,
            until=now,
            phase=phase,
            phases="{}",
            read=0,
            differences=0,
            report="{}",
            reasons=json.dumps(reasons_for(conn.system)),
            holder=owner,
            lease_until=now + LEASE,
            started_at=now,
            mended="{}",
        )
        s.add(run)
        s.flush()
        return run.id


def request(hub: Hub, connection: str | int, *, account: str | None = None) -> int:
    """Claim a run for a worker (the web app's "Compare now"): held as requested, so a second request is
    refused while it lives, until the scheduler hands it out (``hand_out``). If no worker takes it, its
    lease runs out and the next start resumes it like any abandoned run."""
    return start(hub, connection, account=account, owner=REQUESTED, phase=QUEUED)


def hand_out(hub: Hub) -> list[tuple[int, str]]:
    """Claim the requested runs for workers: each gets a token of its own, which the worker's task takes
    the run over with (``take``), so a run announced by two schedulers is carried out once."""
    handed: list[tuple[int, str]] = []
    with hub.db.session() as s:
        ids = s.scalars(
            select(ReconcileRun.id).where(ReconcileRun.status == "running", ReconcileRun.holder == REQUESTED)
        ).all()
        for run_id in ids:
            token = f"queued:{uuid.uuid4().hex}"
            n = s.execute(
                update(ReconcileRun)
                .where(ReconcileRun.id == run_id, ReconcileRun.holder == REQUESTED)  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                .values(holder=token, lease_until=utcnow() + LEASE)
            ).rowcount
            if n:
                handed.append((run_id, token))
    return handed


def take(hub: Hub, run_id: int, token: str, owner: str) -> bool:
    """The worker takes over a handed-out run; False when it is no longer the token's (its lease ran out
    and another start resumed it)."""
    with hub.db.session() as s:
        return bool(
            s.execute(
                update(ReconcileRun)
                .where(
                    ReconcileRun.id == run_id,
                    ReconcileRun.holder == token,  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                    ReconcileRun.status == "running",
                )
                .values(holder=owner, lease_until=utcnow() + LEASE)
            ).rowcount
        )


def _connection(s, hub: Hub, connection: str | int, account: str | None) -> Connection:
    """By name (or id as text) within the account; an int is an id from the hub itself (the scheduler),
    whatever its account."""
    if isinstance(connection, int):
        row = s.get(Connection, connection)
        if row is None:
            raise HubError(f"connection {connection} no longer exists")
        return row
    return connections.find(s, hub, connection, account)


def execute(hub: Hub, run_id: int, *, progress: Progress | None = None, owner: str | None = None) -> RunView:
    """Read the channel for every phase not yet finished, store the report, return it. A channel error
    ends the run failed with the reason, a spent call budget ends it incomplete (what was found so far stays
    in its finished phases; the phase it was reading reports nothing)."""
    owner = owner or leases.owner_id()
    with hub.db.session() as s:
        run = s.get_one(ReconcileRun, run_id)  # made by ``start``, which the caller has called
        conn = s.get_one(Connection, run.connection_id)  # a run goes with its connection
        settings = s.get(ReconcileSettings, conn.id)
        auto_import = bool(settings and settings.auto_import)
        done = json.loads(run.phases)
        window = Window(run.since, run.until)
    reads = reads_of(get_connector(conn.system))
    connector = connections.build_connector(hub, conn)
    try:
        for phase in PHASES:
            if phase in done:
                continue
            _write(hub, run_id, owner, phase=phase, read=0, expected=None)
            diffs = Differences()

            def step(read: int, expected: int | None, phase=phase) -> None:
                _write(hub, run_id, owner, read=read, expected=expected)
                if progress:
                    progress(phase, read, expected)

            if phase == "orders" and reads.orders:
                store = _auto_importer(hub, conn, connector) if auto_import else None
                orders.compare(
                    hub, conn, connector, window, diffs, progress=step, store=store, for_comparison=reads.for_comparison
                )
                if store is not None and "orders_missing" in diffs.kinds:
                    diffs.kinds["orders_missing"]["imported_automatically"] = True
            elif phase == "catalog" and (reads.stock or reads.listings):
                catalog.compare(
                    hub, conn, connector, window.until, diffs, progress=step, stock=reads.stock, listings=reads.listings
                )
            done[phase] = diffs.as_json()
            _write(hub, run_id, owner, phases=json.dumps(done))
        report = merged(done)
        _write(
            hub,
            run_id,
            owner,
            status="done",
            phase="done",
            report=json.dumps(report),
            differences=total(report),
            finished_at=utcnow(),
            lease_until=None,
        )
    except BudgetSpent as exc:  # what was read is no full listing: its absences prove nothing
        report = merged(done)
        _write(
            hub,
            run_id,
            owner,
            status=INCOMPLETE,
            report=json.dumps(report),
            differences=total(report),
            error=f"budget spent: {exc}"[:2000],
            finished_at=utcnow(),
            lease_until=None,
        )
    except ChannelError as exc:
        report = merged(done)
        _write(
            hub,
            run_id,
            owner,
            status="failed",
            report=json.dumps(report),
            differences=total(report),
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=utcnow(),
            lease_until=None,
        )
    except leases.LeaseLost:
        raise
    except Exception:  # not the channel's fault (the store, a bug): the next start resumes it at once
        _write(hub, run_id, owner, lease_until=utcnow())
        raise
    finally:
        connector.close()
    return load(hub, run_id)


def run(
    hub: Hub,
    connection: str | int,
    *,
    since: datetime | None = None,
    account: str | None = None,
    trigger: str = "manual",
    progress: Progress | None = None,
) -> RunView:
    owner = leases.owner_id()
    run_id = start(hub, connection, since=since, account=account, trigger=trigger, owner=owner)
    return execute(hub, run_id, progress=progress, owner=owner)


def _auto_importer(hub: Hub, conn: Connection, connector) -> Callable[[OrderPage], None]:
    """The connection imports missing orders as they are found: through the normal import path, once
    (the upsert finds an order it already stored)."""
    from ..sync.importer import store_page

    def store(page: OrderPage) -> None:
        store_page(hub, conn.account_id, conn.id, page, source="reconcile", connector=connector)

    return store


def _write(hub: Hub, run_id: int, owner: str, **values) -> None:
    """Update the run while this worker still holds it, renewing the lease; a worker that lost the run to a
    takeover stops instead of writing over the new holder's progress."""
    values.setdefault("lease_until", utcnow() + LEASE)
    with hub.db.session() as s:
        n = s.execute(
            update(ReconcileRun)
            .where(ReconcileRun.id == run_id, ReconcileRun.holder == owner)  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
            .values(**values)
        ).rowcount
    if not n:
        raise leases.LeaseLost(f"reconciliation run {run_id} was taken over by another worker")


def load(hub: Hub, run_id: int) -> RunView:
    with hub.db.session() as s:
        row = s.get(ReconcileRun, run_id)
        if row is None:
            raise HubError(f"no reconciliation run {run_id}")
        return view(row, s.get_one(Connection, row.connection_id).name)


def latest(hub: Hub, connection: str | int, account: str | None = None) -> RunView | None:
    """The connection's newest run (running or finished), or None before the first."""
    with hub.db.session() as s:
        conn = connections.find(s, hub, connection, account)
        row = s.scalar(
            select(ReconcileRun).where(ReconcileRun.connection_id == conn.id).order_by(ReconcileRun.id.desc()).limit(1)
        )
        return view(row, conn.name) if row is not None else None


def latest_finished_by_connection(hub: Hub, account_id: int) -> dict[int, RunView]:
    """Each connection's newest finished run (the health badge on Settings / Shops)."""
    with hub.db.session() as s:
        newest = (
            select(func.max(ReconcileRun.id))
            .where(ReconcileRun.account_id == account_id, ReconcileRun.status != "running")
            .group_by(ReconcileRun.connection_id)
        )
        rows = s.execute(
            select(ReconcileRun, Connection.name)
            .join(Connection, Connection.id == ReconcileRun.connection_id)
            .where(ReconcileRun.id.in_(newest))
        ).all()
        return {r.connection_id: view(r, name) for r, name in rows}
