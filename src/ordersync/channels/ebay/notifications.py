"""eBay Notification API: the subscriptions ordersync keeps, and what a verified delivery says.

Deliveries are POSTs with ``X-EBAY-SIGNATURE`` = base64 JSON ``{alg, kid, signature, digest}``; the ECDSA
public key for ``kid`` comes from ``GET /commerce/notification/v1/public_key/{kid}`` (``{algorithm, digest,
key}``) with an application token, and is cached (eBay recommends about an hour) [spec + docs]. The body is
``{metadata{topic, schemaVersion, deprecated}, notification{notificationId, eventDate, publishDate,
publishAttemptCount, data}}`` [docs: eBay's AsyncAPI contracts]. ``ORDER_CONFIRMATION`` is sent per line item
when a buyer completes checkout; its ``data.orderId`` is looked up with getOrders, as eBay advises.
``MARKETPLACE_ACCOUNT_DELETION`` names a user (``data.username``, ``userId``, ``eiasToken``) whose personal
data must be deleted. Destinations are created with the endpoint and a verification token; eBay checks the
endpoint with ``GET ?challenge_code=`` (answered by the hub through ``Connector.webhook_challenge``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from ordersync.channels.sdk.errors import RecordError, WebhookRejected
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.records import WebhookMeta
from ordersync.channels.sdk.webhook_reconcile import RemoteHook, WebhookHealth, reconcile

from .client import NOTIFICATION

ORDER_TOPIC = "ORDER_CONFIRMATION"
DELETION_TOPIC = "MARKETPLACE_ACCOUNT_DELETION"
PAYLOAD = {"format": "JSON", "schemaVersion": "1.0", "deliveryProtocol": "HTTPS"}


def derived_token(secret: str, endpoint: str) -> str:
    """A verification token of 64 hex digits (eBay wants 32 to 80 letters, digits, ``_`` or ``-`` [docs]),
    stable for one client secret and endpoint and not guessable without the secret."""
    return hmac.new(secret.encode(), f"ebay-verification:{endpoint}".encode(), hashlib.sha256).hexdigest()


def meta_of(body: bytes) -> WebhookMeta:
    try:
        data = json.loads(body)
    except ValueError:
        raise WebhookRejected("the notification is not JSON", 400) from None
    notification = data.get("notification") if isinstance(data, dict) else None
    topic = str(((data or {}).get("metadata") or {}).get("topic") or "")
    if not isinstance(notification, dict) or not notification.get("notificationId") or not topic:
        raise WebhookRejected("the notification lacks metadata.topic or notification.notificationId", 400)
    payload: dict[str, Any] = notification["data"] if isinstance(notification.get("data"), dict) else {}
    resource = payload.get("orderId") or payload.get("username") or ""
    return WebhookMeta(delivery_id=str(notification["notificationId"]), topic=topic, resource_id=str(resource))


def data_of(body: bytes) -> dict[str, Any]:
    data = json.loads(body)
    return data.get("notification", {}).get("data") or {}


def deleted_user(body: bytes) -> str:
    """The eBay username a MARKETPLACE_ACCOUNT_DELETION notice names (``data.username``; ``userId`` and
    ``eiasToken`` are ids the hub never stores)."""
    username = str(data_of(body).get("username") or "").strip()
    if not username:
        raise RecordError(
            "the account deletion notice names no data.username",
            hint="eBay's notice is incomplete; nothing can be erased from it.",
        )
    return username


def _created_id(response: Any) -> str:
    return response.headers.get("Location", "").rstrip("/").rpartition("/")[2]


def _listed(http: ChannelHTTP, path: str, key: str) -> list[dict[str, Any]]:
    data = http.request("GET", f"{NOTIFICATION}/{path}", params={"limit": 100}, expect_json=True).json()
    return [d for d in (data.get(key) or []) if isinstance(d, dict)] if isinstance(data, dict) else []


def register(app: ChannelHTTP, user: ChannelHTTP, state: dict[str, Any], endpoint: str, token: str) -> None:
    """A destination for ``endpoint`` and an ORDER_CONFIRMATION subscription to it; existing ones are reused,
    so registering twice creates nothing new."""
    destination = next(
        (
            d["destinationId"]
            for d in _listed(app, "destination", "destinations")
            if (d.get("deliveryConfig") or {}).get("endpoint") == endpoint
        ),
        "",
    )
    if not destination:
        destination = _created_id(
            app.request(
                "POST",
                f"{NOTIFICATION}/destination",
                json={
                    "name": "ordersync",
                    "status": "ENABLED",
                    "deliveryConfig": {"endpoint": endpoint, "verificationToken": token},
                },
            )
        )
    subscription = next(
        (
            s["subscriptionId"]
            for s in _listed(user, "subscription", "subscriptions")
            if s.get("topicId") == ORDER_TOPIC and s.get("destinationId") == destination
        ),
        "",
    )
    if not subscription:
        subscription = _created_id(
            user.request(
                "POST",
                f"{NOTIFICATION}/subscription",
                json={"topicId": ORDER_TOPIC, "status": "ENABLED", "destinationId": destination, "payload": PAYLOAD},
            )
        )
    state.update({"destination_id": destination, "subscription_id": subscription})


def check(
    app: ChannelHTTP, user: ChannelHTTP, state: dict[str, Any], endpoint: str, token: str, repair: bool
) -> WebhookHealth:
    """Our subscription as eBay lists it: active when it is ENABLED and its destination too (eBay marks a
    destination MARKED_DOWN when it keeps failing, and the status is ours to set back [spec: updateDestination,
    enableSubscription]). A disabled one is enabled again; a deleted one is registered anew."""
    destinations = {d.get("destinationId"): d for d in _listed(app, "destination", "destinations")}
    listed = []
    for sub in _listed(user, "subscription", "subscriptions"):
        destination = destinations.get(sub.get("destinationId")) or {}
        statuses = f"subscription {sub.get('status')}, destination {destination.get('status') or 'missing'}"
        listed.append(
            RemoteHook(
                str(sub.get("subscriptionId")),
                str(sub.get("topicId")),
                str((destination.get("deliveryConfig") or {}).get("endpoint") or ""),
                sub.get("status") == "ENABLED" and destination.get("status") == "ENABLED",
                statuses,
            )
        )
    ours = {ORDER_TOPIC: str(state["subscription_id"])} if state.get("subscription_id") else {}

    def reactivate(hook: RemoteHook) -> None:
        destination = destinations.get(state.get("destination_id")) or {}
        if destination and destination.get("status") != "ENABLED":
            app.request(
                "PUT",
                f"{NOTIFICATION}/destination/{state['destination_id']}",
                json={
                    "name": destination.get("name") or "ordersync",
                    "status": "ENABLED",
                    "deliveryConfig": {"endpoint": endpoint, "verificationToken": token},
                },
            )
        user.request("POST", f"{NOTIFICATION}/subscription/{hook.id}/enable")

    def create(topic: str, url: str) -> str:
        state.pop("subscription_id", None)
        register(app, user, state, url, token)
        return str(state["subscription_id"])

    health = reconcile(
        listed, ours, endpoint, reactivate=reactivate if repair else None, create=create if repair else None
    )
    if health.ids.get(ORDER_TOPIC):
        state["subscription_id"] = health.ids[ORDER_TOPIC]
    return health


def unregister(app: ChannelHTTP, user: ChannelHTTP, state: dict[str, Any]) -> None:
    from ordersync.channels.sdk.errors import NotFoundError

    for http, path, key in ((user, "subscription", "subscription_id"), (app, "destination", "destination_id")):
        if state.get(key):
            try:
                http.request("DELETE", f"{NOTIFICATION}/{path}/{state[key]}")
            except NotFoundError:
                pass
            state.pop(key, None)
