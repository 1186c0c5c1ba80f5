"""Writing an order's history: every line goes through here, as a kind of ``domain.history`` with its
parameters, with the English sentence rendered once beside them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..domain.history import check, english, kind_of
from ..domain.timeutil import utcnow
from .models import OrderEvent


def history_values(order_id: int, kind: str, *, source: str, at: datetime, **params: object) -> dict:
    """The column values of one history row (for a bulk insert); refuses a kind or parameters the
    catalogue does not allow, so a typo fails where it is written, not on the order page."""
    entry = kind_of(kind)
    check(entry, params)
    return {
        "order_id": order_id,
        "at": at,
        "kind": entry.event,
        "source": source,
        "history_kind": kind,
        "params": params,
        "text": english(kind, params),
    }


def add_history(
    s: Session, order_id: int, kind: str, *, source: str = "system", at: datetime | None = None, **params: object
) -> OrderEvent:
    """Add one line to the order's history in the session's transaction (beside the change it records)."""
    row = OrderEvent(**history_values(order_id, kind, source=source, at=at or utcnow(), **params))
    s.add(row)
    return row
