"""What a seller does to an order. The change and its outbox entries are written in one transaction.

Changes made by the seller go to the order's own channel; changes imported from a channel never create
outbox entries for that channel (invariant 4: no echo) because imports do not call these functions.
Where the channel has no API for an effect, the buyer is told by e-mail instead (``sync.mail_notices``):
always for a message, for status and tracking notices when the connection or account asks for it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..channels.registry import get_connector
from ..channels.sdk.capabilities import Capability
from ..domain import OrderState
from ..domain.links import link_problem
from ..domain.timeutil import utcnow
from ..store.history import add_history
from ..store.models import Connection, OrderRow, ShipmentLineRow, ShipmentRow
from . import fulfilment
from . import mail_notices as notices
from .hub import Hub, HubError
from .outbox import enqueue
from .propagation import propagate
from .reservations import apply_orders


def _order(s: Session, hub: Hub, order_id: int, account: str | None) -> OrderRow:
    row = s.get(OrderRow, order_id)
    if row is None or row.account_id != hub.account_id(account, s):
        raise HubError(f"no order with id {order_id}")
    return row


def _channel_supports(s: Session, order: OrderRow, capability: Capability) -> Connection | None:
    if order.connection_id is None:
        return None
    conn = s.get(Connection, order.connection_id)
    if conn is None or not get_connector(conn.system).supports(capability):
        return None
    return conn


def set_state(hub: Hub, order_id: int, state: OrderState, *, comment: str = "", account: str | None = None) -> bool:
    """Returns False when the order already has that state (nothing is queued)."""
    with hub.db.session() as s:
        order = _order(s, hub, order_id, account)
        return _set_state(s, order, state, comment, hub)


def _set_state(
    s: Session,
    order: OrderRow,
    state: OrderState,
    comment: str,
    hub: Hub | None = None,
    mail_notice: bool = True,
    push: bool = True,
) -> bool:
    if order.state == int(state):
        return False
    old = OrderState(order.state)
    order.state = int(state)
    order.modified_at = utcnow()
    if state is OrderState.SHIPPED and order.shipped_at is None:
        order.shipped_at = utcnow()
    add_history(s, order.id, "state_changed", source="user", old=int(old), new=int(state))
    propagate(s, apply_orders(s, [order.id]))
    conn = _channel_supports(s, order, Capability.CHANGE_STATUS) if push else None
    if conn is not None:
        enqueue(
            s,
            account_id=order.account_id,
            connection_id=conn.id,
            kind="state",
            order_id=order.id,
            payload={"state": int(state), "comment": comment},
        )
    elif hub is not None and mail_notice and state in notices.NOTICE_STATES:
        _mail_notice(s, hub, order, "state")
    return True


def _mail_notice(s: Session, hub: Hub, order: OrderRow, kind: str) -> bool:
    """Queue a status/tracking mail where the connection or account wants one; an order without a buyer
    address gets a history note instead, never a failed state change."""
    if not notices.notify_enabled(s, hub, order.account_id, order.connection_id):
        return False
    if not order.buyer_email or order.connection_id is None:
        add_history(s, order.id, "mail_no_address" if not order.buyer_email else "mail_no_connection", mail=kind)
        return False
    subject = notices.queue(s, hub, order, kind)
    add_history(s, order.id, "mail_queued", mail=kind, subject=subject)
    return True


def ship(
    hub: Hub,
    order_id: int,
    *,
    carrier: str,
    tracking_number: str,
    tracking_url: str = "",
    account: str | None = None,
    lines: list[tuple[str, Decimal]] | None = None,
) -> int:
    """Record a shipment, send its tracking number to the channel, then mark the order shipped, or
    partially shipped while ``lines`` (line id or SKU, quantity) leave some of it open. Returns its id."""
    if not carrier.strip() or not tracking_number.strip():
        raise HubError("carrier and tracking number are both required")
    if (problem := link_problem(tracking_url.strip())) is not None:
        raise HubError(f"the tracking URL {problem}")
    with hub.db.session() as s:
        order = _order(s, hub, order_id, account)
        checked = fulfilment.check_lines(s, order.id, lines, "ship") if lines else []
        row = ShipmentRow(
            order_id=order.id,
            carrier=carrier.strip(),
            tracking_number=tracking_number.strip(),
            tracking_url=tracking_url.strip(),
            created_at=utcnow(),
        )
        s.add(row)
        s.flush()
        s.add_all(
            [
                ShipmentLineRow(shipment_id=row.id, item_external_id=line.external_id, sku=line.sku, quantity=qty)
                for line, qty in checked
            ]
        )
        state = fulfilment.state_after_shipment(s, order.id)
        conn = _channel_supports(s, order, Capability.TRANSMIT_TRACKING)
        if (
            conn is not None
            and state is OrderState.PARTIALLY_SHIPPED
            and not get_connector(conn.system).ships_item_level()
        ):
            raise HubError(
                f"the channel {conn.system} cannot ship single lines: this shipment would leave "
                "lines open but the channel would mark the whole order shipped; ship the whole order"
            )
        shipped = fulfilment.history_lines(checked)
        lines_param: dict[str, Any] = {"lines": shipped} if shipped else {}  # a history param, never source or at
        add_history(
            s,
            order.id,
            "shipment_lines" if shipped else "shipment",
            source="user",
            carrier=carrier.strip(),
            tracking=tracking_number.strip(),
            **lines_param,
        )
        mailed = False
        if conn is not None:
            payload: dict = {
                "carrier": carrier.strip(),
                "tracking_number": tracking_number.strip(),
                "tracking_url": tracking_url.strip(),
            }
            if checked:
                payload["lines"] = [
                    {"item": line.external_id, "sku": line.sku, "quantity": str(qty)} for line, qty in checked
                ]
            enqueue(
                s,
                account_id=order.account_id,
                connection_id=conn.id,
                kind="tracking",
                order_id=order.id,
                payload=payload,
            )
        else:
            mailed = _mail_notice(s, hub, order, "tracking")
        # the tracking mail already tells the buyer it is shipped: no second "shipped" mail; a partial
        # shipment reaches the channel as the tracking push itself, not as a status push
        _set_state(s, order, state, "", hub, mail_notice=not mailed, push=state is OrderState.SHIPPED)
        return row.id


def send_message(hub: Hub, order_id: int, *, subject: str, text: str, account: str | None = None) -> None:
    if not text.strip():
        raise HubError("the message is empty")
    with hub.db.session() as s:
        order = _order(s, hub, order_id, account)
        conn = _channel_supports(s, order, Capability.SEND_MESSAGES)
        if conn is None:  # no messaging API: the message goes to the buyer by e-mail
            subject = notices.queue(s, hub, order, "message", {"subject": subject.strip(), "message": text})
            add_history(s, order.id, "message_by_mail", source="user", subject=subject)
            return
        add_history(s, order.id, "message", source="user", subject=subject)
        enqueue(
            s,
            account_id=order.account_id,
            connection_id=conn.id,
            kind="message",
            order_id=order.id,
            payload={"subject": subject, "text": text},
        )


def find_order(hub: Hub, ref: str, account: str | None = None) -> int:
    """An order by hub id, or by its number on the channel."""
    account_id = hub.account_id(account)
    with hub.db.session() as s:
        q = select(OrderRow.id).where(OrderRow.account_id == account_id)
        if ref.isdigit():
            found = s.scalar(q.where(OrderRow.id == int(ref)))
            if found:
                return found
        ids = s.scalars(q.where(OrderRow.number == ref)).all()
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            raise HubError(f"order number {ref!r} exists on several channels; use the hub id")
    raise HubError(f"no order {ref!r}")
