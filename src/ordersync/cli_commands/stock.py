"""`ordersync stock ...` and `ordersync articles ...`: the article base, stock levels and stock rules."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

import typer
from rich.table import Table

from ..cli_shared import ACCOUNT, _hub, _progress, articles_app, out, stock_app


def _quantity(text: str) -> Decimal:
    from ..sync.hub import HubError

    try:
        value = Decimal(text)
    except InvalidOperation:
        raise HubError(f"quantity {text!r} is not a number") from None
    if value != value.to_integral_value():
        raise HubError(f"quantity {text!r} must be a whole number")
    return value


def _correct(mode: str, sku: str, quantity: str, reason: str, account: str | None) -> None:
    from ..sync import stock

    avail, queued = stock.correct(_hub(), sku, mode, _quantity(quantity), reason=reason, account=account)
    out.print(
        f"{sku}: on hand {avail.on_hand}, reserved {avail.reserved}, available {avail.available}; "
        f"{queued} listing(s) queued"
    )


@stock_app.command("set")
def stock_set(sku: str, quantity: str, reason: str = typer.Option("", "--reason"), account: str = ACCOUNT) -> None:
    """Set on-hand stock; every channel listing the article is updated by the next dispatch."""
    _correct("set", sku, quantity, reason, account)


@stock_app.command("add")
def stock_add(sku: str, quantity: str, reason: str = typer.Option("", "--reason"), account: str = ACCOUNT) -> None:
    _correct("add", sku, quantity, reason, account)


@stock_app.command("remove")
def stock_remove(sku: str, quantity: str, reason: str = typer.Option("", "--reason"), account: str = ACCOUNT) -> None:
    _correct("remove", sku, quantity, reason, account)


@stock_app.command("history")
def stock_history(sku: str, account: str = ACCOUNT) -> None:
    from ..sync import stock

    table = Table("when (UTC)", "location", "change", "on hand after", "reason")
    for m in stock.history(_hub(), sku, account):
        table.add_row(m.at.strftime("%Y-%m-%d %H:%M:%S"), m.location, f"{m.change:+}", str(m.on_hand_after), m.reason)
    out.print(table)


@stock_app.command("rules")
def stock_rules(
    connection: str,
    sku: str = typer.Option(None, "--sku", help="one listing instead of the connection"),
    buffer: int = typer.Option(None, "--buffer", help="keep this many back"),
    maximum: int = typer.Option(None, "--max", help="never show more than this"),
    zero_below: int = typer.Option(None, "--zero-below", help="show 0 when fewer than this"),
    push: bool = typer.Option(None, "--push/--never", help="push stock at all"),
    account: str = ACCOUNT,
) -> None:
    """Set the stock rules of a connection, or of one of its listings (--sku)."""
    from ..application.stock import set_stock_rules

    set_stock_rules(
        _hub(), connection, account, sku=sku, buffer=buffer, maximum=maximum, zero_below=zero_below, push=push
    )
    out.print(f"stock rules of {connection}{' / ' + sku if sku else ''} saved")


@articles_app.command("import")
def articles_import(name: str, account: str = ACCOUNT) -> None:
    """Import products and variants of a connection and link them to articles by SKU, then EAN."""
    from ..sync import articles
    from ..sync.hub import HubError
    from ..sync.importer import connection_id_by_name

    hub = _hub()
    with _progress() as bar:
        task = bar.add_task(f"articles from {name}", total=None)
        result = articles.import_articles(
            hub,
            connection_id_by_name(hub, name, account),
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if result.error:
        raise HubError(f"article import failed: {result.error}")
    out.print(
        f"{result.fetched} products read, {result.articles_created} new articles, "
        f"{result.listings_linked} listings linked, {result.listings_unlinked} unlinked, "
        f"{result.quarantined} quarantined"
    )


@articles_app.command("list")
def articles_list(
    as_json: bool = typer.Option(False, "--json"), search: str = typer.Option("", "--search"), account: str = ACCOUNT
) -> None:
    """Articles with on-hand, reserved and available stock."""
    from ..application.stock import articles_with_stock

    data = [
        {
            "sku": x.article.sku,
            "ean": x.article.ean,
            "title": x.article.title,
            "on_hand": str(x.availability.on_hand),
            "reserved": str(x.availability.reserved),
            "available": str(x.availability.available),
        }
        for x in articles_with_stock(_hub(), account, search)
    ]
    if as_json:
        out.print_json(json.dumps(data))
        return
    table = Table("sku", "ean", "title", "on hand", "reserved", "available")
    for d in data:
        table.add_row(d["sku"], d["ean"], d["title"], d["on_hand"], d["reserved"], d["available"])
    out.print(table)


@articles_app.command("link")
def articles_link(
    sku: str, connection: str, product: str, variant: str = typer.Option("", "--variant"), account: str = ACCOUNT
) -> None:
    from ..sync import articles

    articles.link(_hub(), sku, connection, product, variant, account=account)
    out.print(f"linked {connection} {product}{'/' + variant if variant else ''} to {sku}")


@articles_app.command("unlink")
def articles_unlink(
    connection: str, product: str, variant: str = typer.Option("", "--variant"), account: str = ACCOUNT
) -> None:
    from ..sync import articles

    articles.unlink(_hub(), connection, product, variant, account=account)
    out.print(f"unlinked {connection} {product}{'/' + variant if variant else ''}")


@articles_app.command("unmatched")
def articles_unmatched(as_json: bool = typer.Option(False, "--json"), account: str = ACCOUNT) -> None:
    """Listings linked to no article, and articles listed on no channel."""
    from ..sync import articles

    report = articles.unmatched(_hub(), account)
    if as_json:
        out.print_json(json.dumps(report))
        return
    table = Table("connection", "product", "variant", "sku", "ean", "title", title="listings without article")
    for l in report["listings"]:
        table.add_row(l["connection"], l["product"], l["variant"], l["sku"], l["ean"], l["title"])
    out.print(table)
    table = Table("sku", "ean", "title", title="articles on no channel")
    for a in report["articles"]:
        table.add_row(a["sku"], a["ean"], a["title"])
    out.print(table)
