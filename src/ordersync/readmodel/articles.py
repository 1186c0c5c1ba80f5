"""Articles with their stock (on hand, reserved by open orders, available) and their channel listings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, or_, select

from ..store.models import ArticleRow, Connection, Listing, StockLevel, StockMovement
from ..sync.hub import Hub
from ..sync.propagation import shown_quantity
from ..sync.stock import availability
from .orders import _like
from .paging import ResultPage, check_page


@dataclass
class ArticleSummary:
    id: int
    sku: str
    ean: str
    title: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    listings_count: int


class ArticlePage(ResultPage[ArticleSummary]):
    pass


@dataclass
class ListingView:
    id: int
    connection_id: int
    connection_name: str
    system: str
    product_external_id: str
    variant_external_id: str
    sku: str
    title: str
    channel_stock: Decimal | None
    push_mode: str  # auto | never
    stock_buffer: int | None  # None: the connection's rule applies
    stock_max: int | None
    stock_zero_below: int | None
    shown: int | None  # what the rules push to the channel now (None: never pushed)


@dataclass
class StockLevelView:
    location: str
    on_hand: Decimal
    updated_at: datetime


@dataclass
class MovementView:
    id: int
    at: datetime
    location: str
    change: Decimal
    on_hand_after: Decimal
    reason: str
    order_id: int | None


@dataclass
class ArticleDetail(ArticleSummary):
    weight_kg: Decimal | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    listings: list[ListingView] = field(default_factory=list)
    levels: list[StockLevelView] = field(default_factory=list)
    movements: list[MovementView] = field(default_factory=list)  # newest first


def _summaries(s, rows) -> list[ArticleSummary]:
    ids = [a.id for a in rows]
    avail = availability(s, ids)
    counts = (
        dict(
            s.execute(
                select(Listing.article_id, func.count()).where(Listing.article_id.in_(ids)).group_by(Listing.article_id)
            ).all()
        )
        if ids
        else {}
    )
    return [
        ArticleSummary(
            a.id,
            a.sku,
            a.ean,
            a.title,
            avail[a.id].on_hand,
            avail[a.id].reserved,
            avail[a.id].available,
            counts.get(a.id, 0),
        )
        for a in rows
    ]


def list_articles(hub: Hub, account_id: int, text: str = "", *, page: int = 1, page_size: int = 50) -> ArticlePage:
    """By SKU; ``text`` matches SKU, EAN or title."""
    offset = check_page(page, page_size)
    conds = [ArticleRow.account_id == account_id]
    if text.strip():
        p = _like(text.strip())
        conds.append(
            or_(
                ArticleRow.sku.ilike(p, escape="\\"),
                ArticleRow.ean.ilike(p, escape="\\"),
                ArticleRow.title.ilike(p, escape="\\"),
            )
        )
    with hub.db.session() as s:
        total = s.scalar(select(func.count()).select_from(ArticleRow).where(*conds)) or 0
        rows = s.scalars(
            select(ArticleRow).where(*conds).order_by(ArticleRow.sku, ArticleRow.id).limit(page_size).offset(offset)
        ).all()
        return ArticlePage(_summaries(s, rows), total, page, page_size)


def find_article(hub: Hub, account_id: int, sku: str) -> int | None:
    with hub.db.session() as s:
        return s.scalar(select(ArticleRow.id).where(ArticleRow.account_id == account_id, ArticleRow.sku == sku))


def get_article(hub: Hub, account_id: int, article_id: int, *, movements: int = 50) -> ArticleDetail | None:
    with hub.db.session() as s:
        art = s.scalar(select(ArticleRow).where(ArticleRow.id == article_id, ArticleRow.account_id == account_id))
        if art is None:
            return None
        (summary,) = _summaries(s, [art])
        listings = []
        rows = s.execute(
            select(Listing, Connection)
            .join(Connection, Connection.id == Listing.connection_id)
            .where(Listing.article_id == art.id, Listing.account_id == account_id)
            .order_by(Connection.name, Listing.id)
        )
        for listing, conn in rows:
            listings.append(
                ListingView(
                    listing.id,
                    conn.id,
                    conn.name,
                    conn.system,
                    listing.product_external_id,
                    listing.variant_external_id,
                    listing.sku,
                    listing.title,
                    listing.channel_stock,
                    listing.push_mode,
                    listing.stock_buffer,
                    listing.stock_max,
                    listing.stock_zero_below,
                    shown_quantity(summary.available, conn, listing),
                )
            )
        levels = [
            StockLevelView(x.location, x.on_hand, x.updated_at)
            for x in s.scalars(select(StockLevel).where(StockLevel.article_id == art.id).order_by(StockLevel.location))
        ]
        moves = [
            MovementView(m.id, m.at, m.location, m.change, m.on_hand_after, m.reason, m.order_id)
            for m in s.scalars(
                select(StockMovement)
                .where(StockMovement.article_id == art.id)
                .order_by(StockMovement.id.desc())
                .limit(movements)
            )
        ]
        return ArticleDetail(
            **vars(summary),
            weight_kg=art.weight_kg,
            created_at=art.created_at,
            updated_at=art.updated_at,
            listings=listings,
            levels=levels,
            movements=moves,
        )
