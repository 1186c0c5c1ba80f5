"""Textalk order status and ordersync's states (import only: ordersync does not write to Textalk).

Textalk has no single order status. The Order class documents three properties instead
(developer.abicart.se, "Order"): ``discarded`` (cancelled by the administrator), ``paymentStatus``
(e.g. "paid", "unpaid") and ``deliveryStatus`` (e.g. "sent", "unsent"). The documentation says "e.g.",
so further values may exist. ordersync combines them into one channel status:

* ``discarded`` when the order was discarded, whatever the other two say;
* otherwise ``<paymentStatus>/<deliveryStatus>``, e.g. ``paid/unsent``.

Defaults: discarded → Cancelled; anything sent → Shipped (an unpaid sent order is an invoice purchase);
paid/unsent → Paid; unpaid/unsent → Ordered. A combination no map knows falls back to Paid when the
payment status is "paid" and to Ordered otherwise, so an unknown value never blocks an import;
``channel_status`` keeps the original. Sellers override per key in ``status_map_import``, e.g.
``paid/unsent=Packed,discarded=Deleted``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ...domain import OrderState
from ..sdk.settings import SettingsError
from ..sdk.statemap import import_map

S = OrderState
DISCARDED = "discarded"

DEFAULT_IMPORT: Mapping[str, OrderState] = MappingProxyType(
    {
        DISCARDED: S.CANCELLED,
        "paid/sent": S.SHIPPED,
        "unpaid/sent": S.SHIPPED,
        "paid/unsent": S.PAID,
        "unpaid/unsent": S.ORDERED,
    }
)

_KEY = re.compile(r"^(discarded|[a-z0-9_-]{1,40}/[a-z0-9_-]{1,40})$")


def status_key(discarded: bool, payment: str, delivery: str) -> str:
    if discarded:
        return DISCARDED
    return f"{_word(payment) or 'unknown'}/{_word(delivery) or 'unknown'}"


def _word(text: str) -> str:
    return str(text or "").strip().lower().replace(" ", "-")


def normalise(key: str) -> str:
    """'Paid / Unsent' → 'paid/unsent'."""
    parts = [_word(p) for p in str(key).split("/")]
    return "/".join(parts)


@dataclass(frozen=True, slots=True)
class StatusMap:
    to_state: Mapping[str, OrderState] = field(default_factory=lambda: dict(DEFAULT_IMPORT))

    @classmethod
    def from_settings(cls, overrides: Mapping[str, str] | None = None) -> StatusMap:
        return cls(import_map(DEFAULT_IMPORT, overrides, key=_checked))

    def state_for(self, key: str) -> OrderState:
        state = self.to_state.get(key)
        if state is not None:
            return state
        if key.split("/", 1)[0] == "paid":
            return S.PAID
        if key.endswith("/sent"):
            return S.SHIPPED
        return S.ORDERED


def _checked(key: str) -> str:
    normalised = normalise(key)
    if not _KEY.match(normalised):
        raise SettingsError(
            f"setting 'status_map_import': {key!r} is not a Textalk status such as "
            "'discarded' or 'paid/unsent' (payment status / delivery status)"
        )
    return normalised
