"""Erasing a buyer's personal data when a channel says the buyer asked for it (GDPR art. 17; eBay's
marketplace account deletion is one such request).

The orders stay: they are the seller's records of sales (amounts, items, taxes, shipments) that the law
makes the seller keep. What names or reaches the person goes: the buyer's id, names, e-mail and phone,
both addresses except the country (kept for tax reports: it names no one), and the buyer's free-text note.
Each order changed gets one history line that says why.

The stored content hash stays the one of the record the channel sent: a later re-read of that same record
is then "unchanged" and does not write the erased data back; only a newer version of the order, which the
channel itself has stripped by then, replaces the erased one.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from ..domain import Address, Buyer
from ..domain.codec import dumps, from_data
from ..domain.order import Order
from ..hub import Hub, HubError
from ..store.models import Connection, OrderRow
from ..store.history import add_history


def erase_buyer(hub: Hub, connection_id: int, buyer_id: str, reason: str) -> int:
    """Erase the personal data of the buyer ``buyer_id`` (the channel's buyer id, ``Buyer.external_id``) from
    every order of the connection; ``reason`` names the request in the history line (e.g. "eBay account
    deletion"). Returns how many orders were changed; an order already erased is not changed again, so a
    repeated request does nothing."""
    buyer_id = buyer_id.strip()
    if not buyer_id:
        raise HubError(f"connection {connection_id}: an erasure request must name the buyer")
    pattern = "%" + json.dumps(buyer_id, ensure_ascii=False)[1:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    changed = 0
    with hub.db.session() as s:
        if s.get(Connection, connection_id) is None:
            raise HubError(f"connection {connection_id} no longer exists")
        # the buyer id lives only in the stored record: the LIKE narrows the rows, the decoded record decides
        rows = s.scalars(select(OrderRow).where(OrderRow.connection_id == connection_id,
                                                OrderRow.data.like(pattern, escape="\\"))
                         .order_by(OrderRow.id).with_for_update())
        for row in rows:
            order = from_data(Order, json.loads(row.data))
            if order.buyer.external_id != buyer_id:
                continue
            _strip(order)
            row.data = dumps(order)
            row.buyer_name = row.buyer_email = ""
            add_history(s, row.id, "personal_data_erased", reason=reason)
            changed += 1
    return changed


def _strip(order: Order) -> None:
    order.buyer = Buyer()
    order.invoice_address = Address(country=order.invoice_address.country)
    order.shipping_address = Address(country=order.shipping_address.country)
    order.buyer_note = ""
