"""Magento products (``catalog-data-product-interface``) → domain Articles, keyed by SKU.

Stock in Magento is addressed by SKU (source items and stock items both), so the SKU is the article's
external id. Only ``simple`` and ``virtual`` products carry stock; a configurable product's variants are
simple products of their own in the same list, so they are read as articles too. ``price`` is in the
base currency, which the product list does not name: the articles carry no currency.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...domain import Article
from ...domain.timeutil import parse_utc
from ..sdk.errors import RecordError
from ..sdk.mapping import map_records, plain_text, read_amount, read_record
from ..sdk.records import Quarantined

HINT = "Unexpected data in the product; open it in the Magento admin (Catalog → Products)."


def article_from_magento2(raw: Any) -> Article:
    if not isinstance(raw, dict) or not plain_text(raw.get("sku")):
        raise RecordError("the record is not a product with a SKU", hint=HINT)
    return read_record(lambda: _article(raw), hint=HINT)


def _article(raw: dict[str, Any]) -> Article:
    sku = plain_text(raw["sku"])
    price = raw.get("price")
    updated = plain_text(raw.get("updated_at"))
    return Article(
        external_id=sku,
        title=plain_text(raw.get("name")) or sku,
        sku=sku,
        price=read_amount(price, f"product {sku}: price") if price not in (None, "") else None,
        updated_at=parse_utc(updated, where="updated_at", assume_utc=True) if updated else None,
    )


def quarantine(raw: Any, exc: RecordError) -> Quarantined:
    ident = plain_text(raw.get("sku")) if isinstance(raw, dict) else ""
    return Quarantined(external_id=ident or "product without SKU", raw=raw, reason=str(exc), hint=exc.hint)


def articles_from_magento2(records: Iterable[Any]) -> tuple[list[Article], list[Quarantined]]:
    return map_records(records, article_from_magento2, quarantine)
