"""Order states, numbered as Billbee numbers them so that tools written for Billbee understand ours.

Ids 1-16 are Billbee's API enum (``/api/v1/enums/orderstates``); 17 is Billbee's "Retoure" state, which its
UI lists beside the others. Id 10 is unused by Billbee and kept so the numbering never shifts. 18 is ours:
an order of which some lines or quantities are shipped and the rest is still open (item-level fulfilment).
"""

from __future__ import annotations

from enum import IntEnum


class OrderState(IntEnum):
    ORDERED = 1
    CONFIRMED = 2
    PAID = 3
    SHIPPED = 4
    RECLAMATION = 5
    DELETED = 6
    CLOSED = 7
    CANCELLED = 8
    ARCHIVED = 9
    UNUSED = 10
    DEMAND_NOTE_1 = 11
    DEMAND_NOTE_2 = 12
    PACKED = 13
    OFFERED = 14
    PAYMENT_REMINDER = 15
    FULFILLING = 16
    RETURNED = 17
    PARTIALLY_SHIPPED = 18

    @property
    def name_de(self) -> str:
        return _NAMES[self][0]

    @property
    def name_en(self) -> str:
        return _NAMES[self][1]

    def label(self, locale: str = "en") -> str:
        return self.name_de if locale.startswith("de") else self.name_en

    @classmethod
    def parse(cls, text: str | int) -> OrderState:
        """Accept an id, an enum name, or a German or English name (case-insensitive)."""
        if isinstance(text, int) or (isinstance(text, str) and text.strip().isdecimal()):
            value = int(text)
            try:
                return cls(value)
            except ValueError:
                raise ValueError(f"unknown order state id {value}; valid ids are 1-{int(max(cls))}") from None
        key = text.strip().casefold()
        for state in cls:
            if key in (state.name.casefold(), state.name_de.casefold(), state.name_en.casefold()):
                return state
        raise ValueError(
            f"unknown order state {text!r}; use an id 1-{int(max(cls))} or a name such as 'shipped' or 'Versendet'"
        )


_NAMES: dict[OrderState, tuple[str, str]] = {
    OrderState.ORDERED: ("Bestellt", "Ordered"),
    OrderState.CONFIRMED: ("Bestätigt", "Confirmed"),
    OrderState.PAID: ("Zahlung erhalten", "Paid"),
    OrderState.SHIPPED: ("Versendet", "Shipped"),
    OrderState.RECLAMATION: ("Reklamation", "Reclamation"),
    OrderState.DELETED: ("Gelöscht", "Deleted"),
    OrderState.CLOSED: ("Abgeschlossen", "Closed"),
    OrderState.CANCELLED: ("Storniert", "Cancelled"),
    OrderState.ARCHIVED: ("Archiviert", "Archived"),
    OrderState.UNUSED: ("Nicht verwendet", "Not used"),
    OrderState.DEMAND_NOTE_1: ("Mahnung 1", "Demand note 1"),
    OrderState.DEMAND_NOTE_2: ("Mahnung 2", "Demand note 2"),
    OrderState.PACKED: ("Gepackt", "Packed"),
    OrderState.OFFERED: ("Angeboten", "Offered"),
    OrderState.PAYMENT_REMINDER: ("Zahlungserinnerung", "Payment reminder"),
    OrderState.FULFILLING: ("Im Fulfillment", "Fulfilling"),
    OrderState.RETURNED: ("Retoure", "Returned"),
    OrderState.PARTIALLY_SHIPPED: ("Teilweise versendet", "Partially shipped"),
}
