"""WooCommerce webhooks: subscriptions as ``/webhooks`` manages them, and deliveries as ``WC_Webhook`` sends them.

What a delivery looks like, from ``WC_Webhook::deliver``: a POST of the resource's REST JSON (for ``deleted``
events just ``{"id": N}``) with ``Content-Type: application/json``, the Hookshot user agent and
``X-WC-Webhook-Source`` (home URL with a slash), ``-Topic``, ``-Resource``, ``-Event``, ``-Signature`` (base64
HMAC-SHA256 of the raw body with the webhook secret), ``-ID`` and ``-Delivery-ID``. The delivery id is
``wp_hash(webhook_id . time())``: derived from the webhook and the current second, so it is NOT unique per
event - two deliveries of one webhook in the same second carry the same id. The sandbox reproduces that
(HMAC-MD5 with a per-sandbox salt), and a duplicated delivery under the fault plan repeats the request byte for
byte, id included. Receivers must therefore dedupe on the content (resource id + date_modified), not the id.
WooCommerce never retries a failed delivery; after more than five consecutive failures (a status outside
200..302) it sets the webhook to ``disabled``. Creating a webhook sends an unsigned ping, form body
``webhook_id=N``, whose outcome the REST API ignores. Deliveries run in the background (Action Scheduler in
WooCommerce, a thread here); the payload is taken when the event happens, so reordered deliveries really
carry older states.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import threading
import time
from datetime import datetime
from typing import Any

from ...sdk.sandbox import OutboundWebhook, WebhookDispatcher
from .data import SITE_TZ, dates

USER_AGENT = "WooCommerce/8.9.3 Hookshot (WordPress/6.5.3)"
RESOURCES = ("coupon", "customer", "order", "product")
EVENTS = ("created", "updated", "deleted", "restored")
_HOOKS = {
    "order.created": ["woocommerce_new_order"],
    "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded"],
    "product.created": [
        "woocommerce_process_product_meta",
        "woocommerce_new_product",
        "woocommerce_new_product_variation",
    ],
    "product.updated": [
        "woocommerce_process_product_meta",
        "woocommerce_update_product",
        "woocommerce_update_product_variation",
    ],
    "customer.created": ["user_register", "woocommerce_created_customer", "woocommerce_new_customer"],
    "customer.updated": ["profile_update", "woocommerce_update_customer"],
    "coupon.created": ["woocommerce_process_shop_coupon_meta", "woocommerce_new_coupon"],
    "coupon.updated": ["woocommerce_process_shop_coupon_meta", "woocommerce_update_coupon"],
}


def valid_topic(topic: str) -> bool:
    """wc_is_webhook_valid_topic: ``action.<hook>`` or a known resource with a known event."""
    resource, _, event = topic.partition(".")
    return (resource == "action" and bool(event)) or (resource in RESOURCES and event in EVENTS)


def hooks_for(topic: str) -> list[str]:
    if topic.startswith("action."):
        return [topic[7:]]
    return _HOOKS.get(
        topic,
        ["wp_trash_post"]
        if topic.endswith(".deleted")
        else ["untrashed_post"]
        if topic.endswith(".restored")
        else ["delete_user"],
    )


def signature(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


class WebhookRegistry:
    def __init__(self, dispatcher: WebhookDispatcher, salt: str, user: tuple[int, str] = (1, "shopadmin")) -> None:
        self.dispatcher, self.salt, self.user = dispatcher, salt, user
        self.lock = threading.RLock()
        self.items: dict[int, dict[str, Any]] = {}
        self._next = 1

    def reset(self) -> None:
        with self.lock:
            self.items.clear()
            self._next = 1

    def view(self, hook: dict[str, Any]) -> dict[str, Any]:
        """The REST representation (secret, failure count and ping flag are not shown)."""
        return {k: v for k, v in hook.items() if k not in ("secret", "failure_count", "pending_delivery")}

    def create(self, args: dict[str, Any]) -> dict[str, Any]:
        now = int(time.time())
        with self.lock:
            wid, self._next = self._next, self._next + 1
            topic = args["topic"].lower()
            resource, _, event = topic.partition(".")
            stamp = datetime.fromtimestamp(now, SITE_TZ).strftime("%b %d, %Y @ %I:%M %p")
            secret = args.get("secret") or hashlib.md5(f"{self.user[0]}|{self.user[1]}".encode()).hexdigest()
            hook = {
                "id": wid,
                "name": args.get("name") or f"Webhook created on {stamp}",
                "status": args.get("status", "active"),
                "topic": topic,
                "resource": resource,
                "event": event,
                "hooks": hooks_for(topic),
                "delivery_url": args["delivery_url"],
                **dates("date_created", now),
                **dates("date_modified", now),
                "secret": secret,
                "failure_count": 0,
                "pending_delivery": True,
            }
            self.items[wid] = hook
            return hook

    def update(self, wid: int, args: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            hook = self.items[wid]
            changes: dict[str, Any] = {
                k: args[k] for k in ("name", "status", "secret") if k in args and hook[k] != args[k]
            }
            if "topic" in args and args["topic"].lower() != hook["topic"]:
                topic = args["topic"].lower()
                resource, _, event = topic.partition(".")
                changes.update(topic=topic, resource=resource, event=event, hooks=hooks_for(topic))
            if changes.get("status") == "active":
                changes["failure_count"] = 0
            hook.update(changes)
            if changes:
                hook.update(dates("date_modified", int(time.time())))
            return {k: ("***" if k == "secret" else v) for k, v in changes.items()}

    def ping(self, hook: dict[str, Any]) -> int | None:
        body = f"webhook_id={hook['id']}".encode()
        status = self.dispatcher.send_now(
            OutboundWebhook(
                hook["delivery_url"],
                body,
                {"User-Agent": USER_AGENT, "Content-Type": "application/x-www-form-urlencoded"},
                meta={"webhook_id": hook["id"], "topic": "ping", "resource_id": ""},
            )
        )
        if status == 200:
            hook["pending_delivery"] = False
        return status

    def emit(self, resource: str, event: str, resource_id: int, payload: bytes, site_url: str) -> int:
        """Queue a delivery to every active subscription of ``resource.event``; returns how many."""
        with self.lock:
            targets = [
                h
                for h in self.items.values()
                if h["status"] == "active" and h["resource"] == resource and h["event"] == event
            ]
        for hook in targets:
            headers = {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-WC-Webhook-Source": f"{site_url}/",
                "X-WC-Webhook-Topic": hook["topic"],
                "X-WC-Webhook-Resource": resource,
                "X-WC-Webhook-Event": event,
                "X-WC-Webhook-Signature": signature(payload, hook["secret"]),
                "X-WC-Webhook-ID": str(hook["id"]),
            }
            self.dispatcher.submit(
                OutboundWebhook(
                    hook["delivery_url"],
                    payload,
                    headers,
                    meta={"webhook_id": hook["id"], "topic": hook["topic"], "resource_id": str(resource_id)},
                    prepare=functools.partial(self._delivery_headers, hook["id"]),
                    on_result=functools.partial(self._track, hook),
                )
            )
        return len(targets)

    def _delivery_headers(self, wid: int) -> dict[str, str]:
        return {"X-WC-Webhook-Delivery-ID": self.delivery_id(wid)}

    def delivery_id(self, wid: int) -> str:
        """wp_hash(id . time()): an HMAC-MD5 of the webhook id and the current unix second."""
        return hmac.new(self.salt.encode(), f"{wid}{int(time.time())}".encode(), hashlib.md5).hexdigest()

    def _track(self, hook: dict[str, Any], status: int | None) -> None:
        with self.lock:
            if status is not None and 200 <= status < 303:
                hook["failure_count"] = 0
            elif hook["failure_count"] > 5:
                hook["status"] = "disabled"
            else:
                hook["failure_count"] += 1
