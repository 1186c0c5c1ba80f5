"""Listings (searchListingsItems ``Item``: ``sku``, ``summaries[{marketplaceId, asin, itemName,
lastUpdatedDate}]``, ``fulfillmentAvailability[{fulfillmentChannelCode, quantity}]``) → ``domain.Article``,
keyed by SKU (the seller's own key, which the hub links articles by)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ordersync.channels.sdk.errors import RecordError
from ordersync.channels.sdk.mapping import map_records, plain_text, quarantine_record
from ordersync.domain import Article
from ordersync.domain.timeutil import parse_utc

from .stock import shown_quantity


def article_from_amazon(raw: Any) -> Article:
    if not isinstance(raw, dict) or not raw.get("sku"):
        raise RecordError("the listing has no sku")
    summaries = [s for s in raw.get("summaries") or [] if isinstance(s, dict)]
    first = summaries[0] if summaries else {}
    updated = first.get("lastUpdatedDate")
    quantity = shown_quantity(raw)
    return Article(
        external_id=str(raw["sku"]),
        title=plain_text(first.get("itemName")) or str(raw["sku"]),
        sku=str(raw["sku"]),
        stock=None if quantity is None else Decimal(quantity),
        manages_stock=quantity is not None,
        updated_at=parse_utc(updated) if updated else None,
    )


def articles_from_amazon(records: list[Any]):
    return map_records(
        records,
        article_from_amazon,
        lambda raw, exc: quarantine_record(
            {"id": raw.get("sku") if isinstance(raw, dict) else None, **(raw if isinstance(raw, dict) else {})},
            exc,
            label="Amazon listing",
        ),
    )
