"""Shopify webhooks: subscribe, verify, identify.

Subscriptions are made with ``webhookSubscriptionCreate`` for the order topics below, pointing at the hub's
URL; the ids go into the connection state. Registering again adopts what already points at our URL
(Shopify refuses a second subscription of a topic to one address anyway) and removes ours that point
elsewhere, so each change is delivered once.

Verification: ``X-Shopify-Hmac-Sha256`` is base64(HMAC-SHA256(app client secret, raw body)), compared in
constant time (``sdk.webhook_verify``). Shopify retries a failed delivery with the same ``X-Shopify-Webhook-Id``,
which is therefore the dedupe key.

Payloads are REST-shaped, unlike everything else this connector reads. Rather than keep a second mapper,
``parse`` takes only the order's ``admin_graphql_api_id`` from the body and the connector reads the order
through GraphQL: one mapping, and the current state rather than a snapshot that may already be stale.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..sdk.connector import ConnectorContext
from ..sdk.errors import PermanentError, RecordError, WebhookRejected
from ..sdk.paging import graphql_connections
from ..sdk.records import WebhookMeta
from ..sdk.webhook_reconcile import RemoteHook, WebhookHealth, reconcile
from ..sdk.webhook_verify import Delivery, HmacScheme
from . import queries
from .client import ShopifyClient, user_errors

#: base64 HMAC-SHA256 of the raw body with the app's API secret key
SIGNATURE = HmacScheme("X-Shopify-Hmac-Sha256", encoding="base64")
TOPICS = ("ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_PAID", "ORDERS_FULFILLED", "ORDERS_CANCELLED")


def _subscriptions(client: ShopifyClient, url: str | None = None) -> list[dict[str, Any]]:
    variables: dict[str, Any] = {"first": 100, **({"callbackUrl": url} if url else {})}
    pages = graphql_connections(
        lambda after: client.call(queries.WEBHOOKS, {**variables, "after": after})["webhookSubscriptions"]
    )
    return [e["node"] for conn in pages for e in conn["edges"]]


def register(client: ShopifyClient, context: ConnectorContext) -> None:
    url = context.webhook_url
    if not url:
        raise PermanentError("the hub has no public URL, so Shopify cannot deliver webhooks; orders are still polled")
    state = context.state
    previous: dict[str, str] = dict(state.get("webhooks") or {})
    existing = {h["topic"]: h["id"] for h in _subscriptions(client, url)}
    ids: dict[str, str] = {}
    for topic in TOPICS:
        if topic in existing:
            ids[topic] = existing[topic]
            continue
        ids[topic] = _create(client, topic, url)
    for stale in set(previous.values()) - set(ids.values()):
        _delete(client, stale)
    state["webhooks"] = ids
    state["webhook_url"] = url


def check(client: ShopifyClient, context: ConnectorContext, repair: bool) -> WebhookHealth:
    """Our subscriptions in the shop. Shopify has no inactive state: after eight failed deliveries in a row
    it deletes a subscription made through the API, so a missing one is created anew at the registered
    address (``sdk.webhook_reconcile``)."""
    state = context.state
    listed = [
        RemoteHook(h["id"], h["topic"], (h.get("endpoint") or {}).get("callbackUrl", ""), True)
        for h in _subscriptions(client)
    ]

    def create(topic: str, url: str) -> str:
        return _create(client, topic, url)

    health = reconcile(
        listed,
        dict(state.get("webhooks") or {}),
        state.get("webhook_url") or context.webhook_url,
        reactivate=None,
        create=create if repair else None,
    )
    state["webhooks"] = dict(health.ids)
    if health.registered_url:
        state["webhook_url"] = health.registered_url
    return health


def _create(client: ShopifyClient, topic: str, url: str) -> str:
    payload = client.call(
        queries.WEBHOOK_CREATE,
        {"topic": topic, "webhookSubscription": {"callbackUrl": url, "format": "JSON"}},
        mutation=True,
    )["webhookSubscriptionCreate"]
    if payload.get("userErrors") or not payload.get("webhookSubscription"):
        raise PermanentError(f"Shopify refused the {topic} webhook: {'; '.join(user_errors(payload))}")
    return payload["webhookSubscription"]["id"]


def unregister(client: ShopifyClient, context: ConnectorContext) -> None:
    for hook_id in (context.state.get("webhooks") or {}).values():
        _delete(client, hook_id)
    context.state.pop("webhooks", None)
    context.state.pop("webhook_url", None)


def _delete(client: ShopifyClient, hook_id: str) -> None:
    """Delete a subscription; one that is already gone is fine."""
    client.call(queries.WEBHOOK_DELETE, {"id": hook_id}, mutation=True)


def verify(secret: str, headers: Mapping[str, str], body: bytes) -> WebhookMeta:
    h = {k.lower(): v for k, v in headers.items()}
    if h.get("x-shopify-hmac-sha256") and not secret:
        raise WebhookRejected("this connection has no API secret key, so webhooks cannot be verified")
    SIGNATURE.verify(Delivery.of(h, body), secret)
    delivery = h.get("x-shopify-webhook-id", "")
    if not delivery:
        raise WebhookRejected("missing X-Shopify-Webhook-Id header", status=400)
    return WebhookMeta(delivery_id=delivery, topic=h.get("x-shopify-topic", ""), resource_id=order_gid(body))


def order_gid(body: bytes) -> str:
    """The order's GraphQL id from a REST-shaped payload (``admin_graphql_api_id``, else built from ``id``)."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    if data.get("admin_graphql_api_id"):
        return str(data["admin_graphql_api_id"])
    return f"gid://shopify/Order/{data['id']}" if str(data.get("id", "")).isdigit() else ""


def require_order_id(meta: WebhookMeta) -> str:
    if not meta.resource_id:
        raise RecordError(
            "the webhook names no order",
            hint="Shopify sent a body without an order id; the next poll fetches the order anyway.",
        )
    return meta.resource_id
