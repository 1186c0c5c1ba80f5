"""The events integrators can subscribe to, and how each is read from what the hub already records.

No extra write in the sync engine is needed: every change of an order leaves a row in ``order_events``
(written in the change's own transaction) and every change of stock a row in ``stock_movements``. Each
such row becomes exactly one event:

    order_events.kind "imported"                      → order.created
    order_events.kind "shipment"                      → order.shipped
    a state change (history kind "state_changed" by
    the seller, "state_from_channel" by an import)    → order.state_changed
    any other order event (updated, message, tags...) → order.updated
    stock_movements (any change of on-hand)           → stock.changed

The old and new state come from the entry's parameters (``domain.history``), never from its text.
"""

from __future__ import annotations

from ..domain import OrderState

ORDER_CREATED = "order.created"
ORDER_UPDATED = "order.updated"
ORDER_STATE_CHANGED = "order.state_changed"
ORDER_SHIPPED = "order.shipped"
STOCK_CHANGED = "stock.changed"
EVENT_TYPES = (ORDER_CREATED, ORDER_UPDATED, ORDER_STATE_CHANGED, ORDER_SHIPPED, STOCK_CHANGED)

STATE_CHANGES = frozenset({"state_changed", "state_from_channel"})


def state_change(history_kind: str, params: dict) -> tuple[int, int] | None:
    """(old, new) state ids of a history entry, or None when it records no state change."""
    if history_kind not in STATE_CHANGES:
        return None
    try:
        return int(OrderState(int(params["old"]))), int(OrderState(int(params["new"])))
    except (KeyError, TypeError, ValueError):
        return None


def order_event_type(kind: str, history_kind: str, params: dict) -> str:
    if kind == "imported":
        return ORDER_CREATED
    if kind == "shipment":
        return ORDER_SHIPPED
    if state_change(history_kind, params) is not None:
        return ORDER_STATE_CHANGED
    return ORDER_UPDATED


def parse_types(values) -> list[str]:
    """Validate a subscription's event list; "*" means every event."""
    wanted = [str(v).strip() for v in values or []]
    if not wanted:
        raise ValueError(f"name at least one event: {', '.join(EVENT_TYPES)} (or *)")
    if "*" in wanted:
        return list(EVENT_TYPES)
    unknown = [v for v in wanted if v not in EVENT_TYPES]
    if unknown:
        raise ValueError(f"unknown event {unknown[0]!r}; use {', '.join(EVENT_TYPES)} (or *)")
    return [t for t in EVENT_TYPES if t in wanted]
