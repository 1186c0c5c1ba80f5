"""Keeping an erasure in force on import: an order of a buyer erased on its connection (store.models_erasure)
is stored without its personal fields, whatever the channel sends. The content hash stays the one of the
channel's record (upsert), so the same record read again is "unchanged"; the first time such an order is
written stripped, its history says so (once).

A record that fails mapping is quarantined raw (sync.quarantine); when it is an erased buyer's (it names
an erased buyer's id, or it is the record of an order whose buyer was erased, or its quarantine entry was
erased already) the raw record is replaced by the erasure marker before it is stored, and its reason and hint
lose the buyer's id and the e-mail addresses the record held. When the channel later sends the record in a
form that maps, the import strips it like any other order of the buyer.

What identifies a buyer in raw text (the matching rules application.erasure_traces also uses): whole words,
case-insensitive, in plain and JSON-escaped spelling; ids shorter than ``MIN_ID`` are not searched for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import Address, Buyer
from ..domain.order import Order
from ..store.bulk import among
from ..store.models import OrderEvent, OrderRow
from ..store.models_erasure import ErasedBuyer

MIN_ID = 4
ERASED_KIND = "personal_data_erased"
STRIPPED_KIND = "personal_data_stripped_on_import"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def strip_personal(order: Order) -> None:
    """Empty what names or reaches the buyer: id, names, e-mail, phone, both addresses but their country
    (tax reports need it and it names no one), and the buyer's note."""
    order.buyer = Buyer()
    order.invoice_address = Address(country=order.invoice_address.country)
    order.shipping_address = Address(country=order.shipping_address.country)
    order.buyer_note = ""


def erased_among(s: Session, connection_id: int, buyer_ids: set[str]) -> dict[str, str]:
    """Which of ``buyer_ids`` were erased on the connection, each with the reason of its erasure."""
    buyer_ids.discard("")
    if not buyer_ids:
        return {}
    return {
        b: r
        for b, r in s.execute(
            select(ErasedBuyer.buyer_id, ErasedBuyer.reason).where(
                ErasedBuyer.connection_id == connection_id, among(s, ErasedBuyer.buyer_id, sorted(buyer_ids))
            )
        )
    }


def spellings(value: str) -> set[str]:
    value = value.strip()
    return {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]} if value else set()


def word_pattern(values: set[str]) -> re.Pattern | None:
    """One pattern that finds any of ``values`` as a whole word (plain or JSON-escaped), or None for none."""
    words = sorted({w for v in values for w in spellings(v)}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<![\w@.+-])(?:" + "|".join(map(re.escape, words)) + r")(?![\w@+-])(?!\.\w)", re.IGNORECASE)


def marker(reason: str, at: datetime) -> str:
    """What an erased raw record holds instead: it says that and why it was erased (JSON, so every reader of
    raw records shows it as it would a record)."""
    return json.dumps(
        {"erased": f"personal data erased at the buyer's request ({reason})", "at": at.isoformat()}, ensure_ascii=False
    )


def is_marker(text: str | bytes) -> bool:
    return (text.decode("utf-8", errors="replace") if isinstance(text, bytes) else text).startswith('{"erased":')


@dataclass
class ErasedRecords:
    """Recognises a raw record of a buyer erased on one connection (for the quarantine)."""

    reasons: dict[str, str]  # erased buyer id → reason
    orders: dict[str, str]  # external id of an order whose buyer was erased → reason
    ids: re.Pattern | None

    def reason_for(self, external_id: str, raw: str) -> str | None:
        """The erasure's reason when ``raw`` (the record of ``external_id``) is an erased buyer's, else None."""
        if external_id in self.orders:
            return self.orders[external_id]
        found = self.ids.search(raw) if self.ids is not None else None
        if found is None:
            return None
        named = found.group(0).casefold()
        return next((r for b, r in self.reasons.items() if named in {w.casefold() for w in spellings(b)}), "")

    def blot(self, raw: str, *texts: str) -> list[str]:
        """``texts`` without the erased ids and the e-mail addresses ``raw`` held."""
        return blot_with_addresses(raw, set(self.reasons), *texts)


def blot_with_addresses(raw: str, ids: set[str], *texts: str) -> list[str]:
    """``texts`` (a quarantined record's reason and hint) without ``ids`` and the e-mail addresses the
    erased buyer's raw record ``raw`` held: the record itself is gone, so is what was quoted from it."""
    found = word_pattern(ids | set(_EMAIL.findall(raw)))
    return [found.sub("[erased]", t) if found is not None and t else t for t in texts]


def erased_records(s: Session, connection_id: int, external_ids: set[str]) -> ErasedRecords | None:
    """What marks the erased buyers' raw records among ``external_ids`` of the connection; None when no buyer
    was erased on it (the usual case: nothing to check)."""
    reasons = {
        b: r
        for b, r in s.execute(
            select(ErasedBuyer.buyer_id, ErasedBuyer.reason).where(ErasedBuyer.connection_id == connection_id)
        )
    }
    if not reasons:
        return None
    orders: dict[str, str] = {}
    if external_ids:
        for ext, params in s.execute(
            select(OrderRow.external_id, OrderEvent.params)
            .join(OrderEvent, OrderEvent.order_id == OrderRow.id)
            .where(
                OrderRow.connection_id == connection_id,
                OrderRow.external_id.in_(sorted(external_ids)),
                OrderEvent.history_kind.in_((ERASED_KIND, STRIPPED_KIND)),
            )
        ):
            orders[ext] = str((params or {}).get("reason", ""))
    return ErasedRecords(reasons, orders, word_pattern({b for b in reasons if len(b.strip()) >= MIN_ID}))
