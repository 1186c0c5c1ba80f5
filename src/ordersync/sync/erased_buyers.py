"""Keeping an erasure in force on import: an order of a buyer erased on its connection (store.models_erasure)
is stored without its personal fields, whatever the channel sends. The content hash stays the one of the
channel's record (upsert), so the same record read again is "unchanged"."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import Address, Buyer
from ..domain.order import Order
from ..store.models_erasure import ErasedBuyer


def strip_personal(order: Order) -> None:
    """Empty what names or reaches the buyer: id, names, e-mail, phone, both addresses but their country
    (tax reports need it and it names no one), and the buyer's note."""
    order.buyer = Buyer()
    order.invoice_address = Address(country=order.invoice_address.country)
    order.shipping_address = Address(country=order.shipping_address.country)
    order.buyer_note = ""


def erased_among(s: Session, connection_id: int, buyer_ids: set[str]) -> set[str]:
    """Which of ``buyer_ids`` were erased on the connection."""
    buyer_ids.discard("")
    if not buyer_ids:
        return set()
    return set(s.scalars(select(ErasedBuyer.buyer_id).where(ErasedBuyer.connection_id == connection_id,
                                                             ErasedBuyer.buyer_id.in_(sorted(buyer_ids)))))
