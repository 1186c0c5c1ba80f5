"""Item-level fulfilment in the store: what of an order is still open, and cancelling single lines.

Shipments themselves are recorded by ``actions.ship``; this module reads shipment lines and cancellations
back into ``domain.fulfilment`` terms and decides the state an order reaches after a shipment.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import OrderState
from ..domain.fulfilment import FulfilmentError, Line, check_request, open_quantities
from ..domain.timeutil import utcnow
from ..store.history import add_history
from ..store.models import LineCancellationRow, OrderItemRow, ShipmentLineRow, ShipmentRow
from .hub import Hub, HubError


def order_lines(s: Session, order_id: int) -> list[Line]:
    return [
        Line(i.external_id, i.sku, Decimal(i.quantity))
        for i in s.scalars(select(OrderItemRow).where(OrderItemRow.order_id == order_id).order_by(OrderItemRow.id))
    ]


def open_now(s: Session, order_id: int) -> dict[str, Decimal]:
    shipments: dict[int, list[tuple[str, Decimal]]] = {
        sid: []
        for sid in s.scalars(select(ShipmentRow.id).where(ShipmentRow.order_id == order_id).order_by(ShipmentRow.id))
    }
    for x in s.scalars(select(ShipmentLineRow).where(ShipmentLineRow.shipment_id.in_(list(shipments)))):
        shipments[x.shipment_id].append((x.item_external_id, Decimal(x.quantity)))
    cancelled = [
        (x.item_external_id, Decimal(x.quantity))
        for x in s.scalars(select(LineCancellationRow).where(LineCancellationRow.order_id == order_id))
    ]
    return open_quantities(order_lines(s, order_id), [shipments[k] for k in sorted(shipments)], cancelled)


def check_lines(s: Session, order_id: int, wanted: list[tuple[str, Decimal]], what: str) -> list[tuple[Line, Decimal]]:
    """The requested (line, quantity) pairs, or HubError naming the line that has too little open."""
    try:
        return check_request(order_lines(s, order_id), open_now(s, order_id), wanted, what)
    except FulfilmentError as exc:
        raise HubError(str(exc)) from None


def state_after_shipment(s: Session, order_id: int) -> OrderState:
    """SHIPPED when nothing is open any more, else PARTIALLY_SHIPPED."""
    s.flush()
    left = open_now(s, order_id)
    return OrderState.PARTIALLY_SHIPPED if any(q > 0 for q in left.values()) else OrderState.SHIPPED


#: the outbox kind of a line cancellation sent to the channel (``Connector.cancel_lines``)
KIND = "line_cancel"


def history_lines(checked: list[tuple[Line, Decimal]]) -> list[dict[str, str]]:
    """Checked lines as an order history entry's ``lines`` parameter (domain.history)."""
    return [{"quantity": f"{qty.normalize():f}", "item": line.sku or line.external_id} for line, qty in checked]


def _send_to_channel(s: Session, order, checked: list[tuple[Line, Decimal]], reason: str) -> None:
    """Queue the cancellation for the order's channel, in the same transaction, if the channel takes line
    cancellations (``cancels_lines`` on CHANGE_STATUS); otherwise it stays in the hub (the order's history
    says so)."""
    from ..channels.registry import get_connector
    from ..store.models import Connection
    from .outbox import enqueue

    conn = s.get(Connection, order.connection_id) if order.connection_id is not None else None
    if conn is None:
        return
    try:
        takes_them = get_connector(conn.system).cancels_lines()
    except LookupError:  # the connector is no longer installed: nothing can be sent
        takes_them = False
    if not takes_them:
        add_history(s, order.id, "channel_cancels_no_lines", system=conn.system)
        return
    s.flush()
    totals: dict[str, Decimal] = {}
    for row in s.scalars(select(LineCancellationRow).where(LineCancellationRow.order_id == order.id)):
        totals[row.item_external_id] = totals.get(row.item_external_id, Decimal(0)) + Decimal(row.quantity)
    enqueue(
        s,
        account_id=order.account_id,
        connection_id=conn.id,
        kind=KIND,
        order_id=order.id,
        payload={
            "reason": reason,
            "lines": [
                {
                    "item": line.external_id,
                    "sku": line.sku,
                    "quantity": str(qty),
                    "line_total": str(totals[line.external_id]),
                }
                for line, qty in checked
            ],
        },
    )


def cancel_lines(
    hub: Hub, order_id: int, lines: list[tuple[str, Decimal]], *, reason: str = "", account: str | None = None
) -> list[LineCancellationRow]:
    """Cancel quantities of single lines (they will not be shipped). Refused if more than is open."""
    from .actions import _order, _set_state  # the order lookup with its account check; state changes

    with hub.db.session() as s:
        order = _order(s, hub, order_id, account)
        checked = check_lines(s, order.id, lines, "cancel")
        now = utcnow()
        rows = [
            LineCancellationRow(
                order_id=order.id,
                item_external_id=line.external_id,
                sku=line.sku,
                quantity=qty,
                reason=reason.strip(),
                created_at=now,
            )
            for line, qty in checked
        ]
        s.add_all(rows)
        if reason.strip():
            add_history(
                s,
                order.id,
                "lines_cancelled_reason",
                source="user",
                at=now,
                lines=history_lines(checked),
                reason=reason.strip(),
            )
        else:
            add_history(s, order.id, "lines_cancelled", source="user", at=now, lines=history_lines(checked))
        order.modified_at = now
        _send_to_channel(s, order, checked, reason.strip())
        if order.state == OrderState.PARTIALLY_SHIPPED and state_after_shipment(s, order.id) is OrderState.SHIPPED:
            _set_state(s, order, OrderState.SHIPPED, "", hub)  # the cancelled rest was all that was open
        s.flush()
        return rows
