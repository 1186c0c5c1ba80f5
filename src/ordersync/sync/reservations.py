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

from sqlalchemy import select
from sqlalchemy.orm import Session

from collections.abc import Callable

from ..domain import Order, OrderItem, OrderState
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


ArticleOf = Callable[[OrderItem], "int | None"]


def article_resolver(s: Session, account_id: int, connection_id: int, orders: list[Order]) -> ArticleOf:
    """Which article each item of these orders is: through the channel listing first, then by SKU. Two
    indexed queries per page, answered before the items are written (no UPDATE over order_items)."""
    products = {i.product_external_id for o in orders for i in o.items if i.product_external_id}
    skus = {i.sku for o in orders for i in o.items if i.sku}
    by_listing: dict[tuple[str, str], int] = {}
    if products:
        by_listing = {(p, v): a for p, v, a in s.execute(
            select(Listing.product_external_id, Listing.variant_external_id, Listing.article_id)
            .where(Listing.connection_id == connection_id, Listing.product_external_id.in_(products),
                   Listing.article_id.is_not(None)))}
    by_sku: dict[str, int] = {}
    if skus:
        by_sku = dict(s.execute(select(ArticleRow.sku, ArticleRow.id)
                                .where(ArticleRow.account_id == account_id, ArticleRow.sku.in_(skus))).all())

    def article_of(item: OrderItem) -> int | None:
        variant = "" if item.variant_external_id in ("", "0") else item.variant_external_id
        return by_listing.get((item.product_external_id, variant)) or by_sku.get(item.sku)

    return article_of


def apply_orders(s: Session, order_ids: list[int], *, new_ids: set[int] = frozenset(),
                 lines: dict[int, list[tuple[int, Decimal]]] | None = None) -> set[int]:
    """Bring each order's stock effect in line with its state. Returns the articles whose availability
    may have changed (including those of orders whose items changed while reserving). An import passes
    the ``lines`` (article, quantity) it has just written instead of having them read back."""
    if not order_ids:
        return set()
    items: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    if lines is not None:
        items.update({oid: ls for oid, ls in lines.items() if ls})
    else:
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
