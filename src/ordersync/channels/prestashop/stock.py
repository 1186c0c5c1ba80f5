"""Articles and stock: products with their combinations, and ``stock_availables`` (one per product and
combination, ``id_product_attribute`` 0 for the product itself) [docs, blank schemas of products,
combinations, stock_availables].

The SKU is the product's or combination's ``reference``. A stock is set by a PUT of the whole
stock_available with the new ``quantity`` (an absolute value: repeating it is harmless). A stock_available
with ``depends_on_stock`` = 1 belongs to the advanced stock management (warehouses), whose quantity
PrestaShop computes itself: such a listing is reported as not settable rather than overwritten.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ...domain import Article, ArticleVariant, StockUpdate
from ..sdk.errors import ChannelError, NotFoundError, RecordError
from ..sdk.mapping import quarantine_record
from ..sdk.records import ArticlePage, Page, PushResult
from .client import PrestashopClient, any_of, pid
from .mapping import text

PRODUCT_FIELDS = "[id,reference,ean13,name,date_upd]"


def _quantity(row: dict[str, Any] | None) -> Decimal | None:
    value = text(row, "quantity") if row else ""
    return Decimal(value) if value.lstrip("-").isdigit() else None


def article_pages(client: PrestashopClient, window_filter: dict[str, str], size: int) -> Iterator[ArticlePage]:
    offset, number = 0, 0
    while True:
        products = client.rows(
            "products", {**window_filter, "display": PRODUCT_FIELDS, **client.sort, "limit": f"{offset},{size}"}
        )
        if not products:
            return
        number += 1
        ids = [str(p["id"]) for p in products if str(p.get("id", "")).isdigit()]
        combos = (
            client.rows(
                "combinations", {"display": "[id,id_product,reference,ean13]", "filter[id_product]": any_of(ids)}
            )
            if ids
            else []
        )
        stock = (
            {
                (text(s, "id_product"), text(s, "id_product_attribute")): s
                for s in client.rows("stock_availables", {"display": "full", "filter[id_product]": any_of(ids)})
            }
            if ids
            else {}
        )
        page: ArticlePage = Page(number=number)
        for raw in products:
            try:
                page.records.append(_article(raw, combos, stock))
            except (RecordError, ValueError) as exc:
                error = exc if isinstance(exc, RecordError) else RecordError(str(exc), hint="Open the product.")
                page.quarantined.append(quarantine_record(raw, error, label="PrestaShop product"))
        yield page
        if len(products) < size:
            return
        offset += size


def _article(raw: dict[str, Any], combos: list[dict[str, Any]], stock: dict) -> Article:
    ident = text(raw, "id")
    variants = [
        ArticleVariant(
            external_id=str(c["id"]),
            sku=text(c, "reference"),
            ean=text(c, "ean13"),
            stock=_quantity(stock.get((ident, str(c["id"])))),
            manages_stock=True,
        )
        for c in combos
        if text(c, "id_product") == ident
    ]
    return Article(
        external_id=ident,
        title=text(raw, "name"),
        sku=text(raw, "reference"),
        ean=text(raw, "ean13"),
        stock=_quantity(stock.get((ident, "0"))),
        manages_stock=True,
        variants=variants,
    )


def listing_of(client: PrestashopClient, update: StockUpdate) -> tuple[str, str]:
    """(id_product, id_product_attribute) of an update: its ids, or else its SKU looked up as a product's and
    then a combination's ``reference``. A SKU with ``[ ] | ,`` cannot be written into a filter (the webservice
    has no escape for them [unverified]) and is not found."""
    if str(update.product_external_id).strip().isdigit():
        return pid(update.product_external_id), pid(update.variant_external_id or "0")
    sku = update.sku.strip()
    if not sku or any(c in sku for c in "[]|,"):
        raise NotFoundError(f"no PrestaShop id and no usable SKU ({sku!r}) for this stock update")
    products = client.rows("products", {"display": "[id]", "filter[reference]": f"[{sku}]"})
    if products:
        return pid(products[0]["id"]), "0"
    combos = client.rows("combinations", {"display": "[id,id_product]", "filter[reference]": f"[{sku}]"})
    if combos:
        return pid(combos[0]["id_product"]), pid(combos[0]["id"])
    raise NotFoundError(f"PrestaShop has no product or combination with the reference {sku!r}")


def set_stock(client: PrestashopClient, update: StockUpdate) -> PushResult:
    product, attribute = listing_of(client, update)
    rows = client.rows(
        "stock_availables",
        {"display": "full", "filter[id_product]": f"[{product}]", "filter[id_product_attribute]": f"[{attribute}]"},
    )
    if not rows:
        return PushResult(
            ok=False, remote_id=product, detail=f"PrestaShop has no stock for product {product} combination {attribute}"
        )
    row = rows[0]
    target = str(int(update.quantity))
    if text(row, "depends_on_stock") == "1":
        return PushResult(
            ok=False,
            remote_id=str(row["id"]),
            detail="the stock is computed by PrestaShop's "
            "advanced stock management (depends_on_stock = 1) and cannot be set",
        )
    if text(row, "quantity") == target:
        return PushResult(ok=True, already_done=True, remote_id=str(row["id"]), detail=f"stock {target}")
    fields = {k: v for k, v in row.items() if not isinstance(v, (dict, list))}
    client.write("PUT", "stock_availables", {**fields, "quantity": target}, str(row["id"]))
    return PushResult(ok=True, remote_id=str(row["id"]), detail=f"stock {target}")


def push_stock(client: PrestashopClient, updates: list[StockUpdate]) -> list[PushResult | ChannelError]:
    """One result per update; several updates of one listing coalesce to the last value."""

    def listing(u: StockUpdate) -> tuple[str, str, str]:
        return u.product_external_id, u.variant_external_id, "" if u.product_external_id else u.sku

    latest = {listing(u): u for u in updates}
    done: dict[tuple[str, str, str], PushResult | ChannelError] = {}
    for key, update in latest.items():
        try:
            done[key] = set_stock(client, update)
        except NotFoundError as exc:
            done[key] = PushResult(ok=False, remote_id=update.product_external_id, detail=str(exc))
        except ChannelError as exc:
            done[key] = exc
    return [done[listing(u)] for u in updates]
