"""What an order does to stock, by its state (Billbee's semantics), and oversell detection.

- reserved: open orders (Ordered 1, Confirmed 2, Paid 3, Packed 13, Fulfilling 16, payment reminder and
  demand notes 11, 12, 15) hold their quantities out of what is available;
- consumed: once shipped (Shipped 4, and the states after it: Reclamation 5, Closed 7, Archived 9,
  Returned 17) the quantities leave on-hand, recorded as a movement;
- none: Offered 14 reserves nothing yet; Deleted 6 and Cancelled 8 release; a consumed order that is
  cancelled puts its quantities back.

An order first seen already shipped is "past": its stock left long before the hub knew the article's
on-hand, so it moves nothing. Items flagged "don't adjust stock" never count.

Oversold: an order that starts to reserve while its articles' availability drops below zero is flagged.
The check runs after locking the articles (PostgreSQL row locks; SQLite serialises writers), so of two
orders racing for the last unit exactly one is flagged.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..domain import OrderState
from ..domain.timeutil import utcnow
from ..store.models import ArticleRow, Listing, OrderEvent, OrderItemRow, OrderRow
from .stock import availability, lock_articles, move

S = OrderState
RESERVING = {S.ORDERED, S.CONFIRMED, S.PAID, S.PACKED, S.FULFILLING, S.DEMAND_NOTE_1, S.DEMAND_NOTE_2,
             S.PAYMENT_REMINDER}
CONSUMING = {S.SHIPPED, S.RECLAMATION, S.CLOSED, S.ARCHIVED, S.RETURNED}


def target_effect(state: int, current: str, *, first_seen: bool) -> str:
    state = OrderState(state)
    if state in RESERVING:
        return "reserved"
    if state in CONSUMING:
        if first_seen or current == "past":
            return "past"
        return "consumed"
    return "none"


def resolve_items(s: Session, account_id: int, connection_id: int, order_ids: list[int]) -> None:
    """Link order items to articles: through the channel listing first, then by SKU."""
    if not order_ids:
        return
    by_listing = (select(Listing.article_id)
                  .where(Listing.connection_id == connection_id,
                         Listing.product_external_id == OrderItemRow.product_external_id,
                         Listing.variant_external_id == OrderItemRow.variant_external_id)
                  .limit(1).scalar_subquery())
    by_sku = (select(ArticleRow.id).where(ArticleRow.account_id == account_id, ArticleRow.sku == OrderItemRow.sku)
              .scalar_subquery())
    s.execute(update(OrderItemRow).where(OrderItemRow.order_id.in_(order_ids)).values(article_id=by_listing))
    s.execute(update(OrderItemRow)
              .where(OrderItemRow.order_id.in_(order_ids), OrderItemRow.article_id.is_(None),
                     OrderItemRow.sku != "")
              .values(article_id=by_sku))


def apply_orders(s: Session, order_ids: list[int], *, new_ids: set[int] = frozenset()) -> set[int]:
    """Bring each order's stock effect in line with its state. Returns the articles whose availability
    may have changed (including those of orders whose items changed while reserving)."""
    if not order_ids:
        return set()
    items: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for order_id, article_id, qty in s.execute(
            select(OrderItemRow.order_id, OrderItemRow.article_id, OrderItemRow.quantity)
            .where(OrderItemRow.order_id.in_(order_ids), OrderItemRow.article_id.is_not(None),
                   OrderItemRow.dont_adjust_stock.is_(False))):
        items[order_id].append((article_id, Decimal(qty)))
    if not items:
        return set()
    orders = s.scalars(select(OrderRow).where(OrderRow.id.in_(list(items))).order_by(OrderRow.id)).all()
    lock_articles(s, {a for lines in items.values() for a, _ in lines})
    affected: set[int] = set()
    started_reserving: list[OrderRow] = []
    for order in orders:
        lines = items[order.id]
        affected.update(a for a, _ in lines)
        target = target_effect(order.state, order.stock_effect, first_seen=order.id in new_ids)
        if target == order.stock_effect:
            continue
        if target == "consumed":
            for article_id, qty in lines:
                move(s, article_id, -qty, f"order {order.number} shipped", order_id=order.id)
        elif order.stock_effect == "consumed":
            for article_id, qty in lines:
                move(s, article_id, qty, f"order {order.number} {OrderState(order.state).name_en.lower()}: "
                                         "back in stock", order_id=order.id)
        if target == "reserved":
            started_reserving.append(order)
        order.stock_effect = target
    s.flush()
    _flag_oversold(s, started_reserving, items)
    return affected


def _flag_oversold(s: Session, orders: list[OrderRow], items: dict[int, list[tuple[int, Decimal]]]) -> None:
    if not orders:
        return
    avail = availability(s, {a for o in orders for a, _ in items[o.id]})
    for order in orders:
        short = [a for a, _ in items[order.id] if avail[a].available < 0]
        if short and not order.oversold:
            order.oversold = True
            skus = ", ".join(s.scalars(select(ArticleRow.sku).where(ArticleRow.id.in_(short))))
            s.add(OrderEvent(order_id=order.id, at=utcnow(), kind="oversold", source="system",
                             text=f"oversold: not enough stock for {skus}"))
