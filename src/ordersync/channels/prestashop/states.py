"""PrestaShop order states ↔ hub states, configurable by the seller.

A fresh PrestaShop install has the order states 1-13 below (ids of ``ps_order_state``); shops add their own
and rename them, so the import map is by id with the seller's overrides, and an id the map does not know is
read from the state's own flags (``shipped``, ``paid``) that ``GET /api/order_states`` shows. The export map
names the state id a hub state is written as (by a new order_history).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...domain import OrderState
from ..sdk.settings import SettingsError
from ..sdk.statemap import export_map, import_map

DEFAULT_IMPORT = {
    "1": OrderState.ORDERED,  # Awaiting check payment
    "2": OrderState.PAID,  # Payment accepted
    "3": OrderState.FULFILLING,  # Processing in progress
    "4": OrderState.SHIPPED,  # Shipped
    "5": OrderState.CLOSED,  # Delivered
    "6": OrderState.CANCELLED,  # Canceled
    "7": OrderState.RETURNED,  # Refunded
    "8": OrderState.ORDERED,  # Payment error
    "9": OrderState.PAID,  # On backorder (paid)
    "10": OrderState.ORDERED,  # Awaiting bank wire payment
    "11": OrderState.PAID,  # Remote payment accepted
    "12": OrderState.ORDERED,  # On backorder (not paid)
    "13": OrderState.ORDERED,  # Awaiting Cash On Delivery validation
}
DEFAULT_EXPORT: dict[OrderState, str | None] = {
    OrderState.PAID: "2",
    OrderState.FULFILLING: "3",
    OrderState.SHIPPED: "4",
    OrderState.CLOSED: "5",
    OrderState.CANCELLED: "6",
}


def _state_id(text: str, entry: str) -> str:
    if not text.isdigit():
        raise SettingsError(f"setting 'status_map_export', entry {entry!r}: {text!r} is not an order state id")
    return text


def _import_key(text: str) -> str:
    text = text.strip()
    if not text.isdigit():
        raise SettingsError(f"setting 'status_map_import', entry {text!r}: not an order state id")
    return str(int(text))


class StateMap:
    def __init__(self, imports: Mapping[str, str] | None = None, exports: Mapping[str, str] | None = None) -> None:
        self.imports = import_map(DEFAULT_IMPORT, imports, key=_import_key)
        self.exports = export_map(DEFAULT_EXPORT, exports, value=_state_id)

    def hub_state(self, state_id: str, flags: Mapping[str, Any] | None) -> OrderState:
        """The hub state of an order in PrestaShop state ``state_id``; ``flags`` is that order_state record."""
        if state_id in self.imports:
            return self.imports[state_id]
        flags = flags or {}
        if str(flags.get("shipped")) == "1" or str(flags.get("delivery")) == "1":
            return OrderState.SHIPPED
        if str(flags.get("paid")) == "1":
            return OrderState.PAID
        return OrderState.ORDERED

    def state_id_for(self, state: OrderState) -> str | None:
        return self.exports.get(state)
