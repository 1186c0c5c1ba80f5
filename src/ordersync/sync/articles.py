"""Article import: each channel product (or variant) becomes a listing, linked to the hub's article.

Links are made automatically by SKU, then by EAN; an article is created on first sight of a SKU, with the
channel's stock as its starting on-hand (a seed value the seller corrects with `ordersync stock set`).
Listings without SKU or EAN stay unlinked until linked by hand; `unmatched` reports both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..channels.sdk.errors import ChannelError
from ..channels.sdk.records import Window
from ..domain import Article
from ..domain.timeutil import utcnow
from ..store.models import ArticleRow, Connection, Listing, OrderItemRow, OrderRow
from . import connections
from .hub import Hub, HubError
from .importer import get_position, set_position
from ..channels.sdk.cleantext import clean_record
from .quarantine import quarantine
from .stock import DEFAULT_LOCATION, set_level
from .synclog import finish_run, start_run


@dataclass
class ArticleImportResult:
    fetched: int = 0
    articles_created: int = 0
    listings_linked: int = 0
    listings_unlinked: int = 0
    quarantined: int = 0
    error: str = ""

    def add(self, other: "ArticleImportResult") -> None:
        for name in ("articles_created", "listings_linked", "listings_unlinked", "quarantined"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def import_articles(hub: Hub, connection_id: int, *, progress=None) -> ArticleImportResult:
    row = connections.load(hub, connection_id)
    result = ArticleImportResult()
    connector = connections.build_connector(hub, row)
    until = utcnow()
    position = get_position(hub, connection_id, "articles")
    run_id = start_run(hub, connection_id, "articles", since=position, until=until)
    try:
        for page in connector.fetch_articles(Window(position, until)):
            _store_article_page(hub, row, connection_id, page, result)
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


def _store_article_page(hub: Hub, row, connection_id: int, page, result: ArticleImportResult) -> None:
    """One transaction per page. Two connections importing the same new SKU at once race for the unique
    (account, sku): the loser's page is rolled back and run again, finding the winner's article."""
    for article in page.records:
        clean_record(article)
    for attempt in range(5):
        counts = ArticleImportResult()
        try:
            with hub.db.session() as s:
                for article in page.records:
                    _link(s, row, article, counts)
                if page.quarantined:
                    counts.quarantined += quarantine(s, connection_id, "articles", page.quarantined)
                _resolve_order_items(s, row.account_id, {e[2] for a in page.records for e in _entries(a) if e[2]})
        except IntegrityError:
            if attempt == 4:
                raise
            continue
        result.add(counts)
        return


def _entries(article: Article) -> list[tuple[str, str, str, str, str, Decimal | None]]:
    """(product id, variant id, sku, ean, title, stock): a variable product's stock lives on its variants."""
    if article.variants:
        return [(article.external_id, v.external_id, v.sku, v.ean, v.title or article.title, v.stock)
                for v in article.variants]
    return [(article.external_id, "", article.sku, article.ean, article.title, article.stock)]


def _match(s: Session, account_id: int, sku: str, ean: str) -> ArticleRow | None:
    if sku:
        found = s.scalar(select(ArticleRow).where(ArticleRow.account_id == account_id, ArticleRow.sku == sku))
        if found is not None:
            return found
    if ean:
        return s.scalar(select(ArticleRow).where(ArticleRow.account_id == account_id, ArticleRow.ean == ean)
                        .order_by(ArticleRow.id).limit(1))
    return None


def _link(s: Session, conn: Connection, article: Article, result: ArticleImportResult) -> None:
    now = utcnow()
    for product_id, variant_id, sku, ean, title, stock in _entries(article):
        listing = s.scalar(select(Listing).where(Listing.connection_id == conn.id,
                                                 Listing.product_external_id == product_id,
                                                 Listing.variant_external_id == variant_id))
        fresh = listing is None
        if listing is None:
            listing = Listing(account_id=conn.account_id, connection_id=conn.id, product_external_id=product_id,
                              variant_external_id=variant_id, sku="", ean="", title=title, updated_at=now)
            s.add(listing)
        # a listing unlinked by hand stays unlinked until its SKU or EAN changes on the channel
        rematch = fresh or listing.sku != sku or listing.ean != (ean or "")
        art = s.get(ArticleRow, listing.article_id) if listing.article_id else (
            _match(s, conn.account_id, sku, ean) if rematch else None)
        if art is None and sku and rematch:
            art = ArticleRow(account_id=conn.account_id, sku=sku, ean=ean or "", title=title, created_at=now,
                             updated_at=now)
            s.add(art)
            s.flush()
            set_level(s, art.id, Decimal(max(stock or 0, 0)), DEFAULT_LOCATION)
            result.articles_created += 1
        listing.article_id = art.id if art else None
        listing.sku, listing.ean, listing.title = sku, ean or "", title
        listing.channel_stock = Decimal(stock) if stock is not None else None
        listing.updated_at = now
        if art:
            result.listings_linked += 1
        else:
            result.listings_unlinked += 1
    s.flush()


def _resolve_order_items(s: Session, account_id: int, skus: set[str]) -> None:
    """Items imported before their article existed get linked now, so they reserve stock."""
    if not skus:
        return
    by_sku = (select(ArticleRow.id).where(ArticleRow.account_id == account_id, ArticleRow.sku == OrderItemRow.sku)
              .scalar_subquery())
    orders = select(OrderRow.id).where(OrderRow.account_id == account_id)
    s.execute(update(OrderItemRow)
              .where(OrderItemRow.sku.in_(skus), OrderItemRow.article_id.is_(None), OrderItemRow.order_id.in_(orders))
              .values(article_id=by_sku))


def link(hub: Hub, sku: str, connection: str, product_id: str, variant_id: str = "", *,
         account: str | None = None) -> None:
    """Link a channel listing to an article by hand (e.g. a listing without SKU)."""
    with hub.db.session() as s:
        conn = connections.find(s, hub, connection, account)
        art = s.scalar(select(ArticleRow).where(ArticleRow.account_id == conn.account_id, ArticleRow.sku == sku))
        if art is None:
            raise HubError(f"no article with SKU {sku!r}")
        listing = s.scalar(select(Listing).where(Listing.connection_id == conn.id,
                                                 Listing.product_external_id == product_id,
                                                 Listing.variant_external_id == variant_id))
        if listing is None:
            raise HubError(f"{connection!r} has no listing {product_id}/{variant_id or '-'}; import its articles first")
        listing.article_id, listing.updated_at = art.id, utcnow()


def unlink(hub: Hub, connection: str, product_id: str, variant_id: str = "", *, account: str | None = None) -> None:
    with hub.db.session() as s:
        conn = connections.find(s, hub, connection, account)
        n = s.execute(update(Listing).where(Listing.connection_id == conn.id,
                                            Listing.product_external_id == product_id,
                                            Listing.variant_external_id == variant_id)
                      .values(article_id=None, updated_at=utcnow())).rowcount
        if not n:
            raise HubError(f"{connection!r} has no listing {product_id}/{variant_id or '-'}")


def unmatched(hub: Hub, account: str | None = None) -> dict[str, list[dict]]:
    """Listings linked to no article, and articles listed on no channel."""
    account_id = hub.account_id(account)
    with hub.db.session() as s:
        listings = s.execute(select(Listing, Connection.name).join(Connection, Connection.id == Listing.connection_id)
                             .where(Listing.account_id == account_id, Listing.article_id.is_(None))).all()
        listed = select(Listing.article_id).where(Listing.article_id.is_not(None))
        articles = s.scalars(select(ArticleRow).where(ArticleRow.account_id == account_id,
                                                      ArticleRow.id.not_in(listed))).all()
        return {
            "listings": [{"connection": name, "product": l.product_external_id, "variant": l.variant_external_id,
                          "sku": l.sku, "ean": l.ean, "title": l.title} for l, name in listings],
            "articles": [{"sku": a.sku, "ean": a.ean, "title": a.title} for a in articles],
        }
