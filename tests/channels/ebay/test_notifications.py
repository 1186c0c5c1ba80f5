"""Notification deliveries: X-EBAY-SIGNATURE checked with the key fetched by kid (and cached), a forged body
refused, an ORDER_CONFIRMATION pulling the order, and the account-deletion endpoint's GET challenge."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from datetime import UTC, datetime

import httpx
import pytest

from ordersync.channels.ebay.sandbox import notify
from ordersync.channels.sdk.errors import RecordError, TransientError, WebhookRejected
from ordersync.channels.sdk.public_keys import shared_cache
from ordersync.channels.sdk.records import Window
from ordersync.channels.sdk.webhook_reply import ChallengeRefused


def delivery(sandbox, topic: str, data: dict) -> tuple[dict, bytes]:
    body = notify.notification(topic, data)
    return {"Content-Type": "application/json", "X-EBAY-SIGNATURE": sandbox.signer.header(body)}, body


def test_a_signed_order_notification_is_verified_and_pulls_the_order(served):
    [order_id] = served.act("create", count=1)["ids"]
    connector = served.connector()
    shared_cache(f"ebay:{served.base_url}").clear()
    headers, body = delivery(served.sandbox, "ORDER_CONFIRMATION", {"orderId": order_id})
    meta = connector.verify_webhook(headers, body)
    assert (meta.topic, meta.resource_id) == ("ORDER_CONFIRMATION", order_id)
    assert [o.external_id for o in connector.parse_webhook(meta, body).records] == [order_id]
    headers2, body2 = delivery(served.sandbox, "ORDER_CONFIRMATION", {"orderId": order_id})
    connector.verify_webhook(headers2, body2)
    assert len(served.requests("/commerce/notification/v1/public_key/")) == 1  # cached by kid
    with pytest.raises(WebhookRejected):
        connector.verify_webhook(headers, body.replace(order_id.encode(), b"99-99999-99999"))
    envelope = json.loads(base64.b64decode(headers["X-EBAY-SIGNATURE"]))
    envelope["kid"] = "unknown-kid"
    forged = {**headers, "X-EBAY-SIGNATURE": base64.b64encode(json.dumps(envelope).encode()).decode()}
    with pytest.raises(WebhookRejected):
        connector.verify_webhook(forged, body)


def test_account_deletion_is_verified_and_its_challenge_answered(served):
    connector = served.connector(verification_token="a" * 40)
    connector.context.webhook_url = "https://hub.example.com/webhooks/ebay/7"
    reply = connector.answer_webhook_challenge({"challenge_code": "abc123"})
    expected = hashlib.sha256(("abc123" + "a" * 40 + "https://hub.example.com/webhooks/ebay/7").encode()).hexdigest()
    assert json.loads(reply.body) == {"challengeResponse": expected}
    with pytest.raises(ChallengeRefused):
        connector.answer_webhook_challenge({})
    headers, body = delivery(served.sandbox, "MARKETPLACE_ACCOUNT_DELETION", {"username": "anna_m001", "userId": "x"})
    meta = connector.verify_webhook(headers, body)
    assert meta.topic == "MARKETPLACE_ACCOUNT_DELETION"
    with pytest.raises(TransientError):  # a process that cannot erase leaves the delivery for one that can
        connector.parse_webhook(meta, body)
    asked: list[tuple[str, str]] = []
    connector.context.erase_buyer = lambda buyer, reason: asked.append((buyer, reason)) or 2
    assert connector.parse_webhook(meta, body).records == []
    assert asked == [("anna_m001", "eBay account deletion")]
    headers, body = delivery(served.sandbox, "MARKETPLACE_ACCOUNT_DELETION", {"userId": "x"})
    with pytest.raises(RecordError, match="data.username"):
        connector.parse_webhook(connector.verify_webhook(headers, body), body)


def test_a_generated_token_is_stable_for_the_endpoint(served):
    connector = served.connector()
    connector.context.webhook_url = "https://hub.example.com/webhooks/ebay/7"
    first = connector.answer_webhook_challenge({"challenge_code": "x"}).body
    assert connector.answer_webhook_challenge({"challenge_code": "x"}).body == first
    connector.context.webhook_url = "https://hub.example.com/webhooks/ebay/8"
    assert connector.answer_webhook_challenge({"challenge_code": "x"}).body != first


def test_the_daily_quota_answers_ebays_429(served):
    served.sandbox.quotas["fulfillment"] = 1
    connector = served.connector()
    connector.client.http.retry = dataclasses.replace(connector.client.http.retry, max_attempts=1)
    list(connector.fetch_orders(Window(None, datetime.now(UTC))))
    token = connector.oauth_auth().token().access_token
    answer = httpx.get(served.base_url + "/sell/fulfillment/v1/order", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 429 and answer.json()["errors"][0]["errorId"] == 2001
    assert served.sandbox.throttled == 1
