"""Incremental import of orders and articles from one connection (invariants 1, 2 and 5).

Each page is committed on its own; the cursor advances only when the whole window is committed. Offset
paging over a window of modification times has one trap: a record modified while we page leaves the window
and shifts every later record one place forward, so one record would be skipped. Records can only leave
such a window (anything modified now lies after its end), so the channel's count of the window shrinks
when this happens. When the count reported with any page differs from the first's, the window is read
again; only a window read without a shift moves the cursor. Pages read concurrently (a connection's
concurrency setting) are requested in any order, so every page's count is compared, not just the last one's:
counts only shrink, so all pages reporting the same count means no record left the window while it was read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError, StatementError

from ..channels.sdk.cleantext import clean_record, json_may_have_bad_text
from ..channels.sdk.connector import Connector
from ..channels.sdk.errors import ChannelError
from ..channels.sdk.oauth2 import ReauthorizationNeeded
from ..channels.sdk.records import OrderPage, Quarantined, Window
from ..domain.codec import dumps
from ..domain.timeutil import utcnow
from ..store.models import Connection, Cursor
from ..telemetry.context import bound
from . import acknowledgements, connections, leases, webhook_health
from .hub import Hub
from .prefetch import prefetch
from .propagation import propagate
from .quarantine import quarantine
from .reservations import apply_orders, article_resolver
from .stock import lock_articles
from .synclog import finish_run, start_run
from .upsert import UpsertCounts, upsert_orders

if TYPE_CHECKING:  # webhooks imports this module
    from .webhooks import Eraser

MAX_WINDOW_REREADS = 3
Progress = Callable[[int, int | None], None]  # (records so far, expected total or None)


@dataclass
class ImportResult:
    connection: str
    fetched: int = 0
    quarantined: int = 0
    rereads: int = 0
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    window: Window | None = None
    skipped: str = ""
    error: str = ""

    @property
    def created(self) -> int:
        return self.counts.created

    @property
    def updated(self) -> int:
        return self.counts.updated

    @property
    def unchanged(self) -> int:
        return self.counts.unchanged


def get_position(hub: Hub, connection_id: int, stream: str):
    with hub.db.session() as s:
        cur = s.get(Cursor, (connection_id, stream))
        return cur.position if cur else None


def set_position(hub: Hub, connection_id: int, stream: str, position) -> None:
    with hub.db.session() as s:
        cur = s.get(Cursor, (connection_id, stream))
        if cur is None:
            s.add(Cursor(connection_id=connection_id, stream=stream, position=position, updated_at=utcnow()))
        else:
            cur.position, cur.updated_at = position, utcnow()


def store_page(
    hub: Hub, account_id: int, connection_id: int, page: OrderPage, *, source: str, connector: Connector | None = None
) -> UpsertCounts:
    """Write one page in one transaction: the orders, what they do to stock, and the stock pushes that
    follow for the *other* channels (the source channel too, if it does not adjust its own stock).
    A lost insert race re-reads the page (see upsert). When the store refuses the page for another reason
    (a value no column takes), each order is written alone and the ones refused are quarantined with the
    database's reason, so one bad record never blocks the rest (invariant 5)."""
    texts = [_canonical(order) for order in page.records]
    try:
        return _store_orders(
            hub,
            account_id,
            connection_id,
            page.records,
            page.quarantined,
            source=source,
            connector=connector,
            texts=texts,
        )
    except REFUSED as exc:
        if _not_refusal(exc) or not page.records:
            raise
    counts = UpsertCounts()
    refused: list[Quarantined] = []
    for order, text in zip(page.records, texts, strict=True):
        try:
            one = _store_orders(
                hub, account_id, connection_id, [order], [], source=source, connector=connector, texts=[text]
            )
            counts.add(one)
            counts.written.update(one.written)
        except REFUSED as exc:
            if _not_refusal(exc):
                raise
            refused.append(
                Quarantined(
                    external_id=order.external_id,
                    raw=dumps(order),
                    reason=f"the database refused this order: {_db_reason(exc)}",
                    hint=f"order {order.number or order.external_id}; the connector mapped a value no column takes",
                )
            )
    if page.quarantined or refused:
        with hub.db.session() as s:
            quarantine(s, connection_id, "orders", page.quarantined + refused)
    gone = {q.external_id for q in refused}
    page.records[:] = [o for o in page.records if o.external_id not in gone]
    page.quarantined.extend(refused)
    return counts


def _canonical(order) -> str:
    """The order's stored form (hashed and written by the upsert), cleaned of text no database takes. The form
    is scanned for such text rather than the order walked field by field: a walk costs as much as the
    serialisation, and is only needed when the scan finds something."""
    text = dumps(order)
    if json_may_have_bad_text(text):
        clean_record(order)
        text = dumps(order)
    return text


# What a record's own values can make the store raise; a lost race (IntegrityError) and a lost or broken
# connection are not the record's fault and fail the page as before.
REFUSED = (StatementError, OverflowError, UnicodeError)


def _not_refusal(exc: Exception) -> bool:
    return isinstance(exc, (IntegrityError, OperationalError, InterfaceError)) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )


def _db_reason(exc: Exception) -> str:
    return " ".join(str(getattr(exc, "orig", None) or exc).split())[:500]


def _store_orders(
    hub: Hub,
    account_id: int,
    connection_id: int,
    records: list,
    quarantined: list[Quarantined],
    *,
    source: str,
    connector: Connector | None,
    texts: list[str],
) -> UpsertCounts:
    own_status = connector.channel_status_for if connector is not None else None
    skip = connection_id if connector is None or connector.adjusts_own_stock else None
    for attempt in range(5):
        try:
            with hub.db.session() as s:
                article_of = article_resolver(s, account_id, connection_id, records)
                lock_articles(s, {article_of(i) for order in records for i in order.items})
                counts = upsert_orders(
                    s,
                    account_id,
                    connection_id,
                    records,
                    source=source,
                    own_status=own_status,
                    article_of=article_of,
                    texts=texts,
                )
                if counts.written:
                    lines = {
                        oid: [
                            (a, i.quantity - order.refunded_quantity(i))
                            for i in order.items
                            if not i.dont_adjust_stock and (a := article_of(i)) is not None
                        ]
                        for oid, order in counts.written.items()
                    }
                    affected = apply_orders(s, list(counts.written), new_ids=set(counts.created_ids), lines=lines)
                    propagate(s, affected, skip_connection=skip)
                if quarantined:
                    quarantine(s, connection_id, "orders", quarantined)
                acknowledgements.queue_for_new(
                    s,
                    account_id,
                    connection_id,
                    connector,
                    {oid: counts.written[oid] for oid in counts.created_ids if oid in counts.written},
                )
                return counts
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def import_orders(
    hub: Hub,
    connection_id: int,
    *,
    progress: Progress | None = None,
    overlap: timedelta | None = None,
    erase: Eraser | None = None,
) -> ImportResult:
    """``erase``: the application layer's erasure, for erasure requests in the channel's notification queue
    (see ``sync.webhooks.Eraser``); without it such a request waits in the queue's stored deliveries."""
    row = connections.load(hub, connection_id)
    with bound(connection_id=connection_id, account_id=row.account_id):  # on every log line and metric
        return _import_orders(hub, connection_id, row, progress, overlap, erase)


def _import_orders(
    hub: Hub,
    connection_id: int,
    row: Connection,
    progress: Progress | None,
    overlap: timedelta | None,
    erase: Eraser | None = None,
) -> ImportResult:
    from .cursor import DEFAULT_OVERLAP, advance, lag_seconds, plan_window

    result = ImportResult(row.name)
    owner = leases.owner_id()
    if row.auth_problem:  # OAuth grant revoked: wait quietly for the seller's re-authorisation
        result.skipped = f"needs re-authorisation: {row.auth_problem}"
        with hub.db.session() as s:
            s.execute(
                update(Connection)
                .where(Connection.id == connection_id)
                .values(next_poll_at=utcnow() + timedelta(seconds=row.poll_interval))
            )
        return result
    if not leases.acquire(hub, connection_id, owner):
        result.skipped = "another sync of this connection is running"
        return result
    run_id = None
    connector = None
    try:
        connector = connections.build_connector(hub, row)
        state_before = dict(connector.context.state)
        from .pull_queue import drain  # a channel's notification queue first (sync.pull_queue)

        drain(hub, connection_id, connector, erase=erase)
        position = get_position(hub, connection_id, "orders")
        window = plan_window(position, utcnow(), overlap=overlap or DEFAULT_OVERLAP)
        result.window = window
        run_id = start_run(hub, connection_id, "orders", since=window.since, until=window.until)
        while True:
            first_total = last_total = None
            for page in prefetch(connector.fetch_orders(window)):
                counts = store_page(hub, row.account_id, connection_id, page, source="poll", connector=connector)
                result.counts.add(counts)
                result.fetched += len(page.records) + len(page.quarantined)
                result.quarantined += len(page.quarantined)
                if first_total is None:
                    first_total = page.window_total
                if last_total is None or page.window_total != first_total:
                    last_total = page.window_total  # any page's count that differs from the first's
                if progress:
                    progress(result.fetched, first_total)
                leases.renew(hub, connection_id, owner)
            if first_total == last_total or result.rereads >= MAX_WINDOW_REREADS:
                break
            result.rereads += 1
        shifted = first_total != last_total
        if not shifted:
            position = advance(position, window)
            set_position(hub, connection_id, "orders", position)
        if connector.context.state != state_before:  # e.g. a CSV file's ETag, kept once its orders are stored
            connections.save_state(hub, connection_id, connector.context.state)
        now = utcnow()
        with hub.db.session() as s:
            s.execute(
                update(Connection)
                .where(Connection.id == connection_id)
                .values(last_success_at=now, last_error=None, next_poll_at=now + timedelta(seconds=row.poll_interval))
            )
        webhook_health.check(hub, connection_id, connector)  # a disabled or deleted webhook is repaired
        finish_run(
            hub,
            run_id,
            fetched=result.fetched,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            quarantined=result.quarantined,
            lag_seconds=lag_seconds(position, now),
            error="window kept shifting while paged; cursor held back" if shifted else None,
        )
        return result
    except ReauthorizationNeeded as exc:  # the token store marked the connection; the run says why it stopped
        result.skipped = f"needs re-authorisation: {exc}"
        if run_id is not None:
            finish_run(
                hub,
                run_id,
                error=result.skipped,
                fetched=result.fetched,
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
                quarantined=result.quarantined,
            )
        return result
    except ChannelError as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        _record_failure(hub, connection_id, row.poll_interval, result.error)
        if run_id is not None:
            finish_run(
                hub,
                run_id,
                error=result.error,
                fetched=result.fetched,
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
                quarantined=result.quarantined,
            )
        return result
    except Exception as exc:  # not the channel's fault (e.g. the store): the run ends failed, with the reason
        result.error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:1000]}"
        _record_failure(hub, connection_id, row.poll_interval, result.error)
        if run_id is not None:
            finish_run(
                hub,
                run_id,
                error=result.error,
                fetched=result.fetched,
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
                quarantined=result.quarantined,
            )
        raise
    finally:
        if connector is not None:
            connector.close()
        leases.release(hub, connection_id, owner)


def _record_failure(hub: Hub, connection_id: int, interval: int, error: str) -> None:
    with hub.db.session() as s:
        s.execute(
            update(Connection)
            .where(Connection.id == connection_id)
            .values(last_error=error[:2000], next_poll_at=utcnow() + timedelta(seconds=interval))
        )


def connection_id_by_name(hub: Hub, name: str, account: str | None = None) -> int:
    with hub.db.session() as s:
        return connections.find(s, hub, name, account).id
