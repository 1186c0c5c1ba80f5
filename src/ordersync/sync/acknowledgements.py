"""Order acknowledgements for channels that require the seller to accept or reject each new order
(``Capability.ACKNOWLEDGE_ORDERS``, e.g. marketplaces with an acceptance deadline).

A newly imported order of such a connection is accepted automatically unless the connection's setting
``auto_accept`` is off; the acceptance goes through the outbox (kind ``ack``) like every other push. The
``order_acknowledgements`` row is unique per order, so an order is acknowledged once however often it is
imported, and a manual decision made later never queues a second one.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..channels.registry import get_connector
from ..channels.sdk.capabilities import Capability
from ..channels.sdk.connector import Connector
from ..domain import Order
from ..domain.timeutil import utcnow
from ..store.history import add_history
from ..store.models import Connection, OrderAcknowledgement
from .hub import Hub, HubError
from .outbox import enqueue


def auto_accept(settings_json: str | None) -> bool:
    """The connection's ``auto_accept`` setting; on unless switched off."""
    value = json.loads(settings_json or "{}").get("auto_accept", True)
    return value not in (False, "false", "0", "no", "off", 0)


def queue_for_new(
    s: Session, account_id: int, connection_id: int, connector: Connector | None, created: dict[int, Order]
) -> int:
    """Accept the new orders of a connection whose channel requires acknowledgements; returns how many."""
    if connector is None or not connector.supports(Capability.ACKNOWLEDGE_ORDERS) or not created:
        return 0
    conn = s.get(Connection, connection_id)
    if conn is None or not auto_accept(conn.settings_json):
        return 0
    return sum(
        _queue(s, account_id, connection_id, oid, True, "", order.acknowledge_by, "system")
        for oid, order in created.items()
    )


def acknowledge(hub: Hub, order_id: int, *, accept: bool, reason: str = "", account: str | None = None) -> bool:
    """The seller's own decision for an order not yet acknowledged; False if it already was."""
    from .actions import _order

    with hub.db.session() as s:
        order = _order(s, hub, order_id, account)
        conn = s.get(Connection, order.connection_id) if order.connection_id else None
        if conn is None or not get_connector(conn.system).supports(Capability.ACKNOWLEDGE_ORDERS):
            raise HubError("this order's channel does not take acknowledgements")
        if not accept and not reason.strip():
            raise HubError("a rejection needs a reason")
        data = json.loads(order.data or "{}")
        deadline = datetime.fromisoformat(data["acknowledge_by"]) if data.get("acknowledge_by") else None
        return bool(_queue(s, order.account_id, conn.id, order.id, accept, reason.strip(), deadline, "user"))


def _queue(
    s: Session, account_id: int, connection_id: int, order_id: int, accept: bool, reason: str, deadline, source: str
) -> int:
    now = utcnow()
    values = {"order_id": order_id, "accept": accept, "reason": reason, "deadline": deadline, "queued_at": now}
    dialect = s.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        make = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = make(OrderAcknowledgement).values(**values).on_conflict_do_nothing(index_elements=["order_id"])
        if not s.execute(stmt.returning(OrderAcknowledgement.id)).first():
            return 0
    else:  # pragma: no cover - other databases: look first, the unique index still holds
        if s.scalar(select(OrderAcknowledgement.id).where(OrderAcknowledgement.order_id == order_id)):
            return 0
        s.execute(insert(OrderAcknowledgement).values(**values))
    enqueue(
        s,
        account_id=account_id,
        connection_id=connection_id,
        kind="ack",
        order_id=order_id,
        payload={"accept": accept, "reason": reason},
    )
    if accept:
        add_history(s, order_id, "ack_accepted", source=source, at=now)
    else:
        add_history(s, order_id, "ack_rejected", source=source, at=now, reason=reason)
    return 1


def mark_sent(s: Session, order_id: int) -> None:
    """Called by the dispatcher once the channel has the acknowledgement."""
    row = s.scalar(select(OrderAcknowledgement).where(OrderAcknowledgement.order_id == order_id))
    if row is not None and row.sent_at is None:
        row.sent_at = utcnow()
