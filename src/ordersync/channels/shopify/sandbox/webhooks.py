"""Outbound webhooks as Shopify sends them: REST-shaped JSON, signed with the app's client secret.

Headers: ``X-Shopify-Topic`` (``orders/create`` ...), ``X-Shopify-Hmac-Sha256`` = base64(HMAC-SHA256(client
secret, raw body)), ``X-Shopify-Shop-Domain``, ``X-Shopify-API-Version`` (the version the subscription was
created with, fallen forward once it is retired), ``X-Shopify-Webhook-Id`` (one per delivery, the same on
every retry of it), ``X-Shopify-Event-Id`` and ``X-Shopify-Triggered-At``. Every change of an order also
sends ``orders/updated``, as Shopify does.

Failed deliveries: Shopify retries a delivery 8 times over 4 hours (since September 2024; 19 times over 48
hours before) and, after 8 consecutive failures, deletes a subscription that was created through the Admin
API. The sandbox does not retry (a test cannot wait hours); it counts each failed delivery of a subscription
(no answer, or a status outside 2xx), resets the count on a success, and deletes the subscription at the
8th failure in a row - the state a receiver finds after the retries ran out.
"""

from __future__ import annotations

import functools
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from ...sdk.sandbox import OutboundWebhook
from ...sdk.signatures import hmac_sha256_base64

MAX_FAILURES = 8


def rest_order(order: dict[str, Any]) -> dict[str, Any]:
    """The few REST fields a receiver needs to know which order changed and when."""
    return {
        "id": int(order["legacyResourceId"]),
        "admin_graphql_api_id": order["id"],
        "name": order["name"],
        "created_at": order["createdAt"],
        "updated_at": order["updatedAt"],
        "cancelled_at": order["cancelledAt"],
        "closed_at": order["closedAt"],
        "financial_status": (order["displayFinancialStatus"] or "").lower(),
        "fulfillment_status": "fulfilled" if order["displayFulfillmentStatus"] == "FULFILLED" else None,
        "currency": order["currencyCode"],
        "total_price": order["totalPriceSet"]["shopMoney"]["amount"],
        "email": order["email"],
    }


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
                self.sandbox.webhooks.submit(
                    OutboundWebhook(
                        hook["endpoint"]["callbackUrl"],
                        body,
                        headers,
                        meta={"topic": name, "order": order["id"]},
                        on_result=functools.partial(self._track, hook["id"]),
                    )
                )

    def _track(self, hook_id: str, status: int | None) -> None:
        store = self.sandbox.store
        with store.lock:
            hook = store.webhooks.get(hook_id)
            if hook is None:
                return
            if status is not None and 200 <= status < 300:
                hook["_failures"] = 0
                return
            hook["_failures"] = hook.get("_failures", 0) + 1
            if hook["_failures"] >= MAX_FAILURES:
                del store.webhooks[hook_id]
                self.sandbox.ledger.record(
                    "webhook.removed",
                    method="",
                    path="",
                    resource_id=hook_id,
                    changes={"reason": f"{MAX_FAILURES} failed deliveries in a row"},
                )
