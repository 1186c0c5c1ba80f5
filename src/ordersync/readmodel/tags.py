"""Tags on orders (Billbee's order tags): free words a seller or integrator puts on an order to find it.

Changing tags is a small write next to the read model because the inbox filters by them; each change is
recorded in the order's history, which also tells integrators' webhooks that the order changed.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from ..domain.timeutil import utcnow
from ..store.history import add_history
from ..store.models import OrderRow
from ..store.models_accounts import OrderTag
from ..sync.hub import Hub, HubError

MAX_TAG = 100


def clean_tags(tags: list[str]) -> list[str]:
    out = []
    for i, raw in enumerate(tags):
        tag = " ".join(str(raw).split())
        if not tag:
            raise HubError(f"tag {i + 1} is empty")
        if len(tag) > MAX_TAG:
            raise HubError(f"tag {i + 1} is longer than {MAX_TAG} characters")
        if tag not in out:
            out.append(tag)
    return out


def _order(s, account_id: int, order_id: int) -> OrderRow:
    row = s.get(OrderRow, order_id)
    if row is None or row.account_id != account_id:
        raise HubError(f"no order with id {order_id}")
    return row


def set_tags(hub: Hub, account_id: int, order_id: int, tags: list[str], *, replace: bool = False) -> list[str]:
    """Add tags (or, with ``replace``, make them exactly these); returns the order's tags afterwards."""
    wanted = clean_tags(tags)
    now = utcnow()
    with hub.db.session() as s:
        order = _order(s, account_id, order_id)
        current = set(s.scalars(select(OrderTag.tag).where(OrderTag.order_id == order_id)))
        removed = current - set(wanted) if replace else set()
        added = [t for t in wanted if t not in current]
        if removed:
            s.execute(delete(OrderTag).where(OrderTag.order_id == order_id, OrderTag.tag.in_(removed)))
        for tag in added:
            s.add(OrderTag(order_id=order_id, tag=tag, account_id=account_id, created_at=now))
        if added or removed:
            order.modified_at = now
            parts = [f"+{t}" for t in added] + [f"-{t}" for t in sorted(removed)]
            add_history(s, order_id, "tags", source="user", at=now, tags=" ".join(parts))
        s.flush()
        return sorted(s.scalars(select(OrderTag.tag).where(OrderTag.order_id == order_id)))


def remove_tag(hub: Hub, account_id: int, order_id: int, tag: str) -> list[str]:
    now = utcnow()
    with hub.db.session() as s:
        order = _order(s, account_id, order_id)
        n = s.execute(delete(OrderTag).where(OrderTag.order_id == order_id, OrderTag.tag == tag)).rowcount  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
        if not n:
            raise HubError(f"order {order_id} has no tag {tag!r}")
        order.modified_at = now
        add_history(s, order_id, "tags", source="user", at=now, tags=f"-{tag}")
        s.flush()
        return sorted(s.scalars(select(OrderTag.tag).where(OrderTag.order_id == order_id)))
