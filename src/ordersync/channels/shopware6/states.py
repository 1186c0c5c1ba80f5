"""Shopware's three state machines and ordersync's states, both ways; each direction overridable per shop.

An order carries three states (Shopware's order-management guide): ``order`` (open, in_progress,
completed, cancelled), ``order_delivery`` (open, shipped, shipped_partially, returned, returned_partially,
cancelled) and ``order_transaction`` (open, paid, paid_partially, authorized, in_progress, reminded,
failed, cancelled, refunded, refunded_partially). They move only along transitions (``action_name``),
e.g. ``process`` (open → in_progress), ``complete`` (in_progress → completed), ``ship``, ``paid``.
The transition graph below is Shopware's default data as documented [unverified in detail beyond the
transitions VENDOR-FACTS names: process/complete/cancel/reopen, ship/ship_partially/retour/
retour_partially, paid]; a shop whose graph differs makes Shopware answer 400
``SYSTEM__ILLEGAL_STATE_TRANSITION``, which the connector reports as a permanent error.

Import: the first of ``IMPORT_ORDER`` the order shows decides (a cancelled order is cancelled whatever was
paid; a shipped one is shipped even if unpaid). Export: a hub state names the machine and the target
state (``order_delivery:shipped``); the connector walks the transitions from the current state to it.
Settings: ``status_map_import`` ``order_delivery:shipped_partially=Shipped``; ``status_map_export``
``Paid=order_transaction:paid``, ``Closed=`` (empty: never push).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from ...domain import OrderState
from ..sdk.settings import SettingsError
from ..sdk.statemap import export_map, import_map

S = OrderState
ENTITIES = ("order", "order_transaction", "order_delivery")

#: entity -> {state: {transition: next state}}
TRANSITIONS: dict[str, dict[str, dict[str, str]]] = {
    "order": {
        "open": {"process": "in_progress", "cancel": "cancelled"},
        "in_progress": {"complete": "completed", "cancel": "cancelled"},
        "completed": {"reopen": "open"},
        "cancelled": {"reopen": "open"},
    },
    "order_delivery": {
        "open": {"ship": "shipped", "ship_partially": "shipped_partially", "cancel": "cancelled"},
        "shipped_partially": {
            "ship": "shipped",
            "retour": "returned",
            "retour_partially": "returned_partially",
            "cancel": "cancelled",
            "reopen": "open",
        },
        "shipped": {"retour": "returned", "retour_partially": "returned_partially", "reopen": "open"},
        "returned_partially": {"retour": "returned", "reopen": "open"},
        "returned": {"reopen": "open"},
        "cancelled": {"reopen": "open"},
    },
    "order_transaction": {
        "open": {
            "paid": "paid",
            "paid_partially": "paid_partially",
            "authorize": "authorized",
            "process": "in_progress",
            "remind": "reminded",
            "fail": "failed",
            "cancel": "cancelled",
        },
        "in_progress": {"paid": "paid", "paid_partially": "paid_partially", "fail": "failed", "cancel": "cancelled"},
        "authorized": {"paid": "paid", "paid_partially": "paid_partially", "cancel": "cancelled"},
        "reminded": {"paid": "paid", "paid_partially": "paid_partially", "cancel": "cancelled"},
        "paid_partially": {
            "paid": "paid",
            "refund_partially": "refunded_partially",
            "refund": "refunded",
            "cancel": "cancelled",
        },
        "paid": {"refund": "refunded", "refund_partially": "refunded_partially", "cancel": "cancelled"},
        "refunded_partially": {"refund": "refunded"},
        "failed": {"reopen": "open", "paid": "paid"},
        "cancelled": {"reopen": "open"},
    },
}

#: (entity:state, hub state), first match wins
DEFAULT_IMPORT: tuple[tuple[str, OrderState], ...] = (
    ("order:cancelled", S.CANCELLED),
    ("order:completed", S.CLOSED),
    ("order_delivery:returned", S.RETURNED),
    ("order_delivery:returned_partially", S.RETURNED),
    ("order_transaction:refunded", S.CANCELLED),
    ("order_delivery:shipped", S.SHIPPED),
    ("order_delivery:shipped_partially", S.PARTIALLY_SHIPPED),
    ("order_transaction:paid", S.PAID),
    ("order:in_progress", S.CONFIRMED),
)

DEFAULT_EXPORT: Mapping[OrderState, str | None] = {
    S.CONFIRMED: "order:in_progress",
    S.FULFILLING: "order:in_progress",
    S.PAID: "order_transaction:paid",
    S.SHIPPED: "order_delivery:shipped",
    S.PARTIALLY_SHIPPED: "order_delivery:shipped_partially",
    S.CLOSED: "order:completed",
    S.CANCELLED: "order:cancelled",
    S.RETURNED: "order_delivery:returned",
}


@dataclass(frozen=True, slots=True)
class Target:
    entity: str  # order | order_delivery | order_transaction
    state: str  # technical name of the state to reach


def parse_target(text: str, where: str = "") -> Target:
    entity, _, state = text.strip().lower().partition(":")
    if entity not in TRANSITIONS or not any(state in steps.values() for steps in TRANSITIONS[entity].values()):
        raise SettingsError(
            f"setting 'status_map_export'{where}: {text!r} is not entity:state, e.g. "
            "order:completed, order_delivery:shipped, order_transaction:paid"
        )
    return Target(entity, state)


def path(entity: str, current: str, target: str) -> list[tuple[str, str]] | None:
    """The shortest list of (transition, next state) from ``current`` to ``target``; None if there is none."""
    graph = TRANSITIONS[entity]
    seen: dict[str, list[tuple[str, str]]] = {current: []}
    queue = deque([current])
    while queue:
        state = queue.popleft()
        if state == target:
            return seen[state]
        for transition, nxt in graph.get(state, {}).items():
            if nxt not in seen:
                seen[nxt] = [*seen[state], (transition, nxt)]
                queue.append(nxt)
    return None


class StateMap:
    def __init__(self, imports: dict[str, OrderState], exports: dict[OrderState, str | None]) -> None:
        self.imports, self.exports = imports, exports

    @classmethod
    def from_settings(cls, imports: Mapping[str, str] | None, exports: Mapping[str, str] | None) -> StateMap:
        def key(text: str) -> str:
            entity, _, state = text.strip().lower().partition(":")
            if entity not in ENTITIES or not state:
                raise SettingsError(
                    f"setting 'status_map_import', entry {text!r}: write entity:state, e.g. order_delivery:shipped"
                )
            return f"{entity}:{state}"

        def value(text: str, entry: str) -> str:
            target = parse_target(text, f", entry {entry!r}")
            return f"{target.entity}:{target.state}"

        return cls(import_map(dict(DEFAULT_IMPORT), imports, key=key), export_map(DEFAULT_EXPORT, exports, value=value))

    def state_for(self, states: Mapping[str, str]) -> OrderState:
        """The hub state of an order showing ``states`` (entity -> technical name)."""
        shown = {f"{entity}:{name}" for entity, name in states.items() if name}
        for key, state in self.imports.items():
            if key in shown:
                return state
        return S.ORDERED

    def target_for(self, state: OrderState) -> Target | None:
        text = self.exports.get(state)
        return parse_target(text) if text else None
