"""HTTP forwards are signed like integrator webhooks (Standard Webhooks, one module): a receiver on loopback
checks them with the standardwebhooks package's own ``Webhook.verify``."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from api.verifying_receiver import VerifyingReceiver
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from ordersync import forwarding, signing
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.domain.timeutil import utcnow
from ordersync.forwarding import signing as old_signing

from .helpers import import_orders, order

PLAIN_SECRET = "a-long-shared-signing-secret-1234"  # how target secrets looked before; must keep working


@pytest.fixture
def verifier():
    rec = VerifyingReceiver()
    with serve_in_thread(rec.app()) as server:
        rec.url = f"{server.base_url}/hook"
        yield rec


def test_a_forward_verifies_with_a_new_secret_and_a_retry_keeps_the_webhook_id(hub, nomsg, verifier):
    created = forwarding.add_target(hub, "fulfiller", "http", verifier.url)
    assert created.secret.startswith("whsec_") and len(base64.b64decode(created.secret[6:])) == 32
    verifier.secret, verifier.fail_first = created.secret, 1
    (order_id,) = import_orders(hub, nomsg, order(31))
    forwarding.forward_order(hub, order_id, "fulfiller")
    assert forwarding.dispatch_due(hub) == 0  # verified, then answered 503
    assert forwarding.dispatch_due(hub, now=utcnow() + timedelta(hours=1)) == 1
    assert verifier.refused == [] and verifier.answered == [503, 200]
    (first, body), (again, body_again) = verifier.verified
    assert body == body_again and first["webhook-id"] == again["webhook-id"]
    assert again["x-ordersync-forward-id"] in again["webhook-id"]
    # the deprecated header still comes along, as before
    assert old_signing.verify(created.secret, again["x-ordersync-timestamp"], again["x-ordersync-signature"], body)


def test_a_target_secret_stored_before_verifies_in_its_whsec_form(hub, nomsg, verifier):
    forwarding.add_target(hub, "fulfiller", "http", verifier.url, secret=PLAIN_SECRET)
    verifier.secret = "whsec_" + base64.b64encode(PLAIN_SECRET.encode()).decode()  # the rule docs/api.md gives
    (order_id,) = import_orders(hub, nomsg, order(32))
    forwarding.forward_order(hub, order_id, "fulfiller")
    assert forwarding.dispatch_due(hub) == 1 and verifier.refused == []
    ((headers, body),) = verifier.verified
    assert old_signing.verify(PLAIN_SECRET, headers["x-ordersync-timestamp"], headers["x-ordersync-signature"], body)
    hook = Webhook(verifier.secret)
    with pytest.raises(WebhookVerificationError):
        hook.verify(body.replace(b"1032", b"1033"), headers)  # tampered body
    with pytest.raises(WebhookVerificationError):
        hook.verify(body, headers | {"webhook-id": "fwd_999"})  # another message's id


def test_a_wrong_target_secret_is_refused_by_the_receiver(hub, nomsg, verifier):
    forwarding.add_target(hub, "fulfiller", "http", verifier.url, secret=PLAIN_SECRET)
    verifier.secret = signing.new_secret()
    (order_id,) = import_orders(hub, nomsg, order(33))
    forwarding.forward_order(hub, order_id, "fulfiller")
    assert forwarding.dispatch_due(hub) == 0
    assert verifier.answered == [401] and verifier.refused == ["No matching signature found"]
