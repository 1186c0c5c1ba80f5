"""Shopify's order status and ordersync's 17 states, both ways; each direction overridable per shop.

Shopify has no single order status: an order has a financial status (``displayFinancialStatus``: pending,
authorized, partially_paid, paid, partially_refunded, refunded, voided, expired), a fulfilment status
(``displayFulfillmentStatus``: unfulfilled, partially_fulfilled, fulfilled, ...), and may be cancelled
(``cancelledAt``) or closed (archived, ``closed``). Import reads them as *keys*, most telling first::

    cancelled → returned (refunded after shipping) → refunded → closed → <fulfilment> → <financial>

and the first key the map knows decides the state; that key is the order's ``channel_status``. A fulfilment
status the map does not know (partially_fulfilled, on_hold, ...) falls through to the payment, so an order
is never stuck on a status we did not plan for.

Export. A hub state becomes one Shopify *action*: ``cancel`` (orderCancel), ``close`` (orderClose), ``open``
(orderOpen) or ``mark_paid`` (orderMarkAsPaid); ``None`` pushes nothing. Shipping is not a status in
Shopify but a fulfilment, which ``push_tracking`` creates, so SHIPPED pushes nothing by default. The key an
action leaves on the order (``channel_status_for``) lets the engine recognise the echo of its own push.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ...domain import OrderState
from ..sdk.settings import SettingsError
from ..sdk.statemap import export_map, import_map

S = OrderState
ACTIONS = ("cancel", "close", "open", "mark_paid")
#: the key an action leaves on the order, for ``channel_status_for`` (open: whatever payment says)
ACTION_KEY = {"cancel": "cancelled", "close": "closed", "mark_paid": "paid", "open": None}
_PAID = ("PAID", "PARTIALLY_REFUNDED", "REFUNDED")

DEFAULT_IMPORT: Mapping[str, OrderState] = MappingProxyType(
    {
        "cancelled": S.CANCELLED,
        "returned": S.RETURNED,
        "refunded": S.CANCELLED,
        "closed": S.CLOSED,
        "fulfilled": S.SHIPPED,
        "paid": S.PAID,
        "partially_refunded": S.PAID,
        "authorized": S.CONFIRMED,
        "pending": S.ORDERED,
        "partially_paid": S.ORDERED,
        "voided": S.CANCELLED,
        "expired": S.CANCELLED,
    }
)

DEFAULT_EXPORT: Mapping[OrderState, str | None] = MappingProxyType(
    {
        **{state: None for state in OrderState},
        S.PAID: "mark_paid",
        S.CLOSED: "close",
        S.CANCELLED: "cancel",
    }
)


def status_keys(raw: Mapping[str, Any]) -> list[str]:
    """The order's status keys, most telling first (see the module docstring)."""
    financial = str(raw.get("displayFinancialStatus") or "").upper()
    fulfilment = str(raw.get("displayFulfillmentStatus") or "").upper()
    keys = []
    if raw.get("cancelledAt"):
        keys.append("cancelled")
    if financial == "REFUNDED":
        keys.append("returned" if fulfilment in ("FULFILLED", "PARTIALLY_FULFILLED") else "refunded")
    if raw.get("closed"):
        keys.append("closed")
    if fulfilment:
        keys.append(fulfilment.lower())
    if financial:
        keys.append(financial.lower())
    return keys


@dataclass(frozen=True, slots=True)
class StatusMap:
    to_state: Mapping[str, OrderState] = field(default_factory=lambda: dict(DEFAULT_IMPORT))
    to_action: Mapping[OrderState, str | None] = field(default_factory=lambda: dict(DEFAULT_EXPORT))

    @classmethod
    def from_settings(
        cls, import_overrides: Mapping[str, str] | None = None, export_overrides: Mapping[str, str] | None = None
    ) -> StatusMap:
        """Defaults with the seller's overrides on top; a typo is a SettingsError naming the entry."""
        return cls(
            import_map(DEFAULT_IMPORT, import_overrides, key=lambda key: key.strip().lower()),
            export_map(DEFAULT_EXPORT, export_overrides, value=_checked_action),
        )

    def state_for(self, raw: Mapping[str, Any]) -> tuple[OrderState, str]:
        """(state, channel status key) of a Shopify order record."""
        keys = status_keys(raw)
        for key in keys:
            if key in self.to_state:
                return self.to_state[key], key
        return S.ORDERED, (keys[0] if keys else "")

    def action_for(self, state: OrderState) -> str | None:
        return self.to_action.get(state)

    def status_for(self, state: OrderState) -> str | None:
        action = self.action_for(state)
        return ACTION_KEY.get(action) if action else None


def _checked_action(text: str, entry: str) -> str:
    if text not in ACTIONS:
        raise SettingsError(
            f"setting 'status_map_export', entry {entry!r}: {text!r} is not one of {', '.join(ACTIONS)} (or empty)"
        )
    return text


def already_done(action: str, order: Mapping[str, Any]) -> bool:
    """Whether the order already shows the effect of ``action`` (the check before every write)."""
    if action == "cancel":
        return bool(order.get("cancelledAt"))
    if action == "close":
        return bool(order.get("closed"))
    if action == "open":
        return not order.get("closed")
    if action == "mark_paid":
        return str(order.get("displayFinancialStatus") or "").upper() in _PAID
    raise ValueError(f"unknown action {action!r}")
