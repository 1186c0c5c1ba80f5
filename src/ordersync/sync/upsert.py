"""Idempotent upsert of a page of orders (invariant 2: no order is duplicated).

A page is written in one transaction. Existing rows are found in one query by (connection, external id);
a record whose content hash equals the stored one changes nothing; a record older than the stored one (a
late webhook, an out-of-order redelivery) never overwrites newer data. Two writers racing on the same new
order (a webhook and a poll) both try to INSERT; the database's unique constraint lets one win, and the
loser's transaction fails as a whole. The caller then re-runs the page, which now finds the row and
compares instead of inserting: a lost race re-reads, it never duplicates.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from ..domain import Order, OrderItem, OrderState
from ..domain.codec import digest, dumps
from ..domain.timeutil import utcnow
from ..store.bulk import among, arrays_apply, insert_rows, update_rows
from ..store.history import history_values
from ..store.models import OrderEvent, OrderItemRow, OrderRow, QuarantineEntry
from .erased_buyers import STRIPPED_KIND, erased_among, strip_personal

OwnStatus = Callable[[OrderState], "str | None"]
ArticleOf = Callable[[OrderItem], "int | None"]

# Core inserts go to the tables; a declarative class's table is a Table, SQLAlchemy's stubs only say FromClause
_ORDERS = cast(Table, OrderRow.__table__)
_ITEMS = cast(Table, OrderItemRow.__table__)
_EVENTS = cast(Table, OrderEvent.__table__)


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    created_ids: list[int] = field(default_factory=list)
    updated_ids: list[int] = field(default_factory=list)
    written: dict[int, Order] = field(default_factory=dict)  # order id → what was written, this call only

    def add(self, other: UpsertCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.created_ids += other.created_ids
        self.updated_ids += other.updated_ids


def _order_values(order: Order, account_id: int, connection_id: int, data: str, digest: str, now) -> dict:
    buyer = order.buyer
    name = " ".join(p for p in (buyer.first_name, buyer.last_name) if p) or order.invoice_address.name
    return {
        "account_id": account_id,
        "connection_id": connection_id,
        "external_id": order.external_id,
        "number": order.number,
        "state": int(order.state),
        "channel_status": order.channel_status[:50],
        "currency": order.currency,
        "total": order.total,
        "shipping_cost": order.shipping_cost,
        "buyer_email": (buyer.email or order.invoice_address.email)[:255],
        "buyer_name": name[:255],
        "created_at": order.created_at,
        "channel_updated_at": order.updated_at,
        "paid_at": order.paid_at,
        "shipped_at": order.shipped_at,
        "modified_at": now,
        "data": data,
        "content_hash": digest,
        "refunded_amount": order.refunded_amount,
    }


def _item_rows(order_id: int, order: Order, article_of: ArticleOf | None) -> list[dict]:
    return [
        {
            "article_id": article_of(i) if article_of else None,
            "order_id": order_id,
            "external_id": i.external_id[:100],
            "sku": i.sku[:100],
            "ean": i.ean[:20],
            "title": i.title,
            "quantity": i.quantity,
            "unit_price": i.unit_price,
            "total_price": i.total_price,
            "product_external_id": i.product_external_id[:100],
            "variant_external_id": i.variant_external_id[:100],
            "dont_adjust_stock": i.dont_adjust_stock,
            "refunded_quantity": order.refunded_quantity(i),
        }
        for i in order.items
    ]


def _stripped_lines(s: Session, counts: UpsertCounts, stripped: dict[str, str], source: str, now) -> list[dict]:
    """One history line for each order written stripped of an erased buyer's data, the first time only."""
    written = {
        order_id: order.external_id for order_id, order in counts.written.items() if order.external_id in stripped
    }
    if not written:
        return []
    told = set(
        s.scalars(
            select(OrderEvent.order_id).where(
                among(s, OrderEvent.order_id, sorted(written)), OrderEvent.history_kind == STRIPPED_KIND
            )
        )
    )
    return [
        history_values(order_id, STRIPPED_KIND, source=source, at=now, reason=stripped[ext])
        for order_id, ext in sorted(written.items())
        if order_id not in told
    ]


def _insert_orders(s: Session, connection_id: int, rows: list[dict]) -> list[int]:
    """The new rows' ids, in the rows' order. PostgreSQL answers them in one INSERT ... SELECT FROM unnest(...)
    RETURNING (store.bulk), matched to the rows by external id (unique in the page: upsert keeps one record of
    each). SQLite cannot promise RETURNING's order for a multi-row INSERT, so SQLAlchemy would send one INSERT
    per order there (a third of a 10,000-order import's time): one executemany and one SELECT of the ids instead."""
    if arrays_apply(s):
        result = insert_rows(s, _ORDERS, rows, OrderRow.external_id, OrderRow.id)
        assert result is not None  # rows is never empty here
        new_id = dict(result.all())
        return [new_id[r["external_id"]] for r in rows]
    s.execute(insert(_ORDERS), rows)
    id_of = dict(
        s.execute(
            select(OrderRow.external_id, OrderRow.id).where(
                OrderRow.connection_id == connection_id,
                among(s, OrderRow.external_id, [r["external_id"] for r in rows]),
            )
        ).all()
    )
    return [id_of[r["external_id"]] for r in rows]


def upsert_orders(
    s: Session,
    account_id: int,
    connection_id: int,
    orders: list[Order],
    *,
    source: str = "poll",
    own_status: OwnStatus | None = None,
    article_of: ArticleOf | None = None,
    texts: list[str] | None = None,
) -> UpsertCounts:
    """The channel moves an order's state only by changing its own status. A record whose channel status is
    the one stored keeps the hub's state: the seller may have moved it since, and e.g. the webhook for our
    tracking note arrives before our status push has reached the shop. ``own_status`` maps a hub state to
    the channel status our pushes write for it: an imported status that is exactly that keeps the hub's
    state too (it is our own push coming back, not a change). ``texts`` are the orders' stored forms
    (``codec.dumps``) when the caller has them already: each order is serialised once, for hash and row."""
    counts = UpsertCounts()
    if not orders:
        return counts
    now = utcnow()
    latest: dict[str, Order] = {}
    text_of: dict[str, str] = {}
    for i, order in enumerate(orders):  # a page may repeat a record; keep the newest
        prev = latest.get(order.external_id)
        if prev is None or order.updated_at >= prev.updated_at:
            latest[order.external_id] = order
            text_of[order.external_id] = texts[i] if texts is not None else dumps(order)
    existing = {
        r.external_id: r
        for r in s.execute(
            select(
                OrderRow.id,
                OrderRow.external_id,
                OrderRow.content_hash,
                OrderRow.channel_updated_at,
                OrderRow.state,
                OrderRow.channel_status,
            ).where(OrderRow.connection_id == connection_id, among(s, OrderRow.external_id, latest))
        )
    }
    erased = erased_among(s, connection_id, {o.buyer.external_id for o in latest.values()})
    new_rows, new_orders, changed_rows, events, items = [], [], [], [], []
    stripped: dict[str, str] = {}  # external id → reason of the erasure, for the orders stripped below
    for ext_id, order in latest.items():
        data = text_of[ext_id]
        hashed = digest(data)  # of the channel's record, also when stripped below
        if order.buyer.external_id in erased:  # a copy: the caller's record stays the channel's
            stripped[ext_id] = erased[order.buyer.external_id]
            order = copy.deepcopy(order)
            strip_personal(order)
            data = dumps(order)
        old = existing.get(ext_id)
        if old is None:
            new_rows.append(_order_values(order, account_id, connection_id, data, hashed, now) | {"imported_at": now})
            new_orders.append(order)
        elif old.content_hash == hashed or order.updated_at < old.channel_updated_at:
            counts.unchanged += 1
        else:
            values = _order_values(order, account_id, connection_id, data, hashed, now) | {"id": old.id}
            if values["state"] != old.state and (
                values["channel_status"]
                and values["channel_status"] == old.channel_status  # it did not move
                or (own_status is not None and own_status(OrderState(old.state)) == order.channel_status)
            ):
                values["state"] = old.state
            changed_rows.append(values)
            items += _item_rows(old.id, order, article_of)
            if values["state"] != old.state:
                events.append(
                    history_values(
                        old.id,
                        "state_from_channel",
                        source=source,
                        at=now,
                        old=old.state,
                        new=int(order.state),
                        status=order.channel_status or "",
                    )
                )
            else:
                events.append(history_values(old.id, "updated_from_channel", source=source, at=now))
            counts.updated += 1
            counts.updated_ids.append(old.id)
            counts.written[old.id] = order
    if changed_rows and arrays_apply(s):  # one UPDATE ... FROM unnest(...), one DELETE for all their items
        update_rows(s, _ORDERS, changed_rows)
    elif changed_rows:  # one executemany by primary key, one DELETE for all their items
        s.execute(update(OrderRow), changed_rows)
    if changed_rows:
        s.execute(delete(OrderItemRow).where(among(s, OrderItemRow.order_id, counts.updated_ids)))
    if new_rows:
        # Core statements on the tables: executemany in batches, without the ORM's per-row bookkeeping
        ids = _insert_orders(s, connection_id, new_rows)
        for order_id, order in zip(ids, new_orders, strict=True):
            counts.written[order_id] = order
            items += _item_rows(order_id, order, article_of)
            events.append(
                history_values(order_id, "imported", source=source, at=now, status=order.channel_status)
                if order.channel_status
                else history_values(order_id, "imported_in_state", source=source, at=now, state=int(order.state))
            )
        counts.created += len(ids)
        counts.created_ids += list(ids)
    if items and arrays_apply(s):  # one INSERT ... SELECT FROM unnest(...), whatever the number of items
        insert_rows(s, _ITEMS, items)
    elif items:  # RETURNING makes SQLAlchemy write them as one multi-row INSERT (insertmanyvalues)
        s.execute(insert(_ITEMS).returning(OrderItemRow.id), items)
    if stripped:
        events += _stripped_lines(s, counts, stripped, source, now)
    if events:
        insert_rows(s, _EVENTS, events)
    resolved = [o.external_id for o in latest.values()]
    s.execute(
        update(QuarantineEntry)
        .where(
            QuarantineEntry.connection_id == connection_id,
            QuarantineEntry.stream == "orders",
            among(s, QuarantineEntry.external_id, resolved),
            QuarantineEntry.resolved_at.is_(None),
        )
        .values(resolved_at=now)
    )
    return counts
