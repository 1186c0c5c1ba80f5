"""WooCommerce webhooks: subscribe, verify, unwrap.

WooCommerce signs each delivery with ``X-WC-Webhook-Signature`` = base64(HMAC-SHA256(secret, raw body))
and names it with ``X-WC-Webhook-Topic``, ``-Resource``, ``-Event``, ``-ID`` and ``-Delivery-ID`` (the
docs say ``X-WC-Delivery-ID``; the code sends ``X-WC-Webhook-Delivery-ID``; both are read). The delivery id
is a hash of the webhook id and the current *second*, so two changes of one order within a second would
share it: our dedupe key adds a digest of the body, which keeps true duplicates together and distinct
changes apart.

The ping. When a webhook is saved as active, WooCommerce POSTs ``webhook_id=<id>`` (form-encoded) to the
delivery URL *without any signature header* and marks the webhook as failing unless it gets 200. It may
arrive before our create call has even returned, so neither its id nor the secret is known yet. A ping
is therefore accepted unsigned, but only in exactly that shape (no signature, body ``webhook_id=<digits>``)
and it carries no data and triggers nothing: forging one achieves a 200 and nothing else. Anything else
without a valid signature is rejected with 401.

Our secret is URL-safe random text, since WooCommerce stores it sanitised and signs with the stored form.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from typing import Any

from ..sdk.connector import ConnectorContext
from ..sdk.errors import PermanentError, RecordError, WebhookRejected
from ..sdk.records import WebhookMeta
from ..sdk.webhook_reconcile import RemoteHook, WebhookHealth, reconcile
from ..sdk.webhook_verify import Delivery, HmacScheme
from .client import WooClient

TOPICS = ("order.created", "order.updated")
_PING = re.compile(rb"^webhook_id=(\d+)$")
#: base64 HMAC-SHA256 of the raw body with the secret we set at registration
SIGNATURE = HmacScheme("X-WC-Webhook-Signature", encoding="base64")


def register(client: WooClient, context: ConnectorContext) -> None:
    """Create or adopt one active webhook per topic for ``context.webhook_url``; idempotent.

    Webhooks already pointing at our URL are reused (a crashed earlier run, a restored database); if we
    do not hold their secret any more they get a new one. Duplicates and webhooks of ours that point at
    an old URL are deleted, so every change is delivered once.
    """
    url = context.webhook_url
    if not url:
        raise PermanentError(
            "the hub has no public URL, so WooCommerce cannot deliver webhooks; orders are still polled"
        )
    state = context.state
    previous: dict[str, int] = dict(state.get("webhooks") or {})
    secret = state.get("webhook_secret") or ""
    fresh = not secret
    secret = secret or secrets.token_urlsafe(32)
    existing = [h for h in client.webhooks() if h.get("delivery_url") == url]
    ids: dict[str, int] = {}
    for topic in TOPICS:
        mine = [h for h in existing if h.get("topic") == topic]
        for extra in mine[1:]:
            client.delete_webhook(extra["id"])
        if not mine:
            created = client.send(
                "POST",
                "/webhooks",
                {
                    "name": f"ordersync {topic}",
                    "topic": topic,
                    "delivery_url": url,
                    "secret": secret,
                    "status": "active",
                },
            )
            ids[topic] = int(created["id"])
            continue
        hook = mine[0]
        if fresh or previous.get(topic) != hook["id"] or hook.get("status") != "active":
            client.send("PUT", f"/webhooks/{int(hook['id'])}", {"secret": secret, "status": "active"})
        ids[topic] = int(hook["id"])
    for stale in set(previous.values()) - set(ids.values()):
        client.delete_webhook(stale)
    state["webhook_secret"] = secret
    state["webhooks"] = ids
    state["webhook_url"] = url


def check(client: WooClient, context: ConnectorContext, repair: bool) -> WebhookHealth:
    """Our webhooks' status in the shop; a disabled or paused one is set active again, a deleted one is
    created anew with the same secret at the registered address (``sdk.webhook_reconcile``)."""
    state = context.state
    ours = {t: str(i) for t, i in (state.get("webhooks") or {}).items()}
    listed = [
        RemoteHook(
            str(h["id"]),
            str(h.get("topic", "")),
            str(h.get("delivery_url", "")),
            h.get("status") == "active",
            str(h.get("status", "")),
        )
        for h in client.webhooks()
    ]

    def reactivate(hook: RemoteHook) -> None:
        client.send("PUT", f"/webhooks/{int(hook.id)}", {"status": "active"})

    def create(topic: str, url: str) -> str:
        created = client.send(
            "POST",
            "/webhooks",
            {
                "name": f"ordersync {topic}",
                "topic": topic,
                "delivery_url": url,
                "secret": state["webhook_secret"],
                "status": "active",
            },
        )
        return str(created["id"])

    can_create = repair and bool(state.get("webhook_secret"))
    health = reconcile(
        listed,
        ours,
        state.get("webhook_url") or context.webhook_url,
        reactivate=reactivate if repair else None,
        create=create if can_create else None,
    )
    state["webhooks"] = {t: int(i) for t, i in health.ids.items()}
    if health.registered_url:
        state["webhook_url"] = health.registered_url
    return health


def unregister(client: WooClient, context: ConnectorContext) -> None:
    for hook_id in (context.state.get("webhooks") or {}).values():
        client.delete_webhook(hook_id)
    context.state.pop("webhooks", None)
    context.state.pop("webhook_secret", None)
    context.state.pop("webhook_url", None)


def verify(state: Mapping[str, Any], headers: Mapping[str, str], body: bytes) -> WebhookMeta:
    h = {k.lower(): v for k, v in headers.items()}
    signature = h.get("x-wc-webhook-signature")
    ping = _PING.match(body.strip())
    if not signature:
        if ping:
            return _ping_meta(ping)
        raise WebhookRejected("missing X-WC-Webhook-Signature header")
    secret = state.get("webhook_secret")
    if not secret:
        raise WebhookRejected("this connection holds no webhook secret; register its webhooks again")
    SIGNATURE.verify(Delivery.of(headers, body), secret)
    if ping:
        return _ping_meta(ping)
    digest = hashlib.sha256(body).hexdigest()[:16]
    delivery = h.get("x-wc-webhook-delivery-id") or h.get("x-wc-delivery-id") or ""
    return WebhookMeta(
        delivery_id=f"{delivery}:{digest}" if delivery else f"sha256:{digest}",
        topic=h.get("x-wc-webhook-topic", ""),
        resource_id=_resource_id(body),
    )


def _ping_meta(ping: re.Match[bytes]) -> WebhookMeta:
    webhook_id = ping.group(1).decode()
    return WebhookMeta(delivery_id=f"ping:{webhook_id}", topic="ping", resource_id=webhook_id, is_ping=True)


def _resource_id(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    return str(data.get("id", "")) if isinstance(data, dict) else ""


def payload(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError as exc:
        raise RecordError(
            f"webhook body is not JSON: {exc}",
            hint="WooCommerce sent a body that does not parse; the next poll fetches the order anyway.",
        ) from None
