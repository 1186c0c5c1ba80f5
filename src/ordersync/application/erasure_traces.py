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

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import overload

from ..domain.order import Order

ERASED = "[erased]"
MIN_ID = 4


def _spellings(value: str) -> set[str]:
    value = value.strip()
    return {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]} if value else set()


def _pattern(values: set[str]) -> re.Pattern | None:
    words = sorted({w for v in values for w in _spellings(v)}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<![\w@.+-])(?:" + "|".join(map(re.escape, words)) + r")(?![\w@+-])(?!\.\w)",
                      re.IGNORECASE)


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
        self.others.update(f"{p.first_name.strip()} {p.last_name.strip()}" for p in people
                           if p.first_name.strip() and p.last_name.strip())

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


def marker(reason: str, at: datetime) -> str:
    """What an erased raw record holds instead: it says that and why it was erased (JSON, so every reader of
    raw records shows it as it would a record)."""
    return json.dumps({"erased": f"personal data erased at the buyer's request ({reason})",
                       "at": at.isoformat()}, ensure_ascii=False)


def is_marker(text: str | bytes) -> bool:
    return (text.decode("utf-8", errors="replace") if isinstance(text, bytes) else text).startswith('{"erased":')
