"""Stock levels: on-hand per article and location, reserved by open orders, available to sell.

available = on-hand − reserved. On-hand lives in stock_levels (one row per article and location, the
"default" location unless the seller keeps more) and changes only through movements, so its history is
complete. Reserved is derived, never stored: the quantities of order items whose order currently reserves
(see reservations), net of refunded quantities. Corrections lock the article's row, so concurrent writers serialise per article.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.timeutil import utcnow
from ..store.models import ArticleRow, OrderItemRow, OrderRow, StockLevel, StockMovement
from .hub import Hub, HubError

DEFAULT_LOCATION = "default"


@dataclass(frozen=True)
class Availability:
    on_hand: Decimal
    reserved: Decimal

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


def lock_articles(s: Session, article_ids) -> None:
    """Row locks on PostgreSQL, in id order; SQLite's BEGIN IMMEDIATE already serialises writers.

    FOR NO KEY UPDATE, not FOR UPDATE: inserting an order item takes a KEY SHARE lock on its article (the
    foreign key check), which FOR UPDATE would wait for, so two imports of the same article that had each
    written their items would deadlock. Imports also take this lock before writing any item."""
    ids = sorted(i for i in set(article_ids) if i is not None)
    if ids and s.get_bind().dialect.name != "sqlite":
        s.execute(
            select(ArticleRow.id).where(ArticleRow.id.in_(ids)).order_by(ArticleRow.id).with_for_update(key_share=True)
        )


def availability(s: Session, article_ids) -> dict[int, Availability]:
    ids = list(set(article_ids))
    if not ids:
        return {}
    on_hand = dict(
        s.execute(
            select(StockLevel.article_id, func.sum(StockLevel.on_hand))
            .where(StockLevel.article_id.in_(ids))
            .group_by(StockLevel.article_id)
        ).all()
    )
    reserved = dict(
        s.execute(
            select(OrderItemRow.article_id, func.sum(OrderItemRow.quantity - OrderItemRow.refunded_quantity))
            .join(OrderRow, OrderRow.id == OrderItemRow.order_id)
            .where(
                OrderItemRow.article_id.in_(ids),
                OrderRow.stock_effect == "reserved",
                OrderItemRow.dont_adjust_stock.is_(False),
            )
            .group_by(OrderItemRow.article_id)
        ).all()
    )
    return {i: Availability(Decimal(on_hand.get(i) or 0), Decimal(reserved.get(i) or 0)) for i in ids}


def set_level(s: Session, article_id: int, quantity: Decimal, location: str = DEFAULT_LOCATION) -> StockLevel:
    level = s.scalar(select(StockLevel).where(StockLevel.article_id == article_id, StockLevel.location == location))
    if level is None:
        level = StockLevel(article_id=article_id, location=location, on_hand=quantity, updated_at=utcnow())
        s.add(level)
    else:
        level.on_hand, level.updated_at = quantity, utcnow()
    s.flush()
    return level


def move(
    s: Session,
    article_id: int,
    change: Decimal,
    reason: str,
    *,
    order_id: int | None = None,
    location: str = DEFAULT_LOCATION,
) -> Decimal:
    """Change on-hand by ``change`` and record why; returns the new on-hand at that location."""
    level = s.scalar(select(StockLevel).where(StockLevel.article_id == article_id, StockLevel.location == location))
    before = level.on_hand if level is not None else Decimal(0)
    after = before + change
    set_level(s, article_id, after, location)
    s.add(
        StockMovement(
            article_id=article_id,
            location=location,
            order_id=order_id,
            at=utcnow(),
            change=change,
            on_hand_after=after,
            reason=reason,
        )
    )
    return after


def correct(
    hub: Hub,
    sku: str,
    mode: str,
    quantity: Decimal,
    *,
    reason: str = "",
    location: str = DEFAULT_LOCATION,
    account: str | None = None,
) -> tuple[Availability, int]:
    """``stock set|add|remove``: returns the new availability and how many listings will be updated."""
    from .propagation import propagate

    if quantity < 0:
        raise HubError(f"stock quantity {quantity} is negative")
    account_id = hub.account_id(account)
    with hub.db.session() as s:
        art = s.scalar(select(ArticleRow).where(ArticleRow.account_id == account_id, ArticleRow.sku == sku))
        if art is None:
            raise HubError(f"no article with SKU {sku!r}; import articles first (`ordersync articles import NAME`)")
        lock_articles(s, [art.id])
        level = s.scalar(select(StockLevel).where(StockLevel.article_id == art.id, StockLevel.location == location))
        current = level.on_hand if level is not None else Decimal(0)
        change = {"set": quantity - current, "add": quantity, "remove": -quantity}[mode]
        move(s, art.id, change, reason or mode, location=location)
        if mode == "set":  # the hub takes this figure over: later orders count against it (reservations)
            art.stock_set_at = utcnow()
        queued = propagate(s, [art.id])
        return availability(s, [art.id])[art.id], queued


def history(hub: Hub, sku: str, account: str | None = None, limit: int = 200) -> list[StockMovement]:
    account_id = hub.account_id(account)
    with hub.db.session() as s:
        art = s.scalar(select(ArticleRow).where(ArticleRow.account_id == account_id, ArticleRow.sku == sku))
        if art is None:
            raise HubError(f"no article with SKU {sku!r}")
        return list(
            s.scalars(
                select(StockMovement)
                .where(StockMovement.article_id == art.id)
                .order_by(StockMovement.id.desc())
                .limit(limit)
            )
        )
