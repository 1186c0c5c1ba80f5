"""Settling pushes the platform accepted into a job ("accepted, result later", see channels.sdk.async_push).

Never sent twice. Before a submit of a kind the connector declares asynchronous, the dispatcher writes a
fresh reference (``job_token``), each entry's position in the batch and the give-up time onto the claimed
entries, in their own committed transaction, and only then sends; the connector sends the reference along.
So whatever happens after the send began, the entries carry the reference and are never simply pending:

* the platform answers with a job id: the entries become ``awaiting`` with ``job_ref``;
* the answer is lost (timeout, 5xx, connection reset) or the worker dies before recording it (its claim
  expires, ``dispatcher.release_expired``): the entries become ``awaiting`` with only the reference, and the
  check asks the connector to find the job by it. Only a platform that shows no such job once
  ``lookup_grace_s`` has passed sends them back to pending for a new submit; a connector that cannot search
  by reference makes them a visible failure instead (a person decides; the hub never guesses).

Checks are claimed like sends: an atomic update moves ``check_at`` past the check's lease, so two workers
never check one job at once, and a worker that dies mid-check leaves the job to be checked again when the
lease runs out (a check only reads). A job's result settles each entry on its own: a per-item error from
the platform's report fails that entry only, with the platform's reason as ``last_error``. A job still not
finished ``timeout_s`` after its submit is a failure too, with how often it was checked and the last answer.

Every check is written down as an ``OutboxAttempt`` of kind "check" with the platform's answer (the entry's
history), and counted on the entry (``checks``): the pause before the next check doubles from
``DEFAULT_CHECK_S`` up to ``MAX_CHECK_INTERVAL_S`` (never shorter than the platform asks for), and never
reaches past the job's deadline, so a job that never finishes fails at its deadline, not later.

A newer stock value for a listing whose entry is awaiting waits behind it (``dispatcher._older_in_flight``)
and goes out once it settled, in order.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from ..channels.sdk.async_push import DONE, FAILED, NOT_SUBMITTED, RUNNING, AsyncPush, JobOutcome, PushJob
from ..channels.sdk.errors import ChannelError
from ..domain.timeutil import utcnow
from ..store.models import Connection, Listing, OrderRow, OutboxAttempt, OutboxEntry
from ..telemetry.context import bound
from . import connections
from .hub import Hub

log = logging.getLogger(__name__)

AWAITING = "awaiting"
CHECK_LEASE = timedelta(minutes=5)
DEFAULT_CHECK_S = 30.0
FAILED_CHECK_RETRY_S = 30.0
MAX_CHECK_INTERVAL_S = 900.0


def next_check_s(checks: int, asked_s: float | None = None) -> float:
    """The pause after the ``checks``-th check of a job: doubling from DEFAULT_CHECK_S, at most
    MAX_CHECK_INTERVAL_S, and never shorter than what the platform asked for (``asked_s``)."""
    backoff = min(DEFAULT_CHECK_S * 2 ** max(checks - 1, 0), MAX_CHECK_INTERVAL_S)
    return max(backoff, asked_s or 0.0)


def _record_check(
    s, entries: list[OutboxEntry], now: datetime, started: float, *, ok: bool, detail: str, error: str | None = None
) -> None:
    """One check in each entry's history (an attempt of kind "check"), counted on the entry."""
    ms = int((time.monotonic() - started) * 1000)
    for entry in entries:
        s.execute(
            insert(OutboxAttempt).values(
                outbox_id=entry.id, at=now, ok=ok, duration_ms=ms, error=error, kind="check", detail=detail
            )
        )
    s.execute(
        update(OutboxEntry).where(OutboxEntry.id.in_([e.id for e in entries])).values(checks=OutboxEntry.checks + 1)
    )


def submitted_at(entry: OutboxEntry, decl: AsyncPush) -> datetime:
    """When the job was handed over: its deadline less the declared timeout (an awaited job has a deadline)."""
    if entry.job_deadline is None:
        raise ValueError(f"outbox entry {entry.id} awaits a job without a deadline")
    return entry.job_deadline - timedelta(seconds=decl.timeout_s)


def _due(hub: Hub, connection_id: int | None, now: datetime, limit: int) -> list[OutboxEntry]:
    with hub.db.session() as s:
        q = select(OutboxEntry).where(OutboxEntry.status == AWAITING, OutboxEntry.check_at <= now)
        if connection_id is not None:
            q = q.where(OutboxEntry.connection_id == connection_id)
        return list(s.scalars(q.order_by(OutboxEntry.id).limit(limit)))


def _job_key(entry: OutboxEntry) -> str:
    return entry.job_token or f"job:{entry.job_ref}"


def _claim(hub: Hub, entries: list[OutboxEntry], now: datetime) -> set[int]:
    """Take the due checks job by job: the job's rows are locked in id order (a second worker waits the
    moment this takes, then finds their check no longer due), so a job is checked by one worker only.
    Ids another worker took first are not returned."""
    jobs: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        jobs[_job_key(entry)].append(entry.id)
    claimed: set[int] = set()
    for ids in jobs.values():
        with hub.db.session() as s:
            s.scalars(
                select(OutboxEntry.id).where(OutboxEntry.id.in_(ids)).order_by(OutboxEntry.id).with_for_update()
            ).all()
            claimed |= set(
                s.scalars(
                    update(OutboxEntry)
                    .where(OutboxEntry.id.in_(ids), OutboxEntry.status == AWAITING, OutboxEntry.check_at <= now)
                    .values(check_at=now + CHECK_LEASE)
                    .returning(OutboxEntry.id)
                )
            )
    return claimed


def check_due(hub: Hub, connection_id: int | None, now: datetime, result, limit: int = 1000) -> int:
    """Check every due job once; returns how many entries were settled (done, failed or sent back)."""
    due = _due(hub, connection_id, now, limit)
    claimed = _claim(hub, due, now)
    jobs: dict[tuple, list[OutboxEntry]] = defaultdict(list)
    for entry in due:
        if entry.id in claimed:
            jobs[(entry.connection_id, entry.job_ref or "", entry.job_token or "", entry.kind)].append(entry)
    settled = 0
    by_connection: dict[int, list[tuple]] = defaultdict(list)
    for key in jobs:
        by_connection[key[0]].append(key)
    for conn_id, keys in by_connection.items():
        with hub.db.session() as s:
            conn = s.get_one(Connection, conn_id)
        with bound(connection_id=conn_id, account_id=conn.account_id):  # on every log line and metric
            connector = connections.build_connector(hub, conn)
            try:
                decl = type(connector).async_push or AsyncPush()
                for key in keys:
                    settled += _check_job(hub, connector, decl, key, jobs[key], now, result)
            finally:
                connector.close()
    return settled


def _check_job(
    hub: Hub, connector, decl: AsyncPush, key: tuple, entries: list[OutboxEntry], now: datetime, result
) -> int:
    _, job_id, reference, kind = key
    order_ids = {e.order_id for e in entries}
    external = ""
    if len(order_ids) == 1 and None not in order_ids:
        with hub.db.session() as s:
            external = s.scalar(select(OrderRow.external_id).where(OrderRow.id == order_ids.pop())) or ""
    job = PushJob(job_id, reference, kind, tuple(sorted(e.job_item or 0 for e in entries)), external)
    label = f"job {job_id}" if job_id else f"submission {reference}"
    if not job_id and not decl.find_by_reference:
        return _fail_all(
            hub,
            entries,
            f"{label}: the platform's answer to the submit was lost and this channel "
            "cannot look a job up by reference; check the channel before retrying",
            result,
        )
    started = time.monotonic()
    try:
        outcome = connector.check_push(job)
    except Exception as exc:  # noqa: BLE001 - a failed check is retried until the job's deadline
        error = f"check of {label} failed: {type(exc).__name__}: {exc}"
        retry = (getattr(exc, "retry_after", None) or None) if isinstance(exc, ChannelError) else None
        with hub.db.session() as s:
            _record_check(s, entries, now, started, ok=False, detail="check failed", error=error)
        return _still_running(hub, entries, now, retry or FAILED_CHECK_RETRY_S, label, result, error=error)
    job_id = outcome.job_id or job_id
    label = f"job {job_id}" if job_id else label
    answer = {
        RUNNING: "still running",
        NOT_SUBMITTED: "no such job (yet)",
        FAILED: f"failed: {outcome.reason}",
        DONE: "done",
    }.get(outcome.state, outcome.state)
    with hub.db.session() as s:
        _record_check(s, entries, now, started, ok=outcome.state != FAILED, detail=f"{label}: {answer}")
    if outcome.state == RUNNING:
        return _still_running(hub, entries, now, outcome.check_after_s, label, result, job_id=job_id)
    if outcome.state == NOT_SUBMITTED:
        if job_id:
            return _fail_all(hub, entries, f"{label}: the platform no longer knows this job", result)
        if now < submitted_at(entries[0], decl) + timedelta(seconds=decl.lookup_grace_s):
            return _still_running(hub, entries, now, None, label, result)
        return _send_again(hub, entries, now, label)
    if outcome.state == FAILED:
        return _fail_all(hub, entries, f"{label} failed: {outcome.reason or 'no reason given'}", result, job_id)
    if outcome.state == DONE:
        return _done(hub, entries, outcome, label, job_id, result)
    raise ValueError(f"{label}: unknown job state {outcome.state!r}")


def _finish(s, entry: OutboxEntry, now: datetime, **values) -> bool:
    return bool(
        s.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry.id, OutboxEntry.status == AWAITING)
            .values(updated_at=now, check_at=None, **values)
        ).rowcount
    )


def _done(hub: Hub, entries: list[OutboxEntry], outcome: JobOutcome, label: str, job_id: str, result) -> int:
    from .dispatcher import _superseded

    now = utcnow()
    with hub.db.session() as s:
        for entry in entries:
            reason = outcome.item_errors.get(entry.job_item or 0)
            if reason is None:
                if not _finish(
                    s, entry, now, status="done", job_ref=job_id or None, last_error=None, result=f"{label}: done"
                ):
                    continue  # settled meanwhile (a person discarded it)
                if entry.kind == "stock" and entry.listing_id is not None:
                    s.execute(
                        update(Listing)
                        .where(Listing.id == entry.listing_id)
                        .values(channel_stock=json.loads(entry.payload)["quantity"], updated_at=now)
                    )
                result.sent += 1
                continue
            error = f"{label}, item {entry.job_item}: {reason}"
            status = "superseded" if entry.coalesce_key and _superseded(s, entry) else "dead"
            if _finish(s, entry, now, status=status, job_ref=job_id or None, last_error=error) and status == "dead":
                result.dead += 1
                result.errors.append(f"entry {entry.id} ({entry.kind}): {error}")
    return len(entries)


def _fail_all(hub: Hub, entries: list[OutboxEntry], error: str, result, job_id: str = "") -> int:
    now = utcnow()
    with hub.db.session() as s:
        for entry in entries:
            values = {"job_ref": job_id} if job_id else {}
            if _finish(s, entry, now, status="dead", last_error=error, **values):
                result.dead += 1
                result.errors.append(f"entry {entry.id} ({entry.kind}): {error}")
    return len(entries)


def _still_running(
    hub: Hub,
    entries: list[OutboxEntry],
    now: datetime,
    asked_s: float | None,
    label: str,
    result,
    *,
    job_id: str = "",
    error: str | None = None,
) -> int:
    """Ask again later (backing off, see ``next_check_s``), unless the job is past its deadline: then it is a
    failure a person sees, saying how long the hub waited, how often it asked and what it heard last."""
    deadline = entries[0].job_deadline
    checks = (entries[0].checks or 0) + 1  # this check included
    if deadline is not None and now >= deadline:
        why = (
            f"{label} did not finish before {deadline.isoformat(timespec='seconds')} "
            f"(checked {checks} times; last answer: {error or 'still running'}); "
            "look at the job on the platform before sending the change again"
        )
        return _fail_all(hub, entries, why, result, job_id)
    check_at = now + timedelta(seconds=next_check_s(checks, asked_s))
    if deadline is not None:
        check_at = min(check_at, deadline)  # the last check falls on the deadline
    values: dict = {"check_at": check_at, "updated_at": now}
    if job_id:
        values["job_ref"] = job_id
    if error:
        values["last_error"] = error
    with hub.db.session() as s:
        s.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id.in_([e.id for e in entries]), OutboxEntry.status == AWAITING)
            .values(**values)
        )
    result.waiting += len(entries)
    return 0


def _send_again(hub: Hub, entries: list[OutboxEntry], now: datetime, label: str) -> int:
    """The platform shows no job for the reference after the grace: the submit never arrived, send anew."""
    with hub.db.session() as s:
        for entry in entries:
            _finish(
                s,
                entry,
                now,
                status="pending",
                next_attempt_at=now,
                job_token=None,
                job_ref=None,
                job_item=None,
                job_deadline=None,
                checks=0,
                last_error=f"{label}: not received by the platform",
            )
    log.info("%s: not received by the platform; %d entries queued again", label, len(entries))
    return len(entries)
