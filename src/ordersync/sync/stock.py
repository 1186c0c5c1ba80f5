"""Articles, listings and stock levels: the minimum the core needs to push stock to channels.

Article import links each channel product (or variant) to the hub's article with the same SKU, creating
the article on first sight. Setting stock records a movement and writes one coalesced outbox entry per
listing on every channel that can take stock.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..channels.registry import get_connector
from ..channels.sdk.capabilities import Capability
from ..channels.sdk.errors import ChannelError
from ..channels.sdk.records import Window
from ..domain import Article
from ..domain.timeutil import utcnow
from ..store.models import ArticleRow, Connection, Listing, StockMovement
from . import connections
from .hub import Hub, HubError
from .importer import get_position, set_position
from .outbox import enqueue
from .quarantine import quarantine
from .synclog import finish_run, start_run


@dataclass
class ArticleImportResult:
    fetched: int = 0
    articles_created: int = 0
    listings_linked: int = 0
    quarantined: int = 0
    error: str = ""


def import_articles(hub: Hub, connection_id: int, *, progress=None) -> ArticleImportResult:
    row = connections.load(hub, connection_id)
    result = ArticleImportResult()
    connector = connections.build_connector(hub, row)
    until = utcnow()
    position = get_position(hub, connection_id, "articles")
    run_id = start_run(hub, connection_id, "articles", since=position, until=until)
    try:
        for page in connector.fetch_articles(Window(position, until)):
            with hub.db.session() as s:
                for article in page.records:
                    _link(s, row, article, result)
                if page.quarantined:
                    result.quarantined += quarantine(s, connection_id, "articles", page.quarantined)
            result.fetched += len(page.records)
            if progress:
                progress(result.fetched, page.window_total)
        set_position(hub, connection_id, "articles", until)
        finish_run(hub, run_id, fetched=result.fetched, created=result.articles_created,
                   quarantined=result.quarantined)
    except ChannelError as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        finish_run(hub, run_id, error=result.error, fetched=result.fetched)
    finally:
        connector.close()
    return result


def _link(s: Session, conn: Connection, article: Article, result: ArticleImportResult) -> None:
    now = utcnow()
    entries = [(article.external_id, "", article.sku, article.ean, article.title, article.stock)]
    entries += [(article.external_id, v.external_id, v.sku, v.ean, v.title or article.title, v.stock)
                for v in article.variants]
    if article.variants:
        entries = entries[1:]  # a variable product's stock lives on its variants
    for product_id, variant_id, sku, ean, title, stock in entries:
        art = None
        if sku:
            art = s.scalar(select(ArticleRow).where(ArticleRow.account_id == conn.account_id,
                                                    ArticleRow.sku == sku))
            if art is None:
                art = ArticleRow(account_id=conn.account_id, sku=sku, ean=ean or "", title=title,
                                 on_hand=Decimal(stock or 0), created_at=now, updated_at=now)
                s.add(art)
                s.flush()
                result.articles_created += 1
        listing = s.scalar(select(Listing).where(Listing.connection_id == conn.id,
                                                 Listing.product_external_id == product_id,
                                                 Listing.variant_external_id == variant_id))
        if listing is None:
            listing = Listing(account_id=conn.account_id, connection_id=conn.id, product_external_id=product_id,
                              variant_external_id=variant_id)
            s.add(listing)
        listing.article_id = art.id if art else None
        listing.sku, listing.ean, listing.title = sku, ean or "", title
        listing.channel_stock = Decimal(stock) if stock is not None else None
        listing.updated_at = now
        result.listings_linked += 1 if art else 0


def set_stock(hub: Hub, sku: str, quantity: Decimal, *, reason: str = "", account: str | None = None) -> int:
    """Set on-hand stock of an article; returns how many listings will be updated."""
    if quantity < 0:
        raise HubError(f"stock quantity {quantity} is negative")
    account_id = hub.account_id(account)
    with hub.db.session() as s:
        art = s.scalar(select(ArticleRow).where(ArticleRow.account_id == account_id, ArticleRow.sku == sku))
        if art is None:
            raise HubError(f"no article with SKU {sku!r}; import articles first (`ordersync articles import`)")
        change = quantity - art.on_hand
        art.on_hand, art.updated_at = quantity, utcnow()
        s.add(StockMovement(article_id=art.id, at=utcnow(), change=change, on_hand_after=quantity,
                            reason=reason or "set"))
        return push_article_stock(s, art)


def push_article_stock(s: Session, art: ArticleRow, *, skip_connection: int | None = None) -> int:
    queued = 0
    listings = s.scalars(select(Listing).where(Listing.article_id == art.id)).all()
    for listing in listings:
        if listing.connection_id == skip_connection:
            continue
        conn = s.get(Connection, listing.connection_id)
        if conn is None or conn.paused or not get_connector(conn.system).supports(Capability.SET_STOCK):
            continue
        enqueue(s, account_id=art.account_id, connection_id=conn.id, kind="stock", listing_id=listing.id,
                coalesce_key=f"stock:{listing.id}",
                payload={"product_external_id": listing.product_external_id,
                         "variant_external_id": listing.variant_external_id,
                         "quantity": int(max(art.on_hand, 0)), "sku": listing.sku})
        queued += 1
    return queued
