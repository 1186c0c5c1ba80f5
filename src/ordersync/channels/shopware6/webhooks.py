"""App-system webhooks of Shopware 6: verified, deduplicated, turned into order ids to read.

Shopware sends a webhook of an app as a POST whose JSON body is ``{"data": {"payload": [{"entity",
"operation", "primaryKey", "updatedFields"}], "event"}, "source": {"url", "appVersion", "shopId",
"eventId"}, "timestamp"}`` (developer docs, "Webhook"); it signs only webhooks of apps, with the header
``shopware-shop-signature`` = hex HMAC-SHA256 of the raw body keyed with the shop secret the app received
at registration [3p docs, VENDOR-FACTS §2.6]. A failed delivery is retried with the same ``eventId``, which
is the delivery id the hub dedupes by; bodies without one (older Shopware) are deduplicated by a digest of
the body. Business events (``checkout.order.placed``) carry the order under ``data.payload.order``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from ..sdk.errors import WebhookRejected
from ..sdk.mapping import sub_object
from ..sdk.records import WebhookMeta
from ..sdk.webhook_verify import Delivery, HmacScheme

SCHEME = HmacScheme(signature_header="shopware-shop-signature", encoding="hex")
EVENTS = ("checkout.order.placed", "order.written")


def body_of(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        raise WebhookRejected("the body is not JSON", 400) from None
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise WebhookRejected("the body has no data object", 400)
    return data


def verify(secret: str, headers: Mapping[str, str], body: bytes) -> WebhookMeta:
    SCHEME.verify(Delivery.of(headers, body), secret)
    data = body_of(body)
    source = sub_object(data, "source")
    event_id = str(source.get("eventId") or "") or "sha256:" + hashlib.sha256(body).hexdigest()
    ids = order_ids(data)
    return WebhookMeta(
        delivery_id=event_id, topic=str(data["data"].get("event") or ""), resource_id=ids[0] if ids else ""
    )


def order_ids(data: dict[str, Any]) -> list[str]:
    payload = data["data"].get("payload")
    if isinstance(payload, dict):  # business event: the order itself
        order = payload.get("order")
        return [str(order["id"])] if isinstance(order, dict) and order.get("id") else []
    ids = []
    for entry in payload if isinstance(payload, list) else []:
        if (
            isinstance(entry, dict)
            and entry.get("entity") == "order"
            and entry.get("operation") != "delete"
            and entry.get("primaryKey")
        ):
            key = entry["primaryKey"]
            ids.append(str(key.get("id") if isinstance(key, dict) else key))
    return ids
