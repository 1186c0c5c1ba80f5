"""What an order does to stock, by its state (Billbee's semantics), and oversell detection.

- reserved: open orders (Ordered 1, Confirmed 2, Paid 3, Packed 13, Fulfilling 16, payment reminder and
  demand notes 11, 12, 15) hold their quantities out of what is available;
- consumed: once shipped (Shipped 4, and the states after it: Reclamation 5, Closed 7, Archived 9,
  Returned 17) the quantities leave on-hand, recorded as movements of that order;
- none: Offered 14 reserves nothing yet; Deleted 6 and Cancelled 8 release; a consumed order that is
  cancelled puts its quantities back, and refunded quantities come back as they are refunded.

On-hand is a ledger per order and article: what the order should have taken (its quantity net of refunds
while it is in a consuming state, if it counts against the article's figure) against what its movements
since the figure was last set (``articles.stock_set_at``) have taken; only the difference is moved, so a
re-import moves nothing. An order counts against a figure when it was placed after the figure was set
(whatever state the hub first sees it in: a shop may report an order only once it is completed), when it
was open in the hub (reserving) before it shipped, or when it has already taken from the figure. An order
placed before the figure was set and first seen shipped is "past": the figure already reflects it.
Items flagged "don't adjust stock" never count.

Oversold: an order that starts to reserve while its articles' availability drops below zero is flagged.
The check runs after locking the articles (PostgreSQL row locks; SQLite serialises writers), so of two
orders racing for the last unit exactly one is flagged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..domain import Order, OrderItem, OrderState
from ..store.bulk import among
from ..store.history import add_history
from ..store.models import ArticleRow, Listing, OrderItemRow, OrderRow, StockMovement
from .stock import availability, lock_articles, move

S = OrderState
RESERVING = {
    S.ORDERED,
    S.CONFIRMED,
    S.PAID,
    S.PACKED,
    S.FULFILLING,
    S.DEMAND_NOTE_1,
    S.DEMAND_NOTE_2,
    S.PAYMENT_REMINDER,
    S.PARTIALLY_SHIPPED,
}
CONSUMING = {S.SHIPPED, S.RECLAMATION, S.CLOSED, S.ARCHIVED, S.RETURNED}


ArticleOf = Callable[[OrderItem], "int | None"]


def article_resolver(s: Session, account_id: int, connection_id: int, orders: list[Order]) -> ArticleOf:
    """Which article each item of these orders is: through the channel listing first, then by SKU. Two
    indexed queries per page, answered before the items are written (no UPDATE over order_items)."""
    products = {i.product_external_id for o in orders for i in o.items if i.product_external_id}
    skus = {i.sku for o in orders for i in o.items if i.sku}
    by_listing: dict[tuple[str, str], int] = {}
    if products:
        by_listing = {
            (p, v): a
            for p, v, a in s.execute(
                select(Listing.product_external_id, Listing.variant_external_id, Listing.article_id).where(
                    Listing.connection_id == connection_id,
                    among(s, Listing.product_external_id, products),
                    Listing.article_id.is_not(None),
                )
            )
            if a is not None
        }  # (never None: tells mypy)
    by_sku: dict[str, int] = {}
    if skus:
        by_sku = dict(
            s.execute(
                select(ArticleRow.sku, ArticleRow.id).where(
                    ArticleRow.account_id == account_id, among(s, ArticleRow.sku, skus)
                )
            ).all()
        )

    def article_of(item: OrderItem) -> int | None:
        variant = "" if item.variant_external_id in ("", "0") else item.variant_external_id
        return by_listing.get((item.product_external_id, variant)) or by_sku.get(item.sku)

    return article_of


def apply_orders(
    s: Session,
    order_ids: list[int],
    *,
    new_ids: AbstractSet[int] = frozenset(),
    lines: dict[int, list[tuple[int, Decimal]]] | None = None,
) -> set[int]:
    """Bring each order's stock effect in line with its state and refunds. Returns the articles whose
    availability may have changed (including those of orders whose items changed while reserving). An
    import passes the ``lines`` (article, quantity net of refunds) it has just written instead of having
    them read back, and the ids it has just created (they have taken nothing yet)."""
    if not order_ids:
        return set()
    items: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    if lines is not None:
        items.update({oid: ls for oid, ls in lines.items() if ls})
    else:
        for order_id, article_id, qty, refunded in s.execute(
            select(
                OrderItemRow.order_id, OrderItemRow.article_id, OrderItemRow.quantity, OrderItemRow.refunded_quantity
            ).where(
                OrderItemRow.order_id.in_(order_ids),
                OrderItemRow.article_id.is_not(None),
                OrderItemRow.dont_adjust_stock.is_(False),
            )
        ):
            if article_id is not None:  # always: the query leaves out items without an article
                items[order_id].append((article_id, Decimal(qty) - Decimal(refunded or 0)))
    known = [oid for oid in order_ids if oid not in new_ids]
    taken = _taken(s, known)
    wanted = set(items) | set(known)
    if not items and not taken:
        if known:  # the state still decides whether an order without stock lines reserves
            _classify_only(s, known)
        return set()
    orders = s.scalars(select(OrderRow).where(OrderRow.id.in_(list(wanted))).order_by(OrderRow.id)).all()
    article_ids = {a for ls in items.values() for a, _ in ls} | {a for has in taken.values() for a in has}
    lock_articles(s, article_ids)
    set_at = (
        dict(
            s.execute(select(ArticleRow.id, ArticleRow.stock_set_at).where(ArticleRow.id.in_(list(article_ids)))).all()
        )
        if article_ids
        else {}
    )
    affected: set[int] = set()
    started_reserving: list[OrderRow] = []
    for order in orders:
        need: dict[int, Decimal] = defaultdict(Decimal)
        for article_id, qty in items.get(order.id, ()):
            need[article_id] += qty
        has = taken.get(order.id, {})
        affected.update(need)
        state = OrderState(order.state)
        counted = False
        for article_id in sorted(set(need) | set(has)):
            already = has.get(article_id, Decimal(0))
            counts = (
                already != 0
                or order.stock_effect == "reserved"
                or _placed_after(order.created_at, set_at.get(article_id))
            )
            should = -need.get(article_id, Decimal(0)) if state in CONSUMING and counts else Decimal(0)
            counted = counted or (state in CONSUMING and counts)
            change = should - already
            if change:
                affected.add(article_id)
                move(s, article_id, change, _reason(order, state, change), order_id=order.id)
        target = _effect(state, counted)
        if target == "reserved" and order.stock_effect != "reserved":
            started_reserving.append(order)
        order.stock_effect = target
    s.flush()
    _flag_oversold(s, started_reserving, items)
    return affected


def _effect(state: OrderState, counted: bool) -> str:
    if state in RESERVING:
        return "reserved"
    if state in CONSUMING:
        return "consumed" if counted else "past"
    return "none"


def _placed_after(created_at, stock_set_at) -> bool:
    return stock_set_at is not None and created_at is not None and created_at > stock_set_at


def _reason(order: OrderRow, state: OrderState, change: Decimal) -> str:
    if change < 0:
        return f"order {order.number} shipped"
    why = "refunded" if state in CONSUMING else state.name_en.lower()
    return f"order {order.number} {why}: back in stock"


def _taken(s: Session, order_ids: list[int]) -> dict[int, dict[int, Decimal]]:
    """What each order has taken from each article's on-hand since that figure was last set: its ledger.
    Movements before the figure was set are part of it and no longer the order's to give back."""
    if not order_ids:
        return {}
    rows = s.execute(
        select(StockMovement.order_id, StockMovement.article_id, StockMovement.change)
        .join(ArticleRow, ArticleRow.id == StockMovement.article_id)
        .where(
            StockMovement.order_id.in_(order_ids),
            or_(ArticleRow.stock_set_at.is_(None), StockMovement.at >= ArticleRow.stock_set_at),
        )
    )
    out: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for order_id, article_id, change in rows:
        if order_id is not None:  # always: the query selects movements by their order
            out[order_id][article_id] += Decimal(change)
    return {oid: {a: q for a, q in has.items() if q} for oid, has in out.items()}


def _classify_only(s: Session, order_ids: list[int]) -> None:
    for order in s.scalars(select(OrderRow).where(OrderRow.id.in_(order_ids))):
        order.stock_effect = _effect(OrderState(order.state), False)


def _flag_oversold(s: Session, orders: list[OrderRow], items: dict[int, list[tuple[int, Decimal]]]) -> None:
    if not orders:
        return
    avail = availability(s, {a for o in orders for a, _ in items[o.id]})
    for order in orders:
        short = [a for a, _ in items[order.id] if avail[a].available < 0]
        if short and not order.oversold:
            order.oversold = True
            skus = ", ".join(s.scalars(select(ArticleRow.sku).where(ArticleRow.id.in_(short))))
            add_history(s, order.id, "oversold", skus=skus)
