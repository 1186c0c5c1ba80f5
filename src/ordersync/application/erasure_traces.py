"""What identifies an erased buyer in stored text (application.erasure): finding it and blotting it out.

Raw records (webhook bodies, quarantined records, mail and outbox payloads, outgoing webhook bodies) are
chosen by what identifies the buyer for certain: the channel's buyer id and e-mail addresses. Free texts
(history lines, error messages, reports) lose every trace, names and phone numbers too, each replaced by
``[erased]``. Matches are whole words, case-insensitive, in plain and JSON-escaped spelling, so a longer
id or address that merely contains the buyer's is left alone. Ids shorter than ``MIN_ID`` characters are
not searched for in raw text (a short number occurs in any record); such a buyer's records are still found
by their e-mail address and by the erased orders they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import overload

from ..domain.order import Order
from ..sync.erased_buyers import MIN_ID, is_marker, marker
from ..sync.erased_buyers import word_pattern as _pattern

__all__ = ["ERASED", "MIN_ID", "Traces", "is_marker", "marker"]

ERASED = "[erased]"


@dataclass
class Traces:
    """The identifiers of one buyer, gathered from their orders before those are stripped."""

    buyer_id: str
    emails: set[str] = field(default_factory=set)
    others: set[str] = field(default_factory=set)  # names and phone numbers: blotted out, never used to choose

    def add_order(self, order: Order) -> None:
        people = (order.buyer, order.invoice_address, order.shipping_address)
        self.emails.update(p.email.strip() for p in people if "@" in p.email)
        self.others.update(p.phone.strip() for p in people if len(p.phone.strip()) >= 6)
        self.others.update(
            f"{p.first_name.strip()} {p.last_name.strip()}"
            for p in people
            if p.first_name.strip() and p.last_name.strip()
        )

    def compile(self) -> None:
        ids = {self.buyer_id} if len(self.buyer_id) >= MIN_ID else set()
        self._identifying = _pattern(ids | self.emails)
        self._all = _pattern({self.buyer_id} | self.emails | self.others)

    def mentioned_in(self, text: str | bytes | None) -> bool:
        if not text or self._identifying is None:
            return False
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        return self._identifying.search(text) is not None

    @overload
    def blot(self, text: str) -> str: ...

    @overload
    def blot(self, text: None) -> None: ...

    @overload
    def blot(self, text: str | None) -> str | None: ...

    def blot(self, text: str | None) -> str | None:
        """``text`` with every trace replaced by ``[erased]`` (valid JSON stays valid JSON)."""
        return text if not text or self._all is None else self._all.sub(ERASED, text)
