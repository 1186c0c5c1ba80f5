"""Article import: each channel product (or variant) becomes a listing, linked to the hub's article.

Links are made automatically by SKU, then by EAN; an article is created on first sight of a SKU, with the
channel's stock as its starting on-hand (a seed value the seller corrects with `ordersync stock set`).
Listings without SKU or EAN stay unlinked until linked by hand; `unmatched` reports both sides.

A variant that sells from its product's stock (WooCommerce ``manage_stock: "parent"``) is not an article of
its own: the product gets a listing too, and every such variant's listing is linked to the product's
article, so orders of any of them draw from one stock and propagation pushes it once, to the product.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..channels.sdk.cleantext import clean_record
from ..channels.sdk.errors import ChannelError
from ..channels.sdk.records import Window
from ..domain import Article
from ..domain.timeutil import utcnow
from ..store.models import ArticleRow, Connection, Listing, OrderItemRow, OrderRow
from ..telemetry.context import bound
from . import connections
from .hub import Hub, HubError
from .importer import get_position, set_position
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

    def add(self, other: ArticleImportResult) -> None:
        for name in ("articles_created", "listings_linked", "listings_unlinked", "quarantined"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def import_articles(hub: Hub, connection_id: int, *, progress=None) -> ArticleImportResult:
    row = connections.load(hub, connection_id)
    with bound(connection_id=connection_id, account_id=row.account_id):  # on every log line and metric
        return _import_articles(hub, connection_id, row, progress)


def _import_articles(hub: Hub, connection_id: int, row, progress) -> ArticleImportResult:
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
        finish_run(hub, run_id, fetched=result.fetched, created=result.articles_created, quarantined=result.quarantined)
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
                _resolve_order_items(s, row.account_id, {e.sku for a in page.records for e in _entries(a) if e.sku})
        except IntegrityError:
            if attempt == 4:
                raise
            continue
        result.add(counts)
        return


@dataclass(frozen=True)
class _Entry:
    product_id: str
    variant_id: str
    sku: str
    ean: str
    title: str
    stock: Decimal | None
    via_product: bool = False  # linked to the product's article (the variant has no stock of its own)


def _entries(article: Article) -> list[_Entry]:
    """A listing per variant of a variable product (its stock lives on its variants), plus one for the
    product itself, first, when some variants sell from the product's stock. Without a SKU of its own the
    product's listing takes the first such variant's, so the shared stock still gets an article."""
    if not article.variants:
        return [_Entry(article.external_id, "", article.sku, article.ean, article.title, article.stock)]
    shared = [v for v in article.variants if v.stock_from_product]
    head = (
        [_Entry(article.external_id, "", article.sku or shared[0].sku, article.ean, article.title, article.stock)]
        if shared
        else []
    )
    return head + [
        _Entry(
            article.external_id, v.external_id, v.sku, v.ean, v.title or article.title, v.stock, v.stock_from_product
        )
        for v in article.variants
    ]


listing_entries = _entries  # what a reconciliation compares the hub's listings with (ordersync.reconcile)


def _match(s: Session, account_id: int, sku: str, ean: str) -> ArticleRow | None:
    if sku:
        found = s.scalar(select(ArticleRow).where(ArticleRow.account_id == account_id, ArticleRow.sku == sku))
        if found is not None:
            return found
    if ean:
        return s.scalar(
            select(ArticleRow)
            .where(ArticleRow.account_id == account_id, ArticleRow.ean == ean)
            .order_by(ArticleRow.id)
            .limit(1)
        )
    return None


def _link(s: Session, conn: Connection, article: Article, result: ArticleImportResult) -> None:
    now = utcnow()
    product_art: ArticleRow | None = None
    for entry in _entries(article):
        product_id, variant_id, sku, ean, title, stock = (
            entry.product_id,
            entry.variant_id,
            entry.sku,
            entry.ean,
            entry.title,
            entry.stock,
        )
        listing = s.scalar(
            select(Listing).where(
                Listing.connection_id == conn.id,
                Listing.product_external_id == product_id,
                Listing.variant_external_id == variant_id,
            )
        )
        fresh = listing is None
        if listing is None:
            listing = Listing(
                account_id=conn.account_id,
                connection_id=conn.id,
                product_external_id=product_id,
                variant_external_id=variant_id,
                sku="",
                ean="",
                title=title,
                updated_at=now,
            )
            s.add(listing)
        # a listing unlinked by hand stays unlinked until its SKU or EAN changes on the channel
        rematch = fresh or listing.sku != sku or listing.ean != (ean or "")
        if entry.via_product:  # the shop keeps its stock on the product: so does the hub
            art = product_art if listing.article_id or rematch else None
            if art is not None and listing.article_id != art.id:
                _relink_order_items(s, conn, product_id, variant_id, art.id)
        else:
            art = (
                s.get(ArticleRow, listing.article_id)
                if listing.article_id
                else (_match(s, conn.account_id, sku, ean) if rematch else None)
            )
        if art is None and sku and rematch and not entry.via_product:
            art = ArticleRow(
                account_id=conn.account_id,
                sku=sku,
                ean=ean or "",
                title=title,
                created_at=now,
                updated_at=now,
                stock_set_at=now,
            )
            s.add(art)
            s.flush()
            set_level(s, art.id, Decimal(max(stock or 0, 0)), DEFAULT_LOCATION)
            result.articles_created += 1
        listing.article_id = art.id if art else None
        if not variant_id:
            product_art = art
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
    by_sku = (
        select(ArticleRow.id)
        .where(ArticleRow.account_id == account_id, ArticleRow.sku == OrderItemRow.sku)
        .scalar_subquery()
    )
    orders = select(OrderRow.id).where(OrderRow.account_id == account_id)
    s.execute(
        update(OrderItemRow)
        .where(OrderItemRow.sku.in_(skus), OrderItemRow.article_id.is_(None), OrderItemRow.order_id.in_(orders))
        .values(article_id=by_sku)
    )


def _relink_order_items(s: Session, conn: Connection, product_id: str, variant_id: str, article_id: int) -> None:
    """Items of this connection's orders for one variant draw from ``article_id`` (the product's) from now on:
    those imported before the listing was linked, or linked to the variant's own article before the hub knew
    it shares the product's stock. Runs only when the listing's article changes."""
    orders = select(OrderRow.id).where(OrderRow.connection_id == conn.id)
    s.execute(
        update(OrderItemRow)
        .where(
            OrderItemRow.product_external_id == product_id,
            OrderItemRow.variant_external_id == variant_id,
            OrderItemRow.order_id.in_(orders),
        )
        .values(article_id=article_id)
    )


def link(
    hub: Hub, sku: str, connection: str, product_id: str, variant_id: str = "", *, account: str | None = None
) -> None:
    """Link a channel listing to an article by hand (e.g. a listing without SKU)."""
    with hub.db.session() as s:
        conn = connections.find(s, hub, connection, account)
        art = s.scalar(select(ArticleRow).where(ArticleRow.account_id == conn.account_id, ArticleRow.sku == sku))
        if art is None:
            raise HubError(f"no article with SKU {sku!r}")
        listing = s.scalar(
            select(Listing).where(
                Listing.connection_id == conn.id,
                Listing.product_external_id == product_id,
                Listing.variant_external_id == variant_id,
            )
        )
        if listing is None:
            raise HubError(f"{connection!r} has no listing {product_id}/{variant_id or '-'}; import its articles first")
        listing.article_id, listing.updated_at = art.id, utcnow()


def unlink(hub: Hub, connection: str, product_id: str, variant_id: str = "", *, account: str | None = None) -> None:
    with hub.db.session() as s:
        conn = connections.find(s, hub, connection, account)
        n = s.execute(
            update(Listing)
            .where(
                Listing.connection_id == conn.id,  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                Listing.product_external_id == product_id,
                Listing.variant_external_id == variant_id,
            )
            .values(article_id=None, updated_at=utcnow())
        ).rowcount
        if not n:
            raise HubError(f"{connection!r} has no listing {product_id}/{variant_id or '-'}")


def unmatched(hub: Hub, account: str | None = None) -> dict[str, list[dict]]:
    """Listings linked to no article, and articles listed on no channel."""
    account_id = hub.account_id(account)
    with hub.db.session() as s:
        listings = s.execute(
            select(Listing, Connection.name)
            .join(Connection, Connection.id == Listing.connection_id)
            .where(Listing.account_id == account_id, Listing.article_id.is_(None))
        ).all()
        listed = select(Listing.article_id).where(Listing.article_id.is_not(None))
        articles = s.scalars(
            select(ArticleRow).where(ArticleRow.account_id == account_id, ArticleRow.id.not_in(listed))
        ).all()
        return {
            "listings": [
                {
                    "connection": name,
                    "product": l.product_external_id,
                    "variant": l.variant_external_id,
                    "sku": l.sku,
                    "ean": l.ean,
                    "title": l.title,
                }
                for l, name in listings
            ],
            "articles": [{"sku": a.sku, "ean": a.ean, "title": a.title} for a in articles],
        }
