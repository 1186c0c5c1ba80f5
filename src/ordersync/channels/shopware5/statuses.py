"""Shopware 5 order and payment statuses and ordersync's states, both ways; each direction overridable.

The ids are Shopware's own (``Shopware\\Models\\Order\\Status``, table ``s_core_states``, checked against
the shopware5/shopware source): order statuses -1 cancelled (an abandoned checkout, not a real order),
0 open, 1 in process, 2 completed, 3 partially completed, 4 cancelled/rejected, 5 ready for delivery,
6 partially delivered, 7 completely delivered, 8 clarification required; payment statuses 9..21 and
30..35 (12 = completely paid, 17 = open). Shops can add their own ids; an unknown order status imports as
ORDERED (or PAID when the payment status says paid) and ``channel_status`` keeps ``status_<id>``.

Import: the order status decides; an order still "open" whose payment status is "completely paid" is PAID.
Export: a hub state becomes either an order status (``orderStatusId``) or a payment status
(``paymentStatusId``, only for PAID), written as ``order:<name>`` / ``payment:<name>`` in the setting;
states without a clear Shopware meaning are not pushed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ...domain import OrderState
from ..sdk.settings import SettingsError
from ..sdk.statemap import export_map, import_map

S = OrderState

ORDER_STATUSES: Mapping[int, str] = MappingProxyType(
    {
        -1: "cancelled",
        0: "open",
        1: "in_process",
        2: "completed",
        3: "partially_completed",
        4: "cancelled_rejected",
        5: "ready_for_delivery",
        6: "partially_delivered",
        7: "completely_delivered",
        8: "clarification_required",
    }
)
PAYMENT_STATUSES: Mapping[int, str] = MappingProxyType(
    {
        9: "partially_invoiced",
        10: "completely_invoiced",
        11: "partially_paid",
        12: "completely_paid",
        13: "1st_reminder",
        14: "2nd_reminder",
        15: "3rd_reminder",
        16: "encashment",
        17: "open",
        18: "reserved",
        19: "delayed",
        20: "re_crediting",
        21: "review_necessary",
        30: "no_credit_approved",
        31: "credit_preliminarily_accepted",
        32: "credit_accepted",
        33: "payment_ordered",
        34: "time_extension",
        35: "process_cancelled",
    }
)
ABANDONED = -1  # "Abgebrochen": a checkout the buyer left; listed by the API, but not an order
PAID = 12
#: order statuses after which nothing is expected to change; every other one is re-read on each poll
FINAL_ORDER_STATUSES = frozenset({-1, 2, 4, 7})

DEFAULT_IMPORT: Mapping[str, OrderState] = MappingProxyType(
    {
        "open": S.ORDERED,
        "in_process": S.FULFILLING,
        "completed": S.CLOSED,
        "partially_completed": S.PARTIALLY_SHIPPED,
        "cancelled_rejected": S.CANCELLED,
        "cancelled": S.CANCELLED,
        "ready_for_delivery": S.PACKED,
        "partially_delivered": S.PARTIALLY_SHIPPED,
        "completely_delivered": S.SHIPPED,
        "clarification_required": S.ORDERED,
    }
)

DEFAULT_EXPORT: Mapping[OrderState, str | None] = MappingProxyType(
    {
        S.ORDERED: None,
        S.CONFIRMED: "order:in_process",
        S.PAID: "payment:completely_paid",
        S.FULFILLING: "order:in_process",
        S.PACKED: "order:ready_for_delivery",
        S.PARTIALLY_SHIPPED: "order:partially_delivered",
        S.SHIPPED: "order:completely_delivered",
        S.CLOSED: "order:completed",
        S.CANCELLED: "order:cancelled_rejected",
        S.RECLAMATION: "order:clarification_required",
        S.DELETED: None,
        S.ARCHIVED: None,
        S.UNUSED: None,
        S.DEMAND_NOTE_1: None,
        S.DEMAND_NOTE_2: None,
        S.OFFERED: None,
        S.PAYMENT_REMINDER: None,
        S.RETURNED: None,
    }
)


def order_status_name(status_id: int) -> str:
    return ORDER_STATUSES.get(status_id, f"status_{status_id}")


def _by_name(table: Mapping[int, str], text: str) -> int | None:
    """A status given by its name or its id ('completed', '2', 'status_42')."""
    text = text.strip().lower().replace(" ", "_").replace("-", "_")
    for ident, name in table.items():
        if name == text:
            return ident
    number = text.removeprefix("status_")
    return int(number) if number.lstrip("-").isdigit() else None


@dataclass(frozen=True, slots=True)
class Target:
    """What a push writes: ``orderStatusId`` or ``paymentStatusId`` = ``status_id``."""

    field: str
    status_id: int
    name: str


def _import_key(text: str) -> str:
    ident = _by_name(ORDER_STATUSES, text)
    if ident is None:
        raise SettingsError(
            f"setting 'status_map_import': {text!r} is not a Shopware 5 order status name "
            "or id (e.g. 'in_process' or '1')"
        )
    return order_status_name(ident)


def _export_value(text: str, entry: str) -> str:
    kind, _, name = text.partition(":")
    table = {"order": ORDER_STATUSES, "payment": PAYMENT_STATUSES}.get(kind.strip())
    ident = _by_name(table, name) if table is not None and name.strip() else None
    if ident is None:
        raise SettingsError(
            f"setting 'status_map_export', entry {entry!r}: {text!r} is not 'order:<status>' or "
            "'payment:<status>' (e.g. 'order:completed', 'payment:completely_paid')"
        )
    return f"{kind.strip()}:{ident}"


@dataclass(frozen=True, slots=True)
class StatusMap:
    to_state: Mapping[str, OrderState] = field(default_factory=lambda: dict(DEFAULT_IMPORT))
    to_target: Mapping[OrderState, str | None] = field(default_factory=lambda: dict(DEFAULT_EXPORT))

    @classmethod
    def from_settings(
        cls, import_overrides: Mapping[str, str] | None = None, export_overrides: Mapping[str, str] | None = None
    ) -> StatusMap:
        defaults = {
            state: _export_value(value, state.name) if value else None for state, value in DEFAULT_EXPORT.items()
        }
        return cls(
            import_map(DEFAULT_IMPORT, import_overrides, key=_import_key),
            export_map(defaults, export_overrides, value=_export_value),
        )

    def state_for(self, order_status_id: int, payment_status_id: int | None) -> OrderState:
        state = self.to_state.get(order_status_name(order_status_id), S.ORDERED)
        if state is S.ORDERED and payment_status_id == PAID:
            return S.PAID
        return state

    def target_for(self, state: OrderState) -> Target | None:
        value = self.to_target.get(state)
        if not value:
            return None
        kind, _, ident = value.partition(":")
        status_id = int(ident)
        if kind == "payment":
            return Target("paymentStatusId", status_id, PAYMENT_STATUSES.get(status_id, f"status_{status_id}"))
        return Target("orderStatusId", status_id, order_status_name(status_id))
