"""Stock as a seller manages it: the article list with availability, and the stock rules of a connection."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..hub import Hub, HubError
from ..store.models import ArticleRow, Connection, Listing
from ..sync import stock
from ..sync.connections import find


@dataclass
class ArticleStock:
    article: ArticleRow
    availability: stock.Availability


def articles_with_stock(hub: Hub, account: str | None, search: str = "") -> list[ArticleStock]:
    """Every article of the account by SKU (``search`` in SKU or title), with on-hand, reserved and available."""
    account_id = hub.account_id(account)
    with hub.db.session() as s:
        q = select(ArticleRow).where(ArticleRow.account_id == account_id)
        if search:
            q = q.where(ArticleRow.sku.contains(search) | ArticleRow.title.contains(search))
        rows = s.scalars(q.order_by(ArticleRow.sku)).all()
        avail = stock.availability(s, [a.id for a in rows])
    return [ArticleStock(a, avail[a.id]) for a in rows]


def set_stock_rules(
    hub: Hub,
    connection: str,
    account: str | None,
    *,
    sku: str | None = None,
    buffer: int | None = None,
    maximum: int | None = None,
    zero_below: int | None = None,
    push: bool | None = None,
) -> None:
    """Rules of a connection, or of its listings with ``sku``; a value left None stays as it is."""
    with hub.db.session() as s:
        conn = find(s, hub, connection, account)
        targets: list[Connection] | list[Listing] = [conn]
        if sku:
            targets = list(s.scalars(select(Listing).where(Listing.connection_id == conn.id, Listing.sku == sku)))
            if not targets:
                raise HubError(f"{connection!r} has no listing with SKU {sku!r}")
        for target in targets:
            for attr, value in (("stock_buffer", buffer), ("stock_max", maximum), ("stock_zero_below", zero_below)):
                if value is not None:
                    setattr(target, attr, value)
            if push is not None:
                if isinstance(target, Listing):  # a listing found by its SKU
                    target.push_mode = "auto" if push else "never"
                else:
                    target.stock_push = push
