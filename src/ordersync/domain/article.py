"""Articles as channels describe them: a product with optional variants, each with SKU and EAN."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(slots=True)
class ArticleVariant:
    external_id: str
    sku: str = ""
    ean: str = ""
    title: str = ""
    price: Decimal | None = None
    stock: Decimal | None = None
    manages_stock: bool = False
    attributes: dict[str, str] = field(default_factory=dict)
    # the variant has no stock of its own: it sells from its product's (WooCommerce ``manage_stock: "parent"``),
    # so its ``stock`` is the product's and a stock change goes to the product, never to the variant
    stock_from_product: bool = False


@dataclass(slots=True)
class Article:
    """A channel's product. ``external_id`` is the channel's product id."""

    external_id: str
    title: str
    sku: str = ""
    ean: str = ""
    price: Decimal | None = None
    currency: str = ""
    stock: Decimal | None = None
    manages_stock: bool = False
    weight_kg: Decimal | None = None
    updated_at: datetime | None = None
    variants: list[ArticleVariant] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StockUpdate:
    """A quantity to show on one channel listing (product, or product+variant)."""

    product_external_id: str
    quantity: int
    variant_external_id: str = ""
    sku: str = ""
