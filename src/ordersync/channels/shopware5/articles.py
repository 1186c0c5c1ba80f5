"""Articles and their stock: ``/api/articles`` (shopware5/devdocs ``examples/article``).

The list (``GET /api/articles``) carries ``id``, ``name``, ``changed`` and ``configuratorSetId`` but no stock;
one article (``GET /api/articles/{id}``) adds ``mainDetail`` (``id``, ``number``, ``ean``, ``inStock``) and
``details`` (the other variants, same fields). Every article has a main detail; an article with a
configurator set also sells the others, so its variants are the main detail plus ``details``.

Stock is written as the docs show it: ``PUT /api/articles/{id}`` with ``{"mainDetail": {"inStock": n}}`` for
the main detail and ``{"variants": [{"number": ..., "inStock": n}]}`` for another variant. The value is
absolute, so the PUT may be repeated; it is only sent when the shop does not show the value yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...domain import Article, ArticleVariant, StockUpdate, to_decimal
from ..sdk.errors import ChannelError, NotFoundError, RecordError
from ..sdk.mapping import read_record
from ..sdk.records import PushResult
from .client import Shopware5Client
from .mapping import when


def _detail_variant(raw: Any, where: str) -> ArticleVariant:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), int):
        raise RecordError(f"{where} is not a variant object with a numeric id")
    stock = raw.get("inStock")
    return ArticleVariant(
        external_id=str(raw["id"]),
        sku=str(raw.get("number") or ""),
        ean=str(raw.get("ean") or ""),
        title=str(raw.get("additionalText") or ""),
        stock=to_decimal(stock, field=f"{where}.inStock") if stock is not None else None,
        manages_stock=stock is not None,
    )


def article_from_shopware5(raw: Any) -> Article:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), int):
        raise RecordError("the record is not an article object with a numeric id")
    return read_record(lambda: _article(raw), hint="Unexpected data in the article; open it in Shopware 5.")


def _article(raw: dict[str, Any]) -> Article:
    main = _detail_variant(raw.get("mainDetail"), "mainDetail")
    others = raw.get("details") or []
    if not isinstance(others, list):
        raise RecordError("details is not a list")
    variants = (
        [main, *(_detail_variant(d, f"details[{i}]") for i, d in enumerate(others))]
        if raw.get("configuratorSetId") is not None
        else []
    )
    return Article(
        external_id=str(raw["id"]),
        title=str(raw.get("name") or ""),
        sku=main.sku,
        ean=main.ean,
        stock=main.stock,
        manages_stock=main.manages_stock,
        updated_at=when(raw, "changed"),
        variants=variants,
    )


def _details(article: Mapping[str, Any]) -> list[dict[str, Any]]:
    main = article.get("mainDetail")
    others = found if isinstance(found := article.get("details"), list) else []
    return [d for d in [main, *others] if isinstance(d, dict)]


Checked = Callable[[Callable[[], bool], Callable[[], Any]], bool]


def push_stock(client: Shopware5Client, update: StockUpdate, checked: Checked) -> PushResult:
    """One listing's stock: find the article (by id, else by the number), then set the detail's inStock."""
    try:
        if update.product_external_id.strip().isdigit():
            article = client.article(int(update.product_external_id))
        else:
            article = client.article_by_number(update.sku or update.variant_external_id)
    except NotFoundError as exc:
        return PushResult(ok=False, remote_id=update.sku or update.product_external_id, detail=str(exc))
    details = _details(article)
    main = details[0] if details else {}
    wanted = update.variant_external_id or ""
    target = (
        next((d for d in details if wanted and str(d.get("id")) == wanted), None)
        or next((d for d in details if update.sku and d.get("number") == update.sku), None)
        or (main if not wanted else None)
    )
    if target is None:
        return PushResult(ok=False, remote_id=wanted, detail=f"no variant {wanted!r} in article {article.get('id')}")
    number, article_id = str(target.get("number") or ""), int(article["id"])
    body = (
        {"mainDetail": {"inStock": update.quantity}}
        if target is main
        else {"variants": [{"number": number, "inStock": update.quantity}]}
    )
    first = {"read": True}

    def shown() -> bool:
        if first.pop("read", False):  # the article just read; later checks read it again
            return target.get("inStock") == update.quantity
        details = _details(client.article(article_id))
        return any(d.get("number") == number and d.get("inStock") == update.quantity for d in details)

    already = checked(shown, lambda: client.update_article(article_id, body))
    return PushResult(ok=True, already_done=already, remote_id=number, detail=f"stock {update.quantity}")


def push_all(client: Shopware5Client, updates: list[StockUpdate], checked: Checked) -> list[PushResult | ChannelError]:
    results: list[PushResult | ChannelError] = []
    for update in updates:
        try:
            results.append(push_stock(client, update, checked))
        except ChannelError as exc:
            results.append(exc)
    return results
