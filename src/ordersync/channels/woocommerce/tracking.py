"""Tracking numbers in WooCommerce: order meta the tracking plugins read, and a note to the buyer.

WooCommerce has no tracking field. The de-facto standard is the order meta ``_wc_shipment_tracking_items``,
written by WooCommerce's own "Shipment Tracking" extension and read and written by the free "Advanced
Shipment Tracking" (zorem) plugin, which show it in the buyer's e-mails and account page. Its value is a
list of ``{tracking_provider, custom_tracking_provider, custom_tracking_link, tracking_number,
date_shipped (Unix time), tracking_id}``; ``tracking_provider`` is the plugin's own carrier slug, so we
fill ``custom_tracking_provider`` (free text) and ``custom_tracking_link`` instead, which both plugins
display as given. Any other configured meta key holds the numbers as one comma-separated string.

Pushing a shipment writes both a customer note (WooCommerce e-mails it to the buyer) and the meta. Both
are checked first, by tracking number, so a retried push never writes either twice (invariant 3).
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from ...domain import Shipment

TRACKING_PLUGIN_KEY = "_wc_shipment_tracking_items"

_NOTE = {
    "de": "Ihre Bestellung wurde versendet mit {carrier}. Sendungsnummer: {number}",
    "en": "Your order has been shipped with {carrier}. Tracking number: {number}",
}
_NOTE_NO_CARRIER = {
    "de": "Ihre Bestellung wurde versendet. Sendungsnummer: {number}",
    "en": "Your order has been shipped. Tracking number: {number}",
}
_TRACK = {"de": "Sendungsverfolgung: {url}", "en": "Track your parcel: {url}"}


def _meta(meta_data: Any, key: str) -> Any:
    for entry in meta_data if isinstance(meta_data, list) else ():
        if isinstance(entry, dict) and entry.get("key") == key:
            return entry.get("value")
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def shipments_from_meta(meta_data: Any, key: str = TRACKING_PLUGIN_KEY) -> list[Shipment]:
    """Shipments stored under ``key``: the plugins' item list, or comma-separated numbers."""
    value = _meta(meta_data, key) if key else None
    if isinstance(value, str):
        return [Shipment(carrier="", tracking_number=n.strip()) for n in value.split(",") if n.strip()]
    shipments: list[Shipment] = []
    for item in value if isinstance(value, list) else ():
        if not isinstance(item, dict) or not _text(item.get("tracking_number")):
            continue
        shipped = _text(item.get("date_shipped"))
        shipments.append(
            Shipment(
                carrier=_text(item.get("custom_tracking_provider") or item.get("tracking_provider")),
                tracking_number=_text(item["tracking_number"]),
                tracking_url=_text(item.get("custom_tracking_link")),
                shipped_at=datetime.fromtimestamp(int(shipped), UTC) if shipped.isdigit() and int(shipped) else None,
            )
        )
    return shipments


def meta_value_with(meta_data: Any, key: str, shipment: Shipment, *, now: datetime | None = None) -> Any | None:
    """The meta value for ``key`` with ``shipment`` added, or None if its number is already there."""
    if shipment.tracking_number in {s.tracking_number for s in shipments_from_meta(meta_data, key)}:
        return None
    current = _meta(meta_data, key)
    if key != TRACKING_PLUGIN_KEY:
        numbers = [n for n in (_text(current).split(",") if isinstance(current, str) else []) if n.strip()]
        return ", ".join([*(n.strip() for n in numbers), shipment.tracking_number])
    shipped = shipment.shipped_at or now or datetime.now(UTC)
    item = {
        "tracking_provider": "",
        "custom_tracking_provider": shipment.carrier,
        "custom_tracking_link": shipment.tracking_url,
        "tracking_number": shipment.tracking_number,
        "date_shipped": str(int(shipped.timestamp())),
        # stable, so a second writer can recognise the item (the plugins use a random md5 here)
        "tracking_id": hashlib.md5(f"{shipment.carrier}-{shipment.tracking_number}".encode()).hexdigest(),
    }
    return [*(current if isinstance(current, list) else []), item]


def tracking_note(shipment: Shipment, locale: str = "de") -> str:
    lang = "de" if locale.startswith("de") else "en"
    template = _NOTE[lang] if shipment.carrier else _NOTE_NO_CARRIER[lang]
    text = template.format(carrier=shipment.carrier, number=shipment.tracking_number)
    if shipment.tracking_url:
        text += "\n" + _TRACK[lang].format(url=shipment.tracking_url)
    return text


def _normal(text: str) -> str:
    """Notes come back HTML-escaped and re-wrapped by WordPress; compare their words only."""
    return " ".join(html.unescape(text).split())


def note_containing(notes: Iterable[Mapping[str, Any]], needle: str) -> Mapping[str, Any] | None:
    """The first order note whose text contains ``needle`` (a tracking number, a message)."""
    needle = _normal(needle)
    return next((n for n in notes if needle and needle in _normal(_text(n.get("note")))), None)
