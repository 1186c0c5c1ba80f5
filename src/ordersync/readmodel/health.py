"""Every connection of an account with its health at a glance (the Settings / Shops page, GET /connections)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..channels.registry import get_connector
from ..store.models import Connection, OrderRow, OutboxEntry, SyncRun
from ..sync.hub import Hub


@dataclass
class ConnectionHealth:
    id: int
    name: str
    system: str
    display_name: str
    group: str
    paused: bool
    last_success_at: datetime | None
    lag_seconds: float | None  # how far the order cursor trails the channel at the last import
    last_error: str | None
    pending: int  # outbox entries waiting or being sent
    dead: int  # dead letters
    orders: int
    next_poll_at: datetime | None
    webhooks_problem: str | None = None  # what the shop has switched off (None: active, or none registered)
    webhook_delay_median: float | None = None  # seconds from an order's change to its webhook's arrival
    auth_problem: str | None = None  # OAuth: why the seller must authorise the connection again
    awaiting: int = 0  # pushes the platform accepted into a job whose result is still to be checked


def _describe(system: str) -> tuple[str, str]:
    try:
        cls = get_connector(system)
        return cls.display_name, cls.group
    except LookupError:  # a connector that is no longer installed: the connection still shows
        return system, ""


def connection_health(hub: Hub, account_id: int) -> list[ConnectionHealth]:
    with hub.db.session() as s:
        conns = s.scalars(select(Connection).where(Connection.account_id == account_id).order_by(Connection.name)).all()
        ids = [c.id for c in conns]
        if not ids:
            return []
        outbox = {
            (cid, status): n
            for cid, status, n in s.execute(
                select(OutboxEntry.connection_id, OutboxEntry.status, func.count())
                .where(
                    OutboxEntry.connection_id.in_(ids),
                    OutboxEntry.status.in_(("pending", "sending", "dead", "awaiting")),
                )
                .group_by(OutboxEntry.connection_id, OutboxEntry.status)
            )
        }
        orders = dict(
            s.execute(
                select(OrderRow.connection_id, func.count())
                .where(OrderRow.account_id == account_id, OrderRow.connection_id.in_(ids))
                .group_by(OrderRow.connection_id)
            ).all()
        )
        latest = (
            select(SyncRun.connection_id, func.max(SyncRun.id).label("run_id"))
            .where(SyncRun.connection_id.in_(ids), SyncRun.kind == "orders", SyncRun.status == "ok")
            .group_by(SyncRun.connection_id)
            .subquery()
        )
        lags = dict(
            s.execute(
                select(SyncRun.connection_id, SyncRun.lag_seconds).join(latest, latest.c.run_id == SyncRun.id)
            ).all()
        )
        out = []
        for c in conns:
            display, group = _describe(c.system)
            out.append(
                ConnectionHealth(
                    c.id,
                    c.name,
                    c.system,
                    display,
                    group,
                    c.paused,
                    c.last_success_at,
                    lags.get(c.id),
                    c.last_error,
                    outbox.get((c.id, "pending"), 0) + outbox.get((c.id, "sending"), 0),
                    outbox.get((c.id, "dead"), 0),
                    orders.get(c.id, 0),
                    c.next_poll_at,
                    c.webhooks_problem,
                    c.webhook_delay_median,
                    c.auth_problem,
                    outbox.get((c.id, "awaiting"), 0),
                )
            )
        return out
