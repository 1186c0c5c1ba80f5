"""Etsy's webhook portal and its deliveries, for the sandbox.

The portal (Etsy's web page for a commercial app, not an API) is the control call ``POST /_sandbox/orders``
with ``{"portal": {"add": url}}`` or ``{"portal": {"remove": url}}``; it answers the endpoints and the signing
secret (one per sandbox, ``whsec_`` + base64, as the portal shows it). A receipt that becomes paid (created
by the control API with ``"webhook": true``, the default, or updated from unpaid to paid) is announced to
every endpoint as Etsy's maintainers describe the body (etsy/open-api discussion #1564):
``{"event_type": "order.paid", "resource_url": ".../shops/{shop_id}/receipts/{receipt_id}", "shop_id": N}``,
with ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature: v1,<base64 HMAC-SHA256 of
"id.timestamp.body" keyed with the secret's decoded base64>`` (the Standard Webhooks scheme, which the
descriptions of Etsy's page give). The sandbox does not retry a failed delivery.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from ordersync.channels.sdk.sandbox import OutboundWebhook

from . import data

PUBLIC_API = "https://openapi.etsy.com/v3/application"


def portal_secret(seed: int) -> str:
    return "whsec_" + base64.b64encode(hashlib.sha256(f"etsy-sandbox-portal-{seed}".encode()).digest()[:24]).decode()


def sign(secret: str, webhook_id: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def order_paid(url: str, secret: str, receipt_id: int) -> OutboundWebhook:
    body = json.dumps(
        {
            "event_type": "order.paid",
            "resource_url": f"{PUBLIC_API}/shops/{data.SHOP_ID}/receipts/{receipt_id}",
            "shop_id": data.SHOP_ID,
        },
        separators=(",", ":"),
    ).encode()
    webhook_id = "msg_" + secrets.token_urlsafe(18)

    def prepare() -> dict[str, str]:  # signed when sent, as Etsy signs each attempt
        stamp = str(int(time.time()))
        return {"webhook-timestamp": stamp, "webhook-signature": sign(secret, webhook_id, stamp, body)}

    return OutboundWebhook(
        url,
        body,
        {"content-type": "application/json", "webhook-id": webhook_id},
        meta={"topic": "order.paid", "order": str(receipt_id)},
        prepare=prepare,
    )


class Portal:
    """The endpoints the app's owner added in the portal."""

    def __init__(self, seed: int) -> None:
        self.secret = portal_secret(seed)
        self.endpoints: list[str] = []

    def control(self, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("add") and body["add"] not in self.endpoints:
            self.endpoints.append(str(body["add"]))
        if body.get("remove") in self.endpoints:
            self.endpoints.remove(body["remove"])
        return {"endpoints": list(self.endpoints), "secret": self.secret}

    def announce(self, sandbox: Any, receipt_ids: list[int]) -> None:
        for url in list(self.endpoints):
            for rid in receipt_ids:
                sandbox.webhooks.submit(order_paid(url, self.secret, rid))
