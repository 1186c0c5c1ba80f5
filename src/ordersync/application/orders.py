"""Orders as a seller lists and opens them, scoped to one account."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..hub import Hub
from ..store.core_tables import CONNECTIONS, ORDERS

if TYPE_CHECKING:  # `orders list` reads Core tables and loads no ORM (store/core_tables.py); open_order maps these
    from sqlalchemy import Row

    from ..store.models import OrderEvent, ShipmentRow
    from ..store.models_core import OrderRow


def list_orders(
    hub: Hub,
    account: str | None,
    *,
    connection: str | None = None,
    state: str | None = None,
    oversold: bool = False,
    limit: int | None = 50,
) -> list[tuple[Row[Any], str | None]]:
    """Newest first, each with its connection's name (None once the connection is removed). An order is a row
    of the columns of store.core_tables.ORDERS, read by name as a mapped order's attributes are (``o.number``)."""
    account_id = hub.account_id(account)
    conn_id = None
    if connection:  # the importer's module is heavy: only a filtered list needs it
        from ..sync.importer import connection_id_by_name

        conn_id = connection_id_by_name(hub, connection, account)
    q = (
        select(ORDERS, CONNECTIONS.c.name.label("connection_name"))
        .outerjoin(CONNECTIONS, CONNECTIONS.c.id == ORDERS.c.connection_id)
        .where(ORDERS.c.account_id == account_id)
    )
    if conn_id is not None:
        q = q.where(ORDERS.c.connection_id == conn_id)
    if state:
        from ..domain.states import OrderState

        q = q.where(ORDERS.c.state == int(OrderState.parse(state)))
    if oversold:
        q = q.where(ORDERS.c.oversold.is_(True))
    q = q.order_by(ORDERS.c.created_at.desc(), ORDERS.c.id.desc()).limit(limit)
    with hub.db.engine.begin() as conn:
        return [(row, row.connection_name) for row in conn.execute(q).all()]


@dataclass
class OrderFile:
    """One order with what the command line shows of it: the stored record, its shipments and history."""

    row: OrderRow
    data: dict[str, Any]
    shipments: list[ShipmentRow]
    events: list[OrderEvent]


def open_order(hub: Hub, ref: str, account: str | None) -> OrderFile:
    """The order by hub id or number within the account (``actions.find_order`` says what is wrong if none)."""
    from ..store.models import OrderEvent, OrderRow, ShipmentRow
    from ..sync import actions  # mail notices and the outbox: only opening an order needs them

    order_id = actions.find_order(hub, ref, account)
    with hub.db.session() as s:
        o = s.get_one(OrderRow, order_id)
        events = list(s.scalars(select(OrderEvent).where(OrderEvent.order_id == o.id).order_by(OrderEvent.id)))
        ships = list(s.scalars(select(ShipmentRow).where(ShipmentRow.order_id == o.id)))
    return OrderFile(o, json.loads(o.data), ships, events)
