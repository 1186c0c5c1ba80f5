"""Delivering the outbox: at least once, with backoff, idempotent at the channel (invariants 3, 4, 6).

An entry is claimed (pending → sending, with a lease) before it is sent, so two dispatchers never send the
same entry at once, and an entry whose dispatcher died is released when its lease runs out. Entries of one
order go out in the order they were written: a later one waits while an earlier one is still open, so a
"shipped" status never overtakes the tracking note written before it. Transient failures are retried with
exponential backoff (honouring Retry-After); permanent ones, or too many attempts, make a dead letter that
a person can retry or discard. Every attempt is recorded.

Entries of kind ``mail`` (a message or notice to the buyer of a channel without an API for it) go through
the account's SMTP server instead of the connector, under the same rules; a sent mail is written into the
order's history in the transaction that settles it.

Kinds a connector declares at most once (``Connector.at_most_once``: a buyer message the platform cannot be
asked about) are never sent blindly again: a send whose outcome is unknown becomes a dead letter that says
so, for the seller to check on the platform before retrying it by hand.

Kinds a connector declares asynchronous (``Connector.async_push``) are submitted with a reference written
down first and then await the platform's job (status ``awaiting``); ``sync.async_checks`` settles them and
says why such a push is never sent twice.
"""

from __future__ import annotations

import contextvars
import json
import logging
import random
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, insert, select, update

from ..channels.sdk.errors import ChannelError, PermanentError, RateLimited
from ..channels.sdk.oauth2 import ReauthorizationNeeded
from ..channels.sdk.records import OrderRef, PushResult
from ..domain import LineCancellation, OrderState, Shipment, ShipmentLine, StockUpdate
from ..domain.timeutil import utcnow
from ..store.history import add_history
from ..store.models import Connection, Listing, OrderRow, OutboxAttempt, OutboxEntry
from ..telemetry.context import bound
from . import acknowledgements, async_checks, connections, fulfilment, mail_notices
from .hub import Hub, HubError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_DELAY = 5.0
MAX_DELAY = 3600.0
CLAIM_LEASE = timedelta(minutes=5)
OPEN = ("pending", "sending", "awaiting")


def backoff(attempts: int, retry_after: float | None = None) -> float:
    delay = min(MAX_DELAY, BASE_DELAY * 2 ** max(0, attempts - 1))
    delay *= random.uniform(0.8, 1.2)
    return max(delay, retry_after or 0.0)


@dataclass
class DispatchResult:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    waiting: int = 0
    awaiting: int = 0  # accepted into a platform job, result later
    errors: list[str] = field(default_factory=list)


def _superseded(s, entry: OutboxEntry) -> bool:
    """A coalesced value (stock) is stale once any later entry for the same key exists, whatever its state:
    re-sending it after its dispatcher died would overwrite the newer value the channel already has."""
    return (
        s.scalar(
            select(OutboxEntry.id)
            .where(OutboxEntry.coalesce_key == entry.coalesce_key, OutboxEntry.id > entry.id)
            .limit(1)
        )
        is not None
    )


def release_expired(hub: Hub, now: datetime) -> None:
    """Entries whose dispatcher died mid-send go back to pending (or yield to a newer coalesced value)."""
    with hub.db.session() as s:
        stale = s.scalars(
            select(OutboxEntry).where(OutboxEntry.status == "sending", OutboxEntry.lease_until < now)
        ).all()
        for entry in stale:
            if entry.job_token is not None:  # its submit may have reached the platform: find the job first
                entry.status, entry.check_at, entry.lease_until = async_checks.AWAITING, now, None
                continue
            if _at_most_once(s, entry):
                entry.status, entry.lease_until = "dead", None
                entry.last_error = unknown_outcome("the worker sending it stopped")
                continue
            superseded = entry.coalesce_key is not None and _superseded(s, entry)
            entry.status = "superseded" if superseded else "pending"
            entry.lease_until = None
            # an attempt whose outcome is unknown: counted, so a newer coalesced value does not overwrite
            # what may already have reached the channel (see sync.outbox)
            entry.attempts += 1
            entry.last_error = "the worker sending it stopped before the channel answered"
            s.add(OutboxAttempt(outbox_id=entry.id, at=now, ok=False, duration_ms=0, error=entry.last_error))


def unknown_outcome(what: str) -> str:
    return (
        f"sent at most once, and {what} before the channel's answer: it may have arrived. Check on the "
        "channel before retrying this entry; the hub does not send it again by itself"
    )


def _at_most_once(s, entry: OutboxEntry) -> bool:
    conn = s.get(Connection, entry.connection_id)
    try:
        cls = connections.connector_class(conn.system) if conn is not None else None
    except HubError:  # a connector no longer installed: released as before
        return False
    return cls is not None and entry.kind in cls.at_most_once


def _ambiguous(outcome) -> bool:
    """A failure after which the channel may or may not have acted: anything but a definite refusal."""
    if not isinstance(outcome, Exception) or isinstance(outcome, ReauthorizationNeeded):
        return False
    return not (isinstance(outcome, ChannelError) and (not outcome.retryable or isinstance(outcome, RateLimited)))


def _due(hub: Hub, connection_id: int | None, now: datetime, limit: int, kind: str | None = None) -> list[OutboxEntry]:
    with hub.db.session() as s:
        q = select(OutboxEntry).where(OutboxEntry.status == "pending", OutboxEntry.next_attempt_at <= now)
        if connection_id is not None:
            q = q.where(OutboxEntry.connection_id == connection_id)
        if kind is not None:
            q = q.where(OutboxEntry.kind == kind)
        due = list(s.scalars(q.order_by(OutboxEntry.id).limit(limit)))
        order_ids = {e.order_id for e in due if e.order_id is not None}
        first_open: dict[int, int] = {}
        if order_ids:
            rows = s.execute(
                select(OutboxEntry.order_id, OutboxEntry.id).where(
                    OutboxEntry.order_id.in_(order_ids), OutboxEntry.status.in_(OPEN)
                )
            )
            for order_id, entry_id in rows:
                if order_id is not None:  # always: the query selects entries by their order
                    first_open[order_id] = min(entry_id, first_open.get(order_id, entry_id))
        in_flight = _older_in_flight(s, [e for e in due if e.coalesce_key is not None])
        return [e for e in due if (e.order_id is None or first_open.get(e.order_id) == e.id) and e.id not in in_flight]


def _older_in_flight(s, entries: list[OutboxEntry]) -> set[int]:
    """Coalesced entries that must wait: an older value for the same key is still being sent, and sending
    the newer one now could let the older request land last."""
    if not entries:
        return set()
    sending = defaultdict(list)
    for key, entry_id in s.execute(
        select(OutboxEntry.coalesce_key, OutboxEntry.id).where(
            OutboxEntry.coalesce_key.in_({e.coalesce_key for e in entries}),
            OutboxEntry.status.in_(("sending", async_checks.AWAITING)),
        )
    ):
        sending[key].append(entry_id)
    return {e.id for e in entries if any(other < e.id for other in sending.get(e.coalesce_key, ()))}


def _claim(hub: Hub, entry_ids: list[int], now: datetime) -> dict[int, str]:
    """Claim in one statement; ids another dispatcher took first are simply not returned."""
    if not entry_ids:
        return {}
    with hub.db.session() as s:
        # Lock in id order and skip rows another transaction holds (a seller's action re-coalescing a stock
        # value, another dispatcher): a claim never waits, so it can never be part of a deadlock.
        free = list(
            s.scalars(
                select(OutboxEntry.id)
                .where(OutboxEntry.id.in_(entry_ids), OutboxEntry.status == "pending")
                .order_by(OutboxEntry.id)
                .with_for_update(skip_locked=True)
            )
        )
        if not free:
            return {}
        # from the clock, not the round's ``now``: a connection's turn may come long after the round began
        until = max(now, utcnow()) + CLAIM_LEASE
        # the payload as claimed: a stock value re-coalesced between reading the due entries and this claim
        # must be the one sent, not the older one read before
        claimed: dict[int, str] = {
            entry_id: payload
            for entry_id, payload in s.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id.in_(free), OutboxEntry.status == "pending")
                .values(status="sending", lease_until=until)
                .returning(OutboxEntry.id, OutboxEntry.payload)
            )
        }
    with _LEASES_LOCK:
        _LEASES.update(dict.fromkeys(claimed, until))
    return claimed


def _claimed(hub: Hub, entries: list[OutboxEntry], now: datetime) -> list[OutboxEntry]:
    """The entries this dispatcher could claim, each carrying its payload as claimed (see ``_claim``)."""
    claimed = _claim(hub, [e.id for e in entries], now)
    for entry in entries:
        if entry.id in claimed:
            entry.payload = claimed[entry.id]
    return [e for e in entries if e.id in claimed]


MAX_ROUNDS = 5


def dispatch(
    hub: Hub, connection_id: int | None = None, *, limit: int = 1000, now: datetime | None = None
) -> DispatchResult:
    """Deliver what is due. An entry that waited behind an earlier one of its order goes out in a next
    round once that one succeeded, so a shipment's tracking note and status leave in one dispatch."""
    now = now or utcnow()
    release_expired(hub, now)
    result = DispatchResult()
    async_checks.check_due(hub, connection_id, now, result, limit)
    for _ in range(MAX_ROUNDS):
        sent = result.sent
        if not _round(hub, connection_id, now, limit, result) or result.sent == sent:
            break
    return result


def _round(hub: Hub, connection_id: int | None, now: datetime, limit: int, result: DispatchResult) -> bool:
    """One pass over the due entries; False when nothing was due.

    Each connection's entries are claimed when its turn comes, not at the round's start: a claim made
    earlier would wait unrenewed behind slower channels, run out, and reach a second dispatcher as an attempt
    whose outcome is unknown. Unclaimed, they are free for any other dispatcher to take meanwhile."""
    due = _due(hub, connection_id, now, limit)
    if not due:
        return False
    by_connection: dict[int, list[OutboxEntry]] = defaultdict(list)
    for entry in due:
        by_connection[entry.connection_id].append(entry)
    for conn_id, waiting in by_connection.items():
        entries = _claimed(hub, waiting, now)
        if not entries:
            continue
        with bound(connection_id=conn_id, account_id=entries[0].account_id):  # on every log line and metric
            _deliver_connection(hub, conn_id, entries, result, now)
    return True


def _deliver_connection(
    hub: Hub, conn_id: int, entries: list[OutboxEntry], result: DispatchResult, now: datetime | None = None
) -> None:
    heartbeat = _Heartbeat(hub, entries)
    try:
        with heartbeat:
            _deliver_held(hub, conn_id, entries, result, heartbeat, now)
    finally:
        with _LEASES_LOCK:  # settled, released or awaiting a job: no longer this dispatcher's to renew
            for entry_id in heartbeat.held:
                _LEASES.pop(entry_id, None)


def _deliver_held(
    hub: Hub,
    conn_id: int,
    entries: list[OutboxEntry],
    result: DispatchResult,
    heartbeat: _Heartbeat,
    now: datetime | None = None,
) -> None:
    with hub.db.session() as s:
        conn = s.get_one(Connection, conn_id)
        refs = {
            o.id: OrderRef(o.external_id, o.number)
            for o in s.scalars(select(OrderRow).where(OrderRow.id.in_([e.order_id for e in entries if e.order_id])))
        }
    mails = [e for e in entries if e.kind == mail_notices.KIND]
    for entry in mails:
        if not _renew(hub, [entry]):
            continue
        started = time.monotonic()
        try:
            outcome: PushResult | Exception = mail_notices.deliver(hub, entry.account_id, json.loads(entry.payload))
        except Exception as exc:  # noqa: BLE001 - every failure is recorded, none lost
            outcome = exc
        _settle(hub, entry, outcome, started, result)
    entries = [e for e in entries if e.kind != mail_notices.KIND]
    if not entries:
        return
    if conn.auth_problem:  # OAuth grant revoked: the entries wait, unsent and uncounted, for re-authorisation
        _release(hub, entries)
        result.waiting += len(entries)
        return
    connector = connections.build_connector(hub, conn)
    decl = type(connector).async_push
    try:
        stock = [e for e in entries if e.kind == "stock"]
        batch = type(connector).push_batch("stock")
        if stock and len(stock) < batch:
            filled = _fill_batch(hub, conn_id, "stock", batch - len(stock), now)
            heartbeat.add(filled)
            stock = sorted(stock + filled, key=lambda e: e.id)
        for entry in entries:
            if entry.kind == "stock" or not _renew(hub, [entry]):
                continue
            started = time.monotonic()
            is_async = _mark_submitting(hub, connector, [entry])
            try:
                outcome = _send_one(connector, entry, refs.get(entry.order_id) if entry.order_id is not None else None)
            except Exception as exc:  # noqa: BLE001 - every failure is recorded, none lost
                outcome = exc
            if entry.kind in type(connector).at_most_once and _ambiguous(outcome):
                outcome = PermanentError(f"{unknown_outcome('the send failed')} ({type(outcome).__name__}: {outcome})")
            _settle_push(hub, decl if is_async else None, entry, outcome, started, result)
        for chunk_start in range(0, len(stock), batch):
            chunk = _renew(hub, stock[chunk_start : chunk_start + batch])
            if not chunk:
                continue
            started = time.monotonic()
            updates = [StockUpdate(**json.loads(e.payload)) for e in chunk]
            is_async = _mark_submitting(hub, connector, chunk)
            try:
                outcomes: list[PushResult | Exception] = list(connector.push_stock(updates))
            except Exception as exc:  # noqa: BLE001
                outcomes = [exc] * len(chunk)
            for entry, outcome in zip(chunk, outcomes, strict=True):
                _settle_push(hub, decl if is_async else None, entry, outcome, started, result)
    finally:
        connector.context.push_reference = ""
        connector.close()


def _fill_batch(hub: Hub, conn_id: int, kind: str, room: int, now: datetime | None) -> list[OutboxEntry]:
    """More due entries of ``kind`` for this connection, claimed, up to the ``room`` left in the batch the
    connector declared (``Connector.push_batches``): the round's limit must not split a burst that the
    channel takes in one submission (a feed) into several."""
    now = now or utcnow()
    return _claimed(hub, _due(hub, conn_id, now, room, kind), now)


def _renew(hub: Hub, entries: list[OutboxEntry]) -> list[OutboxEntry]:
    """The entries this dispatcher still holds, their claims extended, just before they are sent. A batch to
    a slow or rate-limited channel can outlast the claim; an entry whose claim ran out may already be another
    dispatcher's, so it is not sent here (it goes back to pending and is sent once, by whoever claims it)."""
    if not entries:
        return []
    kept = _renew_ids(hub, [e.id for e in entries])
    return [e for e in entries if e.id in kept]


#: the lease this process set on each entry it claimed: a claim is renewed only while it still carries that
#: lease, so an entry whose claim ran out and that another dispatcher claimed since is never taken back
_LEASES: dict[int, datetime] = {}
_LEASES_LOCK = threading.Lock()


def _renew_ids(hub: Hub, entry_ids: list[int]) -> set[int]:
    now = utcnow()
    until = now + CLAIM_LEASE
    kept: set[int] = set()
    with _LEASES_LOCK:
        by_lease: dict[datetime | None, list[int]] = defaultdict(list)
        for entry_id in entry_ids:
            by_lease[_LEASES.get(entry_id)].append(entry_id)
        with hub.db.session() as s:
            for lease, ids in by_lease.items():
                mine = OutboxEntry.lease_until == lease if lease is not None else OutboxEntry.lease_until >= now
                kept |= set(
                    s.scalars(
                        update(OutboxEntry)
                        .where(OutboxEntry.id.in_(ids), OutboxEntry.status == "sending", mine)
                        .values(lease_until=until)
                        .returning(OutboxEntry.id)
                    )
                )
        _LEASES.update(dict.fromkeys(kept, until))
        for entry_id in set(entry_ids) - kept:
            _LEASES.pop(entry_id, None)
    return kept


class _Heartbeat:
    """Keeps this dispatcher's claims alive while it works through a connection's entries. A send can wait
    for a rate budget or a slow channel for longer than a claim lasts; were the claim to run out meanwhile,
    a second dispatcher would take the entry and send it again beside the first. A killed process stops
    renewing, so its entries still come back after one lease. A claim that already ran out is not revived."""

    def __init__(self, hub: Hub, entries: list[OutboxEntry]) -> None:
        self.hub = hub
        self.held = {e.id for e in entries}
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=contextvars.copy_context().run, args=(self._run,), name="ordersync-claims", daemon=True
        )

    def add(self, entries: list[OutboxEntry]) -> None:
        with self.lock:
            self.held.update(e.id for e in entries)

    def _run(self) -> None:
        while not self.stopped.wait(max(0.2, CLAIM_LEASE.total_seconds() / 3)):
            with self.lock:
                held = sorted(self.held)
            try:
                _renew_ids(self.hub, held)
            except Exception:  # noqa: BLE001 - a missed renewal is retried at the next beat
                log.warning("could not renew the claims of outbox entries %s", held[:10], exc_info=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join(timeout=60)


def _release(hub: Hub, entries: list[OutboxEntry]) -> None:
    with hub.db.session() as s:
        s.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id.in_([e.id for e in entries]), OutboxEntry.status == "sending")
            .values(status="pending", lease_until=None)
        )


def _mark_submitting(hub: Hub, connector, entries: list[OutboxEntry]) -> bool:
    """For a kind the connector pushes asynchronously: write a fresh reference, each entry's position and
    the give-up time onto the claimed entries, committed before the submit (see sync.async_checks), and
    hand the reference to the connector. False for a kind pushed synchronously."""
    decl = type(connector).async_push
    if decl is None or entries[0].kind not in decl.kinds:
        connector.context.push_reference = ""
        return False
    token, now = uuid.uuid4().hex, utcnow()
    deadline = now + timedelta(seconds=decl.timeout_s)
    with hub.db.session() as s:
        for position, entry in enumerate(entries):
            s.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id == entry.id, OutboxEntry.status == "sending")
                .values(job_token=token, job_item=position, job_ref=None, job_deadline=deadline)
            )
            entry.job_token, entry.job_item, entry.job_deadline = token, position, deadline
    connector.context.push_reference = token
    return True


def _settle_push(hub: Hub, decl, entry: OutboxEntry, outcome, started: float, result: DispatchResult) -> None:
    """An accepted job, or a lost answer to an asynchronous submit, awaits its check; everything else
    settles at once. Only a definite refusal (4xx, 429) of an asynchronous submit counts as not sent."""
    accepted = isinstance(outcome, PushResult) and outcome.ok and bool(outcome.job_id)
    refused = isinstance(outcome, ChannelError) and (not outcome.retryable or isinstance(outcome, RateLimited))
    lost = decl is not None and isinstance(outcome, Exception) and not refused
    if not (accepted or lost):
        _settle(hub, entry, outcome, started, result)
        return
    now = utcnow()
    ms = int((time.monotonic() - started) * 1000)
    if accepted:
        note, error = f"accepted as job {outcome.job_id}", None
        values = {
            "job_ref": outcome.job_id,
            "job_item": outcome.job_item,
            "check_at": now + timedelta(seconds=outcome.check_after_s or async_checks.DEFAULT_CHECK_S),
        }
    else:
        note = error = f"answer to the submit lost ({type(outcome).__name__}: {outcome}); finding the job by reference"
        values = {"check_at": now + timedelta(seconds=min(async_checks.DEFAULT_CHECK_S, decl.lookup_grace_s))}
    with hub.db.session() as s:
        s.execute(insert(OutboxAttempt).values(outbox_id=entry.id, at=now, ok=accepted, duration_ms=ms, error=error))
        s.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry.id, OutboxEntry.status == "sending")
            .values(
                status=async_checks.AWAITING,
                attempts=entry.attempts + 1,
                lease_until=None,
                updated_at=now,
                result=note,
                last_error=error,
                **values,
            )
        )
    result.awaiting += 1


def _send_one(connector, entry: OutboxEntry, ref: OrderRef | None) -> PushResult:
    payload = json.loads(entry.payload)
    if ref is None:
        raise LookupError(f"outbox entry {entry.id}: its order no longer exists")
    if entry.kind == "state":
        return connector.push_state(ref, OrderState(payload["state"]), payload.get("comment", ""))
    if entry.kind == "tracking":
        lines = [ShipmentLine(x["item"], Decimal(x["quantity"]), x.get("sku", "")) for x in payload.get("lines", ())]
        return connector.push_tracking(
            ref, Shipment(payload["carrier"], payload["tracking_number"], payload.get("tracking_url", ""), lines=lines)
        )
    if entry.kind == fulfilment.KIND:
        reason = payload.get("reason", "")
        return connector.cancel_lines(
            ref,
            [
                LineCancellation(
                    x["item"],
                    Decimal(x["quantity"]),
                    reason,
                    x.get("sku", ""),
                    line_total=Decimal(x["line_total"]) if x.get("line_total") else None,
                )
                for x in payload["lines"]
            ],
        )
    if entry.kind == "ack":
        return connector.acknowledge(ref, bool(payload["accept"]), payload.get("reason", ""))
    if entry.kind == "message":
        return connector.send_message(ref, payload.get("subject", ""), payload["text"])
    raise ValueError(f"outbox entry {entry.id}: unknown kind {entry.kind!r}")


def _settle(hub: Hub, entry: OutboxEntry, outcome, started: float, result: DispatchResult) -> None:
    now = utcnow()
    ms = int((time.monotonic() - started) * 1000)
    ok = isinstance(outcome, PushResult) and outcome.ok
    error = None
    if not ok:
        error = (
            (outcome.detail or "channel reported failure")
            if isinstance(outcome, PushResult)
            else f"{type(outcome).__name__}: {outcome}"
        )
    with hub.db.session() as s:
        s.execute(insert(OutboxAttempt).values(outbox_id=entry.id, at=now, ok=ok, duration_ms=ms, error=error))
        attempts = entry.attempts + 1
        values: dict = {"attempts": attempts, "updated_at": now, "lease_until": None}
        if ok:
            if entry.kind == "stock" and entry.listing_id is not None:
                s.execute(
                    update(Listing)
                    .where(Listing.id == entry.listing_id)
                    .values(channel_stock=json.loads(entry.payload)["quantity"], updated_at=now)
                )
            if entry.kind == "ack" and entry.order_id is not None:
                acknowledgements.mark_sent(s, entry.order_id)
            values |= {
                "status": "done",
                "last_error": None,
                "result": "already done" if outcome.already_done else (outcome.detail or "ok"),
            }
            result.sent += 1
        elif isinstance(outcome, ReauthorizationNeeded):  # kept, not counted: sent once re-authorised
            values |= {
                "status": "pending",
                "last_error": error,
                "attempts": entry.attempts,
                "next_attempt_at": now + timedelta(seconds=BASE_DELAY),
            }
            result.waiting += 1
        elif entry.coalesce_key and _superseded(s, entry):
            values |= {"status": "superseded", "last_error": error}  # a newer value will be sent instead
        elif isinstance(outcome, ChannelError) and outcome.retryable and attempts < MAX_ATTEMPTS:
            retry_after = outcome.retry_after if isinstance(outcome, RateLimited) else None
            values |= {
                "status": "pending",
                "last_error": error,
                "job_token": None,
                "job_item": None,
                "job_deadline": None,
                "next_attempt_at": now + timedelta(seconds=backoff(attempts, retry_after)),
            }
            result.retried += 1
        else:
            values |= {"status": "dead", "last_error": error}
            result.dead += 1
            result.errors.append(f"entry {entry.id} ({entry.kind}): {error}")
        settled = s.execute(
            update(OutboxEntry)
            .where(
                and_(
                    OutboxEntry.id == entry.id,  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                    OutboxEntry.status == "sending",
                )
            )
            .values(**values)
        ).rowcount
        if ok and settled and entry.kind == mail_notices.KIND and entry.order_id is not None:
            add_history(
                s, entry.order_id, "mail_sent", at=now, **mail_notices.history_params(json.loads(entry.payload))
            )


def _dead_filter(entry_ids: list[int] | None, connection_id: int | None) -> list:
    where = [OutboxEntry.status == "dead"]
    if entry_ids:
        where.append(OutboxEntry.id.in_(entry_ids))
    if connection_id is not None:
        where.append(OutboxEntry.connection_id == connection_id)
    return where


def retry_dead(hub: Hub, entry_ids: list[int] | None = None, connection_id: int | None = None) -> int:
    """Queue dead letters again. Of coalesced (stock) letters only the newest value per listing is
    retried, and none where a newer value exists in any state: the rest are superseded, never sent."""
    now = utcnow()
    with hub.db.session() as s:
        dead = s.scalars(
            select(OutboxEntry).where(*_dead_filter(entry_ids, connection_id)).order_by(OutboxEntry.id)
        ).all()
        keys = {e.coalesce_key for e in dead if e.coalesce_key}
        pending = (
            set(
                s.scalars(
                    select(OutboxEntry.coalesce_key).where(
                        OutboxEntry.status == "pending", OutboxEntry.coalesce_key.in_(keys)
                    )
                )
            )
            if keys
            else set()
        )
        retried = 0
        for entry in dead:
            if entry.coalesce_key and (entry.coalesce_key in pending or _superseded(s, entry)):
                entry.status, entry.updated_at = "superseded", now
                continue
            entry.status, entry.attempts, entry.next_attempt_at, entry.updated_at = "pending", 0, now, now
            entry.job_token = entry.job_ref = entry.job_item = entry.check_at = entry.job_deadline = None
            retried += 1
        return retried


def discard_dead(hub: Hub, entry_ids: list[int] | None = None, connection_id: int | None = None) -> int:
    with hub.db.session() as s:
        q = update(OutboxEntry).where(*_dead_filter(entry_ids, connection_id))
        return s.execute(q.values(status="discarded", updated_at=utcnow())).rowcount  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
