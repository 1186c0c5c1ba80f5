"""Outbound webhooks as Shopify sends them: REST-shaped JSON, signed with the app's client secret.

Headers: ``X-Shopify-Topic`` (``orders/create`` ...), ``X-Shopify-Hmac-Sha256`` = base64(HMAC-SHA256(client
secret, raw body)), ``X-Shopify-Shop-Domain``, ``X-Shopify-API-Version`` (the version the subscription was
created with, fallen forward once it is retired), ``X-Shopify-Webhook-Id`` (one per delivery, the same on
every retry of it), ``X-Shopify-Event-Id`` and ``X-Shopify-Triggered-At``. Every change of an order also
sends ``orders/updated``, as Shopify does.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from ...sdk.sandbox import OutboundWebhook
from ...sdk.signatures import hmac_sha256_base64


def rest_order(order: dict[str, Any]) -> dict[str, Any]:
    """The few REST fields a receiver needs to know which order changed and when."""
    return {"id": int(order["legacyResourceId"]), "admin_graphql_api_id": order["id"], "name": order["name"],
            "created_at": order["createdAt"], "updated_at": order["updatedAt"], "cancelled_at": order["cancelledAt"],
            "closed_at": order["closedAt"], "financial_status": (order["displayFinancialStatus"] or "").lower(),
            "fulfillment_status": "fulfilled" if order["displayFulfillmentStatus"] == "FULFILLED" else None,
            "currency": order["currencyCode"], "total_price": order["totalPriceSet"]["shopMoney"]["amount"],
            "email": order["email"]}


class WebhookSender:
    def __init__(self, sandbox: Any) -> None:
        self.sandbox = sandbox
        self._serial = 0

    def _id(self, kind: str) -> str:
        self._serial += 1
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.sandbox.domain}/{kind}/{self._serial}"))

    def emit(self, topic: str, order: dict[str, Any]) -> None:
        topics = [topic] if topic == "ORDERS_UPDATED" else [topic, "ORDERS_UPDATED"]
        body = json.dumps(rest_order(order), separators=(",", ":")).encode()
        for name in topics:
            for hook in list(self.sandbox.store.webhooks.values()):
                if hook["topic"] != name:
                    continue
                headers = {
                    "content-type": "application/json",
                    "x-shopify-topic": name.lower().replace("_", "/", 1),
                    "x-shopify-hmac-sha256": hmac_sha256_base64(self.sandbox.api_secret, body),
                    "x-shopify-shop-domain": self.sandbox.domain,
                    "x-shopify-api-version": self.sandbox.served_version(hook["_version"]) or hook["_version"],
                    "x-shopify-webhook-id": self._id("webhook"),
                    "x-shopify-event-id": self._id("event"),
                    "x-shopify-triggered-at": datetime.now(UTC).isoformat(),
                }
                self.sandbox.webhooks.submit(OutboundWebhook(hook["endpoint"]["callbackUrl"], body, headers,
                                                             meta={"topic": name, "order": order["id"]}))
