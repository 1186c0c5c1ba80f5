"""Turning new order events and stock movements into one delivery per subscribed event.

Each subscription keeps two cursors: the last ``order_events`` id and the last ``stock_movements`` id it
has seen. A fan-out run locks the subscription, reads the rows after its cursors, writes the deliveries
(unique per subscription and event) and moves the cursors, all in one transaction: a crash repeats the
run, never skips or doubles an event.

Ids are handed out when a row is inserted, but become visible when its transaction commits, so on
PostgreSQL id 101 may be visible while id 100 is still being written. The cursor therefore never passes
a gap that may still fill: a row behind a gap waits until it is ``SETTLE`` old (gaps left by rolled-back
transactions are passed after that). On SQLite writers are serialised, so there are no such gaps.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..domain.codec import to_data
from ..domain.timeutil import utcnow
from ..hub import Hub
from ..readmodel.orders import summaries_in
from ..readmodel.shapes import number, order_summary_json, shipment_json, state_name, ts
from ..store.models import ArticleRow, OrderEvent, ShipmentRow, StockMovement
from ..store.models_accounts import WebhookDeliveryOut, WebhookSubscription
from ..sync.stock import availability
from . import events as ev

SETTLE = timedelta(seconds=30)
BATCH = 500
MAX_ROUNDS = 20
# a declarative class's table is a Table; SQLAlchemy's stubs only say FromClause
_DELIVERIES = cast(Table, WebhookDeliveryOut.__table__)


def _safe_upto(rows, cursor: int, settle_before) -> int:
    """The highest id the cursor may move to: past contiguous ids, and past gaps whose next row is settled."""
    upto = cursor
    for row_id, at in rows:
        if row_id != upto + 1 and at > settle_before:
            break
        upto = row_id
    return upto


def _new_rows(s: Session, table, cursor: int, settle_before, sqlite: bool) -> int:
    rows = s.execute(select(table.id, table.at).where(table.id > cursor).order_by(table.id).limit(BATCH)).all()
    if not rows:
        return cursor
    if sqlite:
        return rows[-1][0]
    return _safe_upto(rows, cursor, settle_before)


def _insert(s: Session, sqlite: bool, values: list[dict]) -> None:
    if not values:
        return
    stmt = (sqlite_insert if sqlite else pg_insert)(_DELIVERIES)
    s.execute(stmt.on_conflict_do_nothing(index_elements=["subscription_id", "event_id"]), values)


def _order_deliveries(s: Session, sub: WebhookSubscription, upto: int, wanted: set[str], now) -> list[dict]:
    rows = s.scalars(
        select(OrderEvent).where(OrderEvent.id > sub.order_event_cursor, OrderEvent.id <= upto).order_by(OrderEvent.id)
    ).all()
    typed = [(e, ev.order_event_type(e.kind, e.history_kind, e.params)) for e in rows]
    typed = [(e, t) for e, t in typed if t in wanted]
    if not typed:
        return []
    orders = summaries_in(s, sub.account_id, {e.order_id for e, _ in typed})  # other accounts' drop out here
    shipped = {e.order_id for e, t in typed if t == ev.ORDER_SHIPPED and e.order_id in orders}
    last_shipment = {}
    if shipped:
        for x in s.scalars(select(ShipmentRow).where(ShipmentRow.order_id.in_(shipped)).order_by(ShipmentRow.id)):
            last_shipment[x.order_id] = x
    out = []
    for e, kind in typed:
        order = orders.get(e.order_id)
        if order is None:
            continue
        data: dict[str, Any] = {
            "Order": order_summary_json(order),
            "Change": {
                "Kind": e.kind,
                "Source": e.source,
                "Text": e.text,
                "At": ts(e.at),
                "HistoryKind": e.history_kind,
                "Params": e.params,
            },
        }
        # an event typed ORDER_STATE_CHANGED is one whose state change could be read
        change = ev.state_change(e.history_kind, e.params) if kind == ev.ORDER_STATE_CHANGED else None
        if change is not None:
            old, new = change
            data |= {
                "OldStateId": old,
                "OldStateName": state_name(old),
                "NewStateId": new,
                "NewStateName": state_name(new),
            }
        if kind == ev.ORDER_SHIPPED and e.order_id in last_shipment:
            data["Shipment"] = shipment_json(last_shipment[e.order_id])
        out.append(_delivery(sub, f"oe-{e.id}", kind, e.at, data, now))
    return out


def _stock_deliveries(s: Session, sub: WebhookSubscription, upto: int, now) -> list[dict]:
    rows = s.execute(
        select(StockMovement, ArticleRow.sku)
        .join(ArticleRow, ArticleRow.id == StockMovement.article_id)
        .where(
            StockMovement.id > sub.stock_movement_cursor,
            StockMovement.id <= upto,
            ArticleRow.account_id == sub.account_id,
        )
        .order_by(StockMovement.id)
    ).all()
    if not rows:
        return []
    avail = availability(s, {m.article_id for m, _ in rows})
    out = []
    for m, sku in rows:
        a = avail[m.article_id]
        data = {
            "ArticleId": m.article_id,
            "SKU": sku,
            "Location": m.location,
            "Change": number(m.change),
            "StockAfter": number(m.on_hand_after),
            "Reason": m.reason,
            "OrderId": m.order_id,
            "StockCurrent": number(a.on_hand),
            "StockReserved": number(a.reserved),
            "StockAvailable": number(a.available),
        }
        out.append(_delivery(sub, f"sm-{m.id}", ev.STOCK_CHANGED, m.at, data, now))
    return out


def _delivery(sub: WebhookSubscription, event_id: str, kind: str, at, data: dict, now) -> dict:
    body = json.dumps(
        {"Id": event_id, "Type": kind, "CreatedAt": ts(at), "Data": to_data(data)},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return {
        "subscription_id": sub.id,
        "account_id": sub.account_id,
        "event_id": event_id,
        "event_type": kind,
        "body": body,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def fan_out(hub: Hub) -> int:
    """Write the deliveries for every active subscription; returns how many were written."""
    with hub.db.session() as s:
        ids = list(s.scalars(select(WebhookSubscription.id).where(WebhookSubscription.active.is_(True))))
    written = 0
    for sub_id in ids:
        for _ in range(MAX_ROUNDS):  # a backlog (a long pause, a big import) drains BATCH rows at a time
            n, more = _fan_out_one(hub, sub_id)
            written += n
            if not more:
                break
    return written


def _fan_out_one(hub: Hub, sub_id: int) -> tuple[int, bool]:
    """(deliveries written, whether rows beyond this batch may be waiting)."""
    sqlite = hub.db.is_sqlite
    now = utcnow()
    with hub.db.session() as s:
        q = select(WebhookSubscription).where(WebhookSubscription.id == sub_id)
        sub = s.scalar(q if sqlite else q.with_for_update())
        if sub is None or not sub.active:
            return 0, False
        wanted = set(sub.events.split(","))
        order_upto = _new_rows(s, OrderEvent, sub.order_event_cursor, now - SETTLE, sqlite)
        stock_upto = _new_rows(s, StockMovement, sub.stock_movement_cursor, now - SETTLE, sqlite)
        values = []
        if order_upto > sub.order_event_cursor:
            values += _order_deliveries(s, sub, order_upto, wanted, now)
        if stock_upto > sub.stock_movement_cursor and ev.STOCK_CHANGED in wanted:
            values += _stock_deliveries(s, sub, stock_upto, now)
        _insert(s, sqlite, values)
        more = order_upto - sub.order_event_cursor >= BATCH or stock_upto - sub.stock_movement_cursor >= BATCH
        sub.order_event_cursor, sub.stock_movement_cursor = order_upto, stock_upto
        return len(values), more
