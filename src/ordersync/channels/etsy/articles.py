"""Etsy listings (with ``includes=Inventory``) → domain Articles, so the hub knows which listing and product
carry a SKU. A listing is an article (``listing_id``); each live product of its inventory with property
values is a variant (``product_id``, ``sku``, the offering's quantity and price, the property values as
attributes); a listing with one product and no properties is a plain article with that product's SKU."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ordersync.channels.sdk.errors import RecordError
from ordersync.domain import Article
from ordersync.domain.article import ArticleVariant

from .mapping import money


def _offering(product: dict[str, Any]) -> dict[str, Any]:
    live = [o for o in product.get("offerings") or [] if isinstance(o, dict) and o.get("is_deleted") is not True]
    return live[0] if live else {}


def article_from_listing(raw: Any) -> Article:
    if not isinstance(raw, dict) or not isinstance(raw.get("listing_id"), int):
        raise RecordError("the record is not a listing with a numeric listing_id", hint="Open the listing in Etsy.")
    inventory: dict[str, Any] = raw["inventory"] if isinstance(raw.get("inventory"), dict) else {}
    products = [p for p in inventory.get("products") or [] if isinstance(p, dict) and p.get("is_deleted") is not True]
    price, currency = money(raw["price"], "price") if raw.get("price") else (None, "")
    variants = []
    for product in products:
        offering = _offering(product)
        attributes = {
            str(v.get("property_name") or v.get("property_id")): ", ".join(map(str, v.get("values") or []))
            for v in product.get("property_values") or []
            if isinstance(v, dict)
        }
        quantity = offering.get("quantity")
        variants.append(
            ArticleVariant(
                external_id=str(product.get("product_id") or ""),
                sku=str(product.get("sku") or ""),
                price=money(offering["price"], "offering price")[0] if offering.get("price") else None,
                stock=Decimal(quantity) if isinstance(quantity, int) else None,
                manages_stock=True,
                attributes=attributes,
            )
        )
    quantity = raw.get("quantity")
    article = Article(
        external_id=str(raw["listing_id"]),
        title=str(raw.get("title") or ""),
        price=price,
        currency=currency,
        stock=Decimal(quantity) if isinstance(quantity, int) else None,
        manages_stock=True,
    )
    if len(variants) == 1 and not variants[0].attributes:
        article.sku, article.stock = variants[0].sku, variants[0].stock
    else:
        article.variants = variants
    return article
