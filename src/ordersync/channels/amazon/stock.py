"""Stock of MFN listings: one change by ``patchListingsItem``, a burst by one ``JSON_LISTINGS_FEED``.

Single change: ``PATCH /listings/2021-08-01/items/{sellerId}/{sku}`` replacing
``/attributes/fulfillment_availability`` with ``[{fulfillment_channel_code: "DEFAULT", quantity}]``
(listingsItems_2021-08-01.json; the listings feed example shows the same patch). It sets an absolute value:
the listing is read first and a quantity Amazon already shows is ``already_done``.

Burst: a JSON_LISTINGS_FEED document (listings-feed-schema-v2: ``header{sellerId, version "2.0"}``,
``messages[{messageId, sku, operationType "PATCH", productType, patches}]``) is created
(``createFeedDocument``), uploaded to the pre-signed URL, submitted (``createFeed``) and settled later
(``sdk.async_push``): ``getFeed`` until ``DONE``, then the processing report (listings-feed-processing-
report-schema-v2: ``issues[{messageId, sku, code, severity, message}]``). ``messageId`` is the update's
position + 1, so the report's ERROR issues map back to the batch's positions; every other message
succeeded. Amazon's feeds carry no reference of ours, so a lost ``createFeed`` answer cannot be found
again: it is a visible failure, never a second feed (``find_by_reference=False``).

A feed takes up to ``FEED_MAX_MESSAGES`` messages (listings-feed-schema-v2.json: ``messages`` ``maxItems``
25000); the connector declares that as its stock batch (``Connector.push_batches``), so the engine hands a
burst of 5,000 changes over in one call and it leaves as one feed.
"""

from __future__ import annotations

import json
from typing import Any

from ordersync.channels.sdk.async_push import JobOutcome
from ordersync.domain import StockUpdate

#: listings-feed-schema-v2.json, ``messages.maxItems``
FEED_MAX_MESSAGES = 25_000


def sku_of(update: StockUpdate) -> str:
    return update.sku or update.variant_external_id or update.product_external_id


def shown_quantity(item: dict[str, Any]) -> int | None:
    for entry in item.get("fulfillmentAvailability") or []:
        if isinstance(entry, dict) and entry.get("fulfillmentChannelCode") == "DEFAULT":
            quantity = entry.get("quantity")
            return quantity if isinstance(quantity, int) else None
    return None


def feed_document(seller_id: str, updates: list[StockUpdate]) -> dict[str, Any]:
    messages = [
        {
            "messageId": n + 1,
            "sku": sku_of(u),
            "operationType": "PATCH",
            "productType": "PRODUCT",
            "patches": [
                {
                    "op": "replace",
                    "path": "/attributes/fulfillment_availability",
                    "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": max(0, u.quantity)}],
                }
            ],
        }
        for n, u in enumerate(updates)
    ]
    return {"header": {"sellerId": seller_id, "version": "2.0", "issueLocale": "en_US"}, "messages": messages}


def report_errors(report: bytes) -> dict[int, str]:
    """Batch position -> the ERROR issues Amazon's processing report names for that message."""
    data = json.loads(report)
    errors: dict[int, list[str]] = {}
    for issue in data.get("issues") or []:
        if not isinstance(issue, dict) or issue.get("severity") != "ERROR":
            continue
        message_id = issue.get("messageId")
        if not isinstance(message_id, int) or message_id < 1:
            continue
        errors.setdefault(message_id - 1, []).append(f"{issue.get('code', '')}: {issue.get('message', '')}".strip(": "))
    return {pos: "; ".join(texts) for pos, texts in errors.items()}


def outcome(feed: dict[str, Any], report: bytes | None) -> JobOutcome:
    status = feed.get("processingStatus")
    if status in ("IN_QUEUE", "IN_PROGRESS"):
        return JobOutcome.running(check_after_s=30)
    if status in ("CANCELLED", "FATAL"):
        return JobOutcome.failed(f"Amazon ended feed {feed.get('feedId')} with {status}")
    if status == "DONE" and report is not None:
        return JobOutcome.done(report_errors(report))
    return JobOutcome.failed(f"feed {feed.get('feedId')}: unexpected processing status {status!r}")
