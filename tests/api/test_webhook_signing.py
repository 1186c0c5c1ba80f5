"""Integrator webhooks are signed the Standard Webhooks way: a receiver on loopback checks every delivery with
the standardwebhooks package's own ``Webhook.verify`` (an implementation that is not ours), as docs/api.md
tells integrators to."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from sqlalchemy import update
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from ordersync import notify, signing
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.domain.timeutil import utcnow
from ordersync.store.models_accounts import WebhookDeliveryOut

from .verifying_receiver import VerifyingReceiver

PLAIN_SECRET = "a-secret-stored-before-whsec-1234"  # how secrets looked before; must keep working


@pytest.fixture
def verifier():
    rec = VerifyingReceiver()
    with serve_in_thread(rec.app()) as server:
        rec.url = f"{server.base_url}/hook"
        yield rec


def _subscribe(api, url, secret=None) -> dict:
    body = {"WebHookUri": url, "Filters": ["order.state_changed"]} | ({"Secret": secret} if secret else {})
    r = api.a_("POST", "/api/v1/webhooks", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _make_due(hub):
    with hub.db.session() as s:
        s.execute(
            update(WebhookDeliveryOut)
            .where(WebhookDeliveryOut.status == "pending")
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


def test_a_new_secret_is_whsec_and_a_retry_keeps_the_webhook_id(api, verifier):
    created = _subscribe(api, verifier.url)
    assert created["Secret"].startswith("whsec_") and len(base64.b64decode(created["Secret"][6:])) == 32
    verifier.secret, verifier.fail_first = created["Secret"], 1
    api.a_("PUT", f"/api/v1/orders/{api.a.order_ids[0]}/orderstate", json={"NewStateId": 7})
    assert notify.deliver_due(api.hub) == 0  # verified, then answered 503
    _make_due(api.hub)
    assert notify.deliver_due(api.hub) == 1
    assert verifier.refused == [] and verifier.answered == [503, 200]
    (first, body), (again, body_again) = verifier.verified
    assert body == body_again and first["webhook-id"] == again["webhook-id"]
    assert first["webhook-signature"].startswith("v1,")
    # the deprecated header still comes along, keyed with the secret's text as shown
    assert notify.verify(created["Secret"], body, again["x-ordersync-signature"])


def test_a_secret_stored_before_verifies_in_its_whsec_form(api, verifier):
    _subscribe(api, verifier.url, PLAIN_SECRET)
    verifier.secret = "whsec_" + base64.b64encode(PLAIN_SECRET.encode()).decode()  # the rule docs/api.md gives
    assert verifier.secret == signing.whsec(PLAIN_SECRET)
    api.a_("PUT", f"/api/v1/orders/{api.a.order_ids[0]}/orderstate", json={"NewStateId": 7})
    assert notify.deliver_due(api.hub) == 1 and verifier.refused == []
    ((headers, body),) = verifier.verified
    assert notify.verify(PLAIN_SECRET, body, headers["x-ordersync-signature"])  # old receivers keep working
    # the same check refuses a changed body, a moved timestamp, and a wrong secret
    hook = Webhook(verifier.secret)
    with pytest.raises(WebhookVerificationError):
        hook.verify(body + b" ", headers)
    with pytest.raises(WebhookVerificationError):
        hook.verify(body, headers | {"webhook-timestamp": str(int(headers["webhook-timestamp"]) - 1)})
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(body, headers)


def test_a_wrong_secret_is_refused_by_the_receiver(api, verifier):
    _subscribe(api, verifier.url, PLAIN_SECRET)
    verifier.secret = signing.new_secret()
    api.a_("PUT", f"/api/v1/orders/{api.a.order_ids[0]}/orderstate", json={"NewStateId": 7})
    assert notify.deliver_due(api.hub) == 0
    assert verifier.answered == [401] and verifier.refused == ["No matching signature found"]


def test_an_old_timestamp_fails_verification():
    body = b'{"Id": "1"}'
    secret = signing.new_secret()
    fresh = signing.headers(secret, "evt_1", body, legacy="body")
    assert Webhook(secret).verify(body, fresh) == {"Id": "1"}
    stale = signing.headers(secret, "evt_1", body, legacy="body", now=int(fresh["webhook-timestamp"]) - 600)
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(body, stale)
    assert not signing.verify(secret, body, stale) and signing.verify(secret, body, fresh)


def test_given_secrets_are_checked():
    assert signing.check_secret("whsec_MDEyMzQ1Njc4OWFiY2RlZg==")
    for bad, message in [("short", "at least 16"), ("whsec_not base64 at all!", "base64")]:
        with pytest.raises(ValueError, match=message):
            signing.check_secret(bad)
