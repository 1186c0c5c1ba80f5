"""Writing outbound effects (invariant 3). Always inside the caller's transaction, next to the change.

Stock entries carry a coalesce key (one per listing): while an entry is pending, a newer quantity replaces
its payload instead of queueing a second call, so only the newest value is ever sent. An entry already
being sent is not pending, so a change during the send queues one fresh entry behind it. A pending entry
that was tried before (a retry after a timeout, or one released from a dispatcher that died mid-send) may
already have reached the channel with its value: it is not rewritten but kept as "superseded", so the
outbox stays a true record of every value the channel may have received, and the new value queues behind
it no sooner than the old one's retry was due.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.timeutil import utcnow
from ..store.models import OutboxEntry


def enqueue(
    s: Session,
    *,
    account_id: int,
    connection_id: int,
    kind: str,
    payload: dict[str, Any],
    order_id: int | None = None,
    listing_id: int | None = None,
    coalesce_key: str | None = None,
) -> None:
    now = utcnow()
    body = json.dumps(payload, sort_keys=True, default=str)
    if coalesce_key is not None:
        for _ in range(3):
            replaced = s.execute(  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                update(OutboxEntry)
                .where(
                    OutboxEntry.coalesce_key == coalesce_key,
                    OutboxEntry.status == "pending",
                    OutboxEntry.attempts == 0,
                )
                .values(payload=body, updated_at=now)
            ).rowcount
            if replaced:
                return
            tried = s.scalars(
                update(OutboxEntry)
                .where(
                    OutboxEntry.coalesce_key == coalesce_key,
                    OutboxEntry.status == "pending",
                    OutboxEntry.attempts > 0,
                )
                .values(status="superseded", updated_at=now)
                .returning(OutboxEntry.next_attempt_at)
            ).all()
            not_before = max([now, *tried])
            try:
                with s.begin_nested():
                    _insert(
                        s, account_id, connection_id, kind, body, order_id, listing_id, coalesce_key, now, not_before
                    )
                return
            except IntegrityError:  # a concurrent writer inserted the pending row first: replace it
                continue
        raise RuntimeError(f"could not coalesce outbox entry {coalesce_key}")
    _insert(s, account_id, connection_id, kind, body, order_id, listing_id, None, now)


def _insert(
    s: Session,
    account_id,
    connection_id,
    kind,
    body,
    order_id,
    listing_id,
    key,
    now,
    not_before: datetime | None = None,
) -> None:
    s.execute(
        insert(OutboxEntry).values(
            account_id=account_id,
            connection_id=connection_id,
            kind=kind,
            order_id=order_id,
            listing_id=listing_id,
            coalesce_key=key,
            payload=body,
            status="pending",
            attempts=0,
            next_attempt_at=not_before or now,
            created_at=now,
            updated_at=now,
        )
    )
