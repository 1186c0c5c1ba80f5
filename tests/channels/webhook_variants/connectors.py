"""Two small connectors that exercise the SDK's webhook variants through the real engine and web app:

* ``SignedMarket`` - eBay-style: ECDSA-signed deliveries checked with published keys (cached), a GET
  challenge handshake on its webhook address, and 204 as the reply to an accepted delivery.
* ``QueueMarket`` - no webhooks at all: its notifications wait in a queue the hub drains at each poll.

They talk to ``sandbox.NotifyMarket`` over HTTP only.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from ordersync.channels.sdk.capabilities import Capability, Mode, declare
from ordersync.channels.sdk.connector import Connector
from ordersync.channels.sdk.errors import RecordError
from ordersync.channels.sdk.guide import GuideStep
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.public_keys import notification_api_fetch, shared_cache
from ordersync.channels.sdk.pull_queue import PullQueue, QueuedNotification
from ordersync.channels.sdk.records import Page, WebhookMeta
from ordersync.channels.sdk.retry import NO_RETRY
from ordersync.channels.sdk.settings import SettingField, SettingsSchema
from ordersync.channels.sdk.webhook_reply import HashChallenge, WebhookReply
from ordersync.channels.sdk.webhook_verify import Delivery, EcdsaScheme
from ordersync.domain import Order, OrderItem, OrderState


def order_from(raw: dict) -> Order:
    try:
        total = Decimal(raw["total"])
        return Order(
            external_id=str(raw["orderId"]),
            number=str(raw["orderId"]),
            state=OrderState.PAID,
            currency=raw["currency"],
            created_at=datetime.fromisoformat(raw["created"]),
            updated_at=datetime.fromisoformat(raw["modified"]),
            total=total,
            items=[
                OrderItem(
                    external_id=f"{raw['orderId']}-1",
                    title=raw["title"],
                    quantity=Decimal(1),
                    unit_price=total,
                    total_price=total,
                    sku="B-1",
                )
            ],
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise RecordError(f"order not understood: {exc}") from None


class _Market(Connector):
    group = "marketplace"
    settings_schema = SettingsSchema(
        (
            SettingField("api_url", "API URL", "url"),
            SettingField("verification_token", "Verification token", secret=True),
        )
    )
    guide = (
        GuideStep(
            "Keys",
            "Enter the API URL and the verification token you gave the market.",
            settings=("api_url", "verification_token"),
        ),
    )

    def __init__(self, settings, context=None) -> None:
        super().__init__(settings, context)
        self.http = ChannelHTTP(self.settings["api_url"], timeout=10)

    def close(self) -> None:
        self.http.close()

    def fetch_orders(self, window):
        params = {"since": window.since.isoformat()} if window.since else None
        rows = self.http.request("GET", "/orders", params=params, expect_json=True).json()["orders"]
        yield Page([order_from(r) for r in rows if datetime.fromisoformat(r["modified"]) <= window.until])


class SignedMarket(_Market):
    system = "signedmarket"
    display_name = "Signed market (tests)"
    capabilities = (declare(Capability.IMPORT_ORDERS, Mode.POLL, Mode.WEBHOOK),)
    webhook_challenge = HashChallenge()
    webhook_reply = WebhookReply(204)
    signature = EcdsaScheme(signed_time="/notification/publishDate", tolerance=3600)

    def verify_webhook(self, headers, body):
        keys = shared_cache(self.settings["api_url"] + "/commerce/notification/v1/public_key")
        fetch = notification_api_fetch(self.http)
        self.signature.verify(Delivery.of(headers, body), lambda kid: keys.get(kid, fetch))
        note = json.loads(body)["notification"]
        return WebhookMeta(
            delivery_id=note["notificationId"], topic="order", resource_id=str(note["data"]["order"]["orderId"])
        )

    def parse_webhook(self, meta, body):
        return Page([order_from(json.loads(body)["notification"]["data"]["order"])])


class QueueMarket(_Market):
    system = "queuemarket"
    display_name = "Queue market (tests)"
    capabilities = (declare(Capability.IMPORT_ORDERS, Mode.POLL),)
    notification_queue = PullQueue(batch=2, max_batches=10)

    def receive_notifications(self, limit):
        messages = self.http.request("POST", "/queue/receive", json={"max": limit}, expect_json=True).json()
        return [
            QueuedNotification(
                WebhookMeta(m["messageId"], "order", str(m["order"]["orderId"])),
                json.dumps(m["order"]).encode(),
                m["receipt"],
            )
            for m in messages["messages"]
        ]

    def ack_notifications(self, receipts):
        """Tried once: an unacknowledged message comes back later and the hub's dedupe absorbs it."""
        self.http.request("POST", "/queue/ack", json={"receipts": receipts}, idempotent=True, retry=NO_RETRY)

    def parse_webhook(self, meta, body):
        return Page([order_from(json.loads(body))])
