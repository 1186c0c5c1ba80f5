"""Quarantine: bad records are kept with the reason and a hint, and never block the rest (invariant 5).

A record of a buyer erased on the connection is kept as the erasure marker instead of raw, with the buyer's
traces blotted from reason and hint (sync.erased_buyers): an erasure holds for what arrives after it too."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..channels.sdk.cleantext import clean_text
from ..channels.sdk.records import Quarantined
from ..domain.timeutil import utcnow
from ..store.models import QuarantineEntry
from .erased_buyers import erased_records, is_marker, marker


def _raw_text(raw: Any) -> str:
    """The record as text any database stores (a NUL in it is what got many records here)."""
    if isinstance(raw, (bytes, bytearray)):
        return raw.decode("utf-8", "replace").replace("\x00", "\\x00")
    if isinstance(raw, str):
        return clean_text(raw.replace("\x00", "\\x00"))
    return clean_text(json.dumps(raw, ensure_ascii=False, default=str))


def quarantine(s: Session, connection_id: int, stream: str, items: list[Quarantined]) -> int:
    now = utcnow()
    # an article's id may equal an order's (another number space): only order records are matched by id
    ids = {clean_text(q.external_id or "?")[:100] for q in items} if stream == "orders" else set()
    erased = erased_records(s, connection_id, ids) if items else None
    for q in items:
        ext = clean_text(q.external_id or "?")[:100]
        reason, hint = clean_text(q.reason), clean_text(q.hint)
        raw = _raw_text(q.raw)
        row = s.scalar(
            select(QuarantineEntry).where(
                QuarantineEntry.connection_id == connection_id,
                QuarantineEntry.stream == stream,
                QuarantineEntry.external_id == ext,
            )
        )
        if erased is not None:
            why = erased.reason_for(ext, raw)
            if why is None and row is not None and is_marker(row.raw):  # the entry was erased before
                why = ""
            if why is not None:
                reason, hint = erased.blot(raw, reason, hint)
                raw = row.raw if row is not None and is_marker(row.raw) else marker(why, now)
        if row is None:
            s.add(
                QuarantineEntry(
                    connection_id=connection_id,
                    stream=stream,
                    external_id=ext,
                    reason=reason,
                    hint=hint,
                    raw=raw,
                    first_seen=now,
                    last_seen=now,
                    seen_count=1,
                )
            )
        else:
            row.reason, row.hint, row.raw, row.last_seen = reason, hint, raw, now
            row.seen_count += 1
            row.resolved_at = None
    s.flush()
    return len(items)


def open_entries(s: Session, connection_id: int | None = None) -> list[QuarantineEntry]:
    q = select(QuarantineEntry).where(QuarantineEntry.resolved_at.is_(None))
    if connection_id is not None:
        q = q.where(QuarantineEntry.connection_id == connection_id)
    return list(s.scalars(q.order_by(QuarantineEntry.id)))
