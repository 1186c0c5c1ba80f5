"""The seed's seven capabilities and the modes by which a channel offers them.

Connectors declare these as data; the setup wizard and the channel matrix in docs/ are generated from the
declarations, so what the docs promise is what the code does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Capability(str, Enum):
    IMPORT_ORDERS = "import_orders"
    IMPORT_ARTICLES = "import_articles"
    CHANGE_STATUS = "change_status"
    SEND_MESSAGES = "send_messages"
    TRANSMIT_TRACKING = "transmit_tracking"
    SET_STOCK = "set_stock"
    FORWARD_ORDERS = "forward_orders"
    #: the channel requires the seller to accept or reject each new order (within its deadline)
    ACKNOWLEDGE_ORDERS = "acknowledge_orders"

    @property
    def title(self) -> str:  # type: ignore[override]  # shadows str.title on purpose: members are str
        return _TITLES[self][1]

    @property
    def title_de(self) -> str:
        return _TITLES[self][0]


_TITLES = {
    Capability.IMPORT_ORDERS: ("Bestellungen einlesen", "Import orders"),
    Capability.IMPORT_ARTICLES: ("Artikel einlesen", "Import articles"),
    Capability.CHANGE_STATUS: ("Bestellstatus ändern", "Change order status"),
    Capability.SEND_MESSAGES: ("Nachrichten senden", "Send messages"),
    Capability.TRANSMIT_TRACKING: ("Sendungsnummer übermitteln", "Transmit tracking number"),
    Capability.SET_STOCK: ("Bestand setzen / Artikel hochladen", "Set stock / upload articles"),
    Capability.FORWARD_ORDERS: ("Bestellungen weiterleiten", "Forward orders"),
    Capability.ACKNOWLEDGE_ORDERS: ("Bestellungen bestätigen", "Acknowledge orders"),
}


class Mode(str, Enum):
    """How a capability works; the numbers are the seed's footnotes."""

    POLL = "poll"  # (1) on a schedule
    EMAIL_IMPORT = "email_import"  # (2)
    WEBHOOK = "webhook"  # (3) immediate
    CSV_UPLOAD = "csv_upload"  # (5)
    PARTNER_API = "partner_api"  # (6)
    EMAIL = "email"  # (7) the buyer or shop is told by e-mail
    CSV_URL = "csv_url"  # (11)
    API = "api"  # the channel's own API, pushed from the hub


@dataclass(frozen=True, slots=True)
class CapabilityDecl:
    capability: Capability
    modes: tuple[Mode, ...]
    note: str = ""
    #: TRANSMIT_TRACKING only: the channel can ship single lines and quantities (partial shipments);
    #: without it the engine refuses a shipment with lines rather than let the channel ship the whole order
    item_level: bool = False
    #: CHANGE_STATUS only: the channel takes cancellations of single lines or quantities
    #: (``Connector.cancel_lines``); without it a line cancellation stays in the hub and is not sent
    cancels_lines: bool = False


def declare(
    capability: Capability, *modes: Mode, note: str = "", item_level: bool = False, cancels_lines: bool = False
) -> CapabilityDecl:
    return CapabilityDecl(capability, tuple(modes), note, item_level, cancels_lines)
