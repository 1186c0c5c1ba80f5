"""WooCommerce order statuses and ordersync's 17 states, both ways; each direction overridable per shop.

WooCommerce's core statuses and what they mean (WooCommerce docs, "Managing orders"):
``pending`` (created, awaiting payment, stock not reduced), ``on-hold`` (awaiting payment confirmation,
e.g. bank transfer; stock reduced), ``processing`` (payment received, awaiting fulfilment),
``completed`` (fulfilled), ``cancelled``, ``refunded``, ``failed`` (payment failed), ``checkout-draft``
(block checkout not finished) and ``trash``. Plugins add their own (e.g. ``shipped``, ``delivered``).

Import. ``on-hold`` and ``pending`` both mean "ordered, not yet paid", so both become ORDERED; a
``failed`` payment and a ``refunded`` order will not be shipped, so both become CANCELLED (a later
successful payment moves the order on like any change). A status no map knows (a plugin's) falls back to
PAID if WooCommerce recorded a payment date and ORDERED otherwise, so an unknown status never blocks an
import; ``channel_status`` always keeps the original.

Export. Only states with a clear WooCommerce meaning are pushed. ORDERED and CONFIRMED become
``on-hold``, not ``pending``, because WooCommerce puts stock back when an order returns to ``pending``.
DELETED is not pushed (deleting is not a status change), RETURNED is not pushed as ``refunded`` (that
status should come from a real WooCommerce refund, which moves money), and the internal states (packed,
archived, demand notes, ...) have no WooCommerce counterpart. ``None`` = "do not push".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ...domain import OrderState
from ..sdk.settings import SettingsError
from ..sdk.statemap import export_map, import_map

S = OrderState

DEFAULT_IMPORT: Mapping[str, OrderState] = MappingProxyType(
    {
        "checkout-draft": S.OFFERED,
        "pending": S.ORDERED,
        "on-hold": S.ORDERED,
        "processing": S.PAID,
        "completed": S.SHIPPED,
        "cancelled": S.CANCELLED,
        "failed": S.CANCELLED,
        "refunded": S.CANCELLED,
        "trash": S.DELETED,
        # common plugin statuses (Advanced Shipment Tracking, Germanized and others)
        "shipped": S.SHIPPED,
        "delivered": S.CLOSED,
    }
)

DEFAULT_EXPORT: Mapping[OrderState, str | None] = MappingProxyType(
    {
        S.ORDERED: "on-hold",
        S.CONFIRMED: "on-hold",
        S.PAID: "processing",
        S.SHIPPED: "completed",
        S.RECLAMATION: None,
        S.DELETED: None,
        S.CLOSED: "completed",
        S.CANCELLED: "cancelled",
        S.ARCHIVED: None,
        S.UNUSED: None,
        S.DEMAND_NOTE_1: None,
        S.DEMAND_NOTE_2: None,
        S.PACKED: None,
        S.OFFERED: None,
        S.PAYMENT_REMINDER: None,
        S.FULFILLING: None,
        S.RETURNED: None,
        S.PARTIALLY_SHIPPED: None,  # WooCommerce has no status for it; the order stays "processing"
    }
)

_SLUG = re.compile(r"^[a-z0-9_-]{1,20}$")  # WordPress post statuses are at most 20 characters


def wc_slug(status: str) -> str:
    """Normalise a status as a seller may type it: 'On Hold', 'wc-on-hold' → 'on-hold'."""
    slug = status.strip().lower().replace(" ", "-")
    return slug[3:] if slug.startswith("wc-") else slug


@dataclass(frozen=True, slots=True)
class StatusMap:
    to_state: Mapping[str, OrderState] = field(default_factory=lambda: dict(DEFAULT_IMPORT))
    to_status: Mapping[OrderState, str | None] = field(default_factory=lambda: dict(DEFAULT_EXPORT))

    @classmethod
    def from_settings(
        cls, import_overrides: Mapping[str, str] | None = None, export_overrides: Mapping[str, str] | None = None
    ) -> StatusMap:
        """Defaults with the seller's overrides on top; a typo is a SettingsError naming the entry."""
        return cls(
            import_map(DEFAULT_IMPORT, import_overrides, key=lambda status: _checked_slug(status, "status_map_import")),
            export_map(
                DEFAULT_EXPORT, export_overrides, value=lambda text, _entry: _checked_slug(text, "status_map_export")
            ),
        )

    def state_for(self, status: str, *, paid: bool = False) -> OrderState:
        state = self.to_state.get(wc_slug(status))
        if state is not None:
            return state
        return S.PAID if paid else S.ORDERED

    def status_for(self, state: OrderState) -> str | None:
        return self.to_status.get(state)


def _checked_slug(status: str, setting: str) -> str:
    slug = wc_slug(status)
    if not _SLUG.match(slug):
        raise SettingsError(
            f"setting {setting!r}: {status!r} is not a WooCommerce status slug such as 'processing' or 'completed'"
        )
    return slug
