"""Orders of a period: what the channel lists against what the hub holds for that connection.

The channel is read with the import's own ``fetch_orders`` over ``(since, until]`` on its modification time,
page by page within the connector's rate budget. Each page is compared with the hub's rows for the same ids
while it is in hand, so memory holds only the set of ids seen (for the last check). A hub order of the
period that the channel did not list may simply have been modified on the channel after ``until``; it is
asked for once by id (``fetch_order``, at most ``CONFIRM_AT_MOST`` of them) before it is called unknown.

A different state is reported only when it is not the hub's own doing in transit: a channel status that is
what our status push writes for the hub's state is the echo of that push, and a state push still queued
has not reached the channel yet.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import select

from ..channels.sdk.connector import Connector
from ..channels.sdk.errors import NotFoundError
from ..channels.sdk.reconcile_reads import ReadsForComparison
from ..channels.sdk.records import OrderPage, OrderRef, Window
from ..domain import Order, OrderState
from ..hub import Hub
from ..store.models import Connection, OrderRow, OutboxEntry
from .report import Differences

CONFIRM_AT_MOST = 100
IN_TRANSIT = ("pending", "sending", "awaiting")
Store = Callable[[OrderPage], None]  # imports the missing orders of a page (automatic import), or None


def compare(
    hub: Hub,
    conn: Connection,
    connector: Connector,
    window: Window,
    diffs: Differences,
    *,
    progress: Callable[[int, int | None], None],
    store: Store | None = None,
    for_comparison: bool = False,
) -> int:
    """``for_comparison``: the connector declares a read made for a comparison (sdk.reconcile_reads), which
    may leave out what is not compared; the orders imported automatically are then read again by id."""
    seen: set[str] = set()
    read = 0
    # a connector declaring the read for a comparison takes the argument (sdk.reconcile_reads)
    pages = (
        cast(ReadsForComparison, connector).fetch_orders(window, for_comparison=True)
        if for_comparison
        else connector.fetch_orders(window)
    )
    for page in pages:
        missing = _compare_page(hub, conn, connector, page, diffs)
        seen.update(o.external_id for o in page.records)
        seen.update(q.external_id for q in page.quarantined)
        for q in page.quarantined:
            diffs.add("orders_unreadable", {"external_id": q.external_id, "reason": q.reason})
        if store is not None and missing:
            found = [o for o in page.records if o.external_id in missing]
            store(OrderPage(_in_full(connector, found) if for_comparison else found))
        read += len(page.records) + len(page.quarantined)
        progress(read, page.window_total)
    _unknown(hub, conn, connector, window, seen, diffs)
    return read


def _compare_page(hub: Hub, conn: Connection, connector: Connector, page: OrderPage, diffs: Differences) -> set[str]:
    ids = [o.external_id for o in page.records]
    with hub.db.session() as s:
        rows = {
            r.external_id: r
            for r in s.execute(
                select(
                    OrderRow.id,
                    OrderRow.external_id,
                    OrderRow.number,
                    OrderRow.state,
                    OrderRow.total,
                    OrderRow.currency,
                ).where(OrderRow.connection_id == conn.id, OrderRow.external_id.in_(ids))
            )
        }
        in_transit = set(
            s.scalars(
                select(OutboxEntry.order_id).where(
                    OutboxEntry.kind == "state",
                    OutboxEntry.status.in_(IN_TRANSIT),
                    OutboxEntry.order_id.in_([r.id for r in rows.values()]),
                )
            )
        )
    missing: set[str] = set()
    for order in page.records:
        row = rows.get(order.external_id)
        if row is None:
            missing.add(order.external_id)
            diffs.add("orders_missing", _order_row(order))
            continue
        state_differs = (
            int(order.state) != row.state
            and row.id not in in_transit
            and order.channel_status != (connector.channel_status_for(OrderState(row.state)) or None)
        )
        total_differs = Decimal(order.total) != Decimal(row.total) or order.currency != row.currency
        if state_differs or total_differs:
            diffs.add(
                "orders_differ",
                {
                    "order_id": row.id,
                    "external_id": order.external_id,
                    "number": order.number or row.number,
                    "hub_state": row.state,
                    "channel_state": int(order.state),
                    "channel_status": order.channel_status,
                    "hub_total": str(row.total),
                    "channel_total": str(order.total),
                    "hub_currency": row.currency,
                    "currency": order.currency,
                    "what": [w for w, d in (("state", state_differs), ("total", total_differs)) if d],
                },
            )
    return missing


def _in_full(connector: Connector, orders: list[Order]) -> list[Order]:
    """The orders as the import reads them (one call each; an order deleted meanwhile is left out)."""
    full: list[Order] = []
    for order in orders:
        try:
            full.extend(connector.fetch_order(OrderRef(order.external_id, order.number)).records)
        except NotFoundError:
            continue
    return full


def _order_row(order: Order) -> dict:
    return {
        "external_id": order.external_id,
        "number": order.number,
        "state": int(order.state),
        "total": str(order.total),
        "currency": order.currency,
        "created_at": order.created_at.isoformat(),
    }


def _unknown(
    hub: Hub, conn: Connection, connector: Connector, window: Window, seen: set[str], diffs: Differences
) -> None:
    with hub.db.session() as s:
        q = select(OrderRow.id, OrderRow.external_id, OrderRow.number, OrderRow.channel_updated_at).where(
            OrderRow.connection_id == conn.id, OrderRow.channel_updated_at <= window.until
        )
        if window.since is not None:
            q = q.where(OrderRow.channel_updated_at > window.since)
        candidates = [r for r in s.execute(q.order_by(OrderRow.id)) if r.external_id not in seen]
    for n, row in enumerate(candidates):
        if n < CONFIRM_AT_MOST and _still_there(connector, row.external_id, row.number, window.until):
            continue
        diffs.add(
            "orders_unknown",
            {
                "order_id": row.id,
                "external_id": row.external_id,
                "number": row.number,
                "channel_updated_at": row.channel_updated_at.isoformat(),
                "confirmed": n < CONFIRM_AT_MOST,
            },
        )


def _still_there(connector: Connector, external_id: str, number: str, until: datetime) -> bool:
    """The channel has the order, modified after the period's end (so the listing did not include it)."""
    try:
        page = connector.fetch_order(OrderRef(external_id, number))
    except NotFoundError:
        return False
    except NotImplementedError:
        return False
    return any(o.external_id == external_id and o.updated_at > until for o in page.records)
