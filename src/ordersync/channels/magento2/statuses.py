"""Which Magento order action a hub state triggers: Magento has no "set status" call, only actions.

Actions [admin schema]: ``cancel`` (``POST /V1/orders/{id}/cancel``), ``invoice`` (``POST
/V1/order/{id}/invoice``, offline), ``hold`` and ``unhold`` (``POST /V1/orders/{id}/hold|unhold``). Default:
hub "Cancelled" cancels, hub "Paid" invoices. A seller may add e.g. ``Reclamation=hold,Confirmed=unhold`` or
switch one off with ``Paid=`` (setting ``status_actions``). Shipping is not a status action: the shipment
with its lines and tracking number is (push_tracking), after which Magento completes the order by itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from ...domain import OrderState
from ..sdk.settings import SettingsError

ACTIONS = ("cancel", "invoice", "hold", "unhold")
DEFAULT = {OrderState.CANCELLED: "cancel", OrderState.PAID: "invoice"}
#: the Magento status an action leaves (unhold restores whatever was before: unknown)
RESULT = {"cancel": "canceled", "invoice": "processing", "hold": "holded"}
#: the order states in which an action has already happened
DONE_IN = {"cancel": ("canceled", "closed"), "hold": ("holded",)}


def status_actions(setting: Mapping[str, str]) -> dict[OrderState, str]:
    actions = dict(DEFAULT)
    for name, action in setting.items():
        try:
            state = OrderState.parse(name)
        except ValueError as exc:
            raise SettingsError(f"setting 'status_actions': {exc}") from None
        action = action.strip().lower()
        if action and action not in ACTIONS:
            raise SettingsError(
                f"setting 'status_actions': {action!r} for {name!r} is not one of "
                f"{', '.join(ACTIONS)} (or empty: nothing)"
            )
        if action:
            actions[state] = action
        else:
            actions.pop(state, None)
    return actions
