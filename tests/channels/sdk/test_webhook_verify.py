"""The SDK's webhook verifiers: HMAC over canonical strings, ECDSA with published keys fetched over real HTTP
from a loopback key server (and cached), JWT-signed deliveries against a JWKS. Each is shown to accept a
genuine delivery and to reject forged, tampered, expired and replayed ones with a reason."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ordersync.channels.sdk.errors import WebhookRejected
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.public_keys import (
    PublicKeyCache,
    PublishedKey,
    WebhookDeferred,
    jwks_fetch,
    notification_api_fetch,
)
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.webhook_verify import Delivery, EcdsaScheme, HmacScheme, JwtScheme

from ..harness import SandboxControl
from ..webhook_variants.sandbox import NotifyMarket

KEY_PATH = "/commerce/notification/v1/public_key/"


def rejected(call, reason: str, status: int = 401) -> WebhookRejected:
    with pytest.raises(WebhookRejected) as caught:
        call()
    assert reason in str(caught.value), str(caught.value)
    assert caught.value.status == status
    return caught.value


# HMAC -------------------------------------------------------------------------------------------------


def test_hmac_over_the_raw_body_as_woocommerce_and_shopify_sign():
    scheme = HmacScheme("X-Shop-Hmac")
    body = b'{"id":7}'
    good = base64.b64encode(hmac.new(b"s3cret", body, hashlib.sha256).digest()).decode()
    assert scheme.verify(Delivery.of({"X-Shop-Hmac": good}, body), "s3cret").signed_at is None
    rejected(
        lambda: scheme.verify(Delivery.of({"X-Shop-Hmac": good}, b'{"id":8}'), "s3cret"),
        "X-Shop-Hmac does not match the body",
    )
    rejected(lambda: scheme.verify(Delivery.of({"X-Shop-Hmac": good}, body), "other"), "does not match")
    rejected(lambda: scheme.verify(Delivery.of({}, body), "s3cret"), "missing X-Shop-Hmac header")
    rejected(lambda: scheme.verify(Delivery.of({"X-Shop-Hmac": good}, body), ""), "no webhook secret")


def _standard(body: bytes, secret: bytes, msg_id: str, stamp: int) -> str:
    mac = hmac.new(secret, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def test_hmac_over_id_timestamp_body_with_rotation_tolerance_and_replays():
    scheme = HmacScheme(
        "webhook-signature",
        canonical="{header:webhook-id}.{timestamp}.{body}",
        prefix="v1,",
        separator=" ",
        timestamp_header="webhook-timestamp",
        tolerance=300,
        reject_replays=True,
    )
    body, now = b'{"type":"order.paid"}', int(time.time())

    def delivery(stamp, signature, msg_id="msg_1", payload=body):
        return Delivery.of(
            {"webhook-id": msg_id, "webhook-timestamp": str(stamp), "webhook-signature": signature}, payload
        )

    # two signatures during a rotation: the old secret's and the new one's; the new one is ours
    both = _standard(body, b"old", "msg_1", now) + " " + _standard(body, b"new", "msg_1", now)
    verified = scheme.verify(delivery(now, both), b"new")
    assert abs((verified.signed_at - datetime.now(UTC)).total_seconds()) < 5
    rejected(lambda: scheme.verify(delivery(now, both), b"new"), "replayed")
    rejected(lambda: scheme.verify(delivery(now, both, msg_id="msg_2"), b"new"), "does not match")  # id is signed
    rejected(
        lambda: scheme.verify(delivery(now + 1, _standard(body, b"new", "msg_3", now), "msg_3"), b"new"),
        "does not match",
    )  # a moved timestamp breaks the signature
    old = now - 600
    rejected(
        lambda: scheme.verify(delivery(old, _standard(body, b"new", "msg_4", old), "msg_4"), b"new"),
        "expired: signed 600 s old",
    )
    future = now + 900
    rejected(
        lambda: scheme.verify(delivery(future, _standard(body, b"new", "msg_5", future), "msg_5"), b"new"),
        "in the future",
    )
    unprefixed = _standard(body, b"new", "msg_6", now)[3:]
    rejected(lambda: scheme.verify(delivery(now, unprefixed, "msg_6"), b"new"), "does not match")
    rejected(lambda: scheme.verify(delivery("yesterday", both), b"new"), "is not a unix time", 400)


def test_hmac_over_method_url_body_timestamp_in_hex():
    scheme = HmacScheme(
        "Shop-Signature",
        canonical="{method}\n{url}\n{body}\n{timestamp}",
        encoding="hex",
        timestamp_header="Shop-Timestamp",
    )
    stamp, url, body = str(int(time.time())), "https://hub.example/webhooks/x/tok", b"{}"
    sig = hmac.new(b"k", f"POST\n{url}\n{{}}\n{stamp}".encode(), hashlib.sha256).hexdigest()
    headers = {"Shop-Signature": sig.upper(), "Shop-Timestamp": stamp}
    scheme.verify(Delivery.of(headers, body, "POST", url), "k")
    rejected(lambda: scheme.verify(Delivery.of(headers, body, "POST", url + "2"), "k"), "does not match")
    rejected(lambda: scheme.verify(Delivery.of(headers, body, "PUT", url), "k"), "does not match")


def test_hmac_declarations_that_cannot_work_are_refused():
    with pytest.raises(ValueError, match="reject_replays needs a signed timestamp"):
        HmacScheme("X", reject_replays=True)
    with pytest.raises(ValueError, match="unknown placeholder"):
        HmacScheme("X", canonical="{bdy}")
    with pytest.raises(ValueError, match="needs timestamp_header"):
        HmacScheme("X", canonical="{timestamp}.{body}")


# ECDSA with published keys over real HTTP --------------------------------------------------------------


@pytest.fixture
def market():
    sandbox = NotifyMarket()
    with serve_in_thread(sandbox.app) as server:
        control = SandboxControl(sandbox, server.base_url)
        http = ChannelHTTP(server.base_url, timeout=5)
        yield sandbox, control, http
        http.close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def key_requests(control) -> list[dict]:
    return control.requests(KEY_PATH)


def test_ecdsa_key_fetched_once_for_many_deliveries_and_again_after_expiry(market):
    sandbox, control, http = market
    clock = Clock()
    cache = PublicKeyCache(ttl=600, clock=clock)
    scheme = EcdsaScheme()
    fetch = notification_api_fetch(http)
    order = sandbox.create_order()["id"]
    for _ in range(25):
        body = sandbox.notification(order)
        verified = scheme.verify(
            Delivery.of({"X-EBAY-SIGNATURE": sandbox.ebay_signature(body)}, body), lambda kid: cache.get(kid, fetch)
        )
        assert verified.key_id == "k1"
    assert len(key_requests(control)) == 1 and cache.fetches == 1
    clock.now += 601  # the cached key expired: the next delivery fetches it again
    body = sandbox.notification(order)
    scheme.verify(
        Delivery.of({"X-EBAY-SIGNATURE": sandbox.ebay_signature(body)}, body), lambda kid: cache.get(kid, fetch)
    )
    assert len(key_requests(control)) == 2 and [r["status"] for r in key_requests(control)] == [200, 200]


def test_ecdsa_rejects_forged_tampered_unknown_kid_expired_and_replayed(market):
    sandbox, control, http = market
    cache = PublicKeyCache()
    fetch = notification_api_fetch(http)
    keys = lambda kid: cache.get(kid, fetch)  # noqa: E731
    scheme = EcdsaScheme(signed_time="/notification/publishDate", tolerance=3600, reject_replays=True)
    order = sandbox.create_order()["id"]
    body = sandbox.notification(order)
    header = sandbox.ebay_signature(body)
    scheme.verify(Delivery.of({"x-ebay-signature": header}, body), keys)
    rejected(lambda: scheme.verify(Delivery.of({"x-ebay-signature": header}, body), keys), "replayed")
    tampered = body.replace(b"19.90", b"0.01")
    rejected(
        lambda: scheme.verify(Delivery.of({"x-ebay-signature": header}, tampered), keys),
        "X-EBAY-SIGNATURE does not match the body",
    )
    impostor = ec.generate_private_key(ec.SECP256R1())
    fresh = sandbox.notification(order)
    forged = sandbox.ebay_signature(fresh, "k1", key=impostor)
    rejected(lambda: scheme.verify(Delivery.of({"x-ebay-signature": forged}, fresh), keys), "does not match")
    unknown = sandbox.ebay_signature(fresh, "k9", key=impostor)
    rejected(lambda: scheme.verify(Delivery.of({"x-ebay-signature": unknown}, fresh), keys), "unknown signing key id")
    rejected(lambda: scheme.verify(Delivery.of({"x-ebay-signature": unknown}, fresh), keys), "unknown signing key id")
    assert [r["path"] for r in key_requests(control)] == [KEY_PATH + "k1", KEY_PATH + "k9"]  # 404 remembered
    stale = sandbox.notification(order, published=datetime.now(UTC) - timedelta(hours=3))
    rejected(
        lambda: scheme.verify(Delivery.of({"x-ebay-signature": sandbox.ebay_signature(stale)}, stale), keys), "expired"
    )
    rejected(
        lambda: scheme.verify(Delivery.of({"x-ebay-signature": "not base64 json"}, fresh), keys),
        "is not base64-encoded JSON",
        400,
    )
    rejected(lambda: scheme.verify(Delivery.of({}, fresh), keys), "missing X-EBAY-SIGNATURE header")


def test_ecdsa_checks_the_reencoded_json_when_the_bytes_differ(market):
    """eBay's SDKs verify the compact re-encoding of the parsed body; spacing added on the way still verifies,
    changed content does not."""
    sandbox, _, http = market
    cache, fetch = PublicKeyCache(), notification_api_fetch(http)
    order = sandbox.create_order()["id"]
    compact = sandbox.notification(order)
    header = sandbox.ebay_signature(compact)
    spaced = json.dumps(json.loads(compact), indent=2).encode()
    EcdsaScheme().verify(Delivery.of({"X-EBAY-SIGNATURE": header}, spaced), lambda kid: cache.get(kid, fetch))
    changed = json.dumps({**json.loads(compact), "extra": 1}, indent=2).encode()
    rejected(
        lambda: EcdsaScheme().verify(
            Delivery.of({"X-EBAY-SIGNATURE": header}, changed), lambda kid: cache.get(kid, fetch)
        ),
        "does not match",
    )


def test_a_key_server_failure_defers_the_delivery_and_never_accepts_it(market):
    sandbox, control, http = market
    cache, fetch = PublicKeyCache(), notification_api_fetch(http)
    order = sandbox.create_order()["id"]
    body = sandbox.notification(order)
    delivery = Delivery.of({"X-EBAY-SIGNATURE": sandbox.ebay_signature(body)}, body)
    control.faults({"kind": "error", "status": 503, "count": 1, "path": KEY_PATH + "*"})
    with pytest.raises(WebhookDeferred) as caught:
        EcdsaScheme().verify(delivery, lambda kid: cache.get(kid, fetch))
    assert caught.value.status == 503 and caught.value.retryable and "could not be fetched" in str(caught.value)
    EcdsaScheme().verify(delivery, lambda kid: cache.get(kid, fetch))  # the platform's retry goes through
    assert [r["status"] for r in key_requests(control)] == [503, 200]


# JWT ----------------------------------------------------------------------------------------------------


def test_jwt_signed_deliveries_against_a_jwks(market):
    sandbox, control, http = market
    cache, fetch = PublicKeyCache(), jwks_fetch(http, "/jwks.json")
    keys = lambda kid: cache.get(kid, fetch)  # noqa: E731
    aud = "https://hub.example/webhooks/x/tok"
    scheme = JwtScheme(
        header="Authorization",
        audience=aud,
        issuer="notifymarket",
        body_hash_claim="body_sha256",
        max_age=300,
        reject_replays=True,
    )
    body = b'{"order":"1001"}'
    now = int(time.time())

    def token(jti=1, **over):
        claims = {
            "iss": "notifymarket",
            "aud": aud,
            "iat": now,
            "exp": now + 300,
            "jti": f"j-{jti}",
            "body_sha256": hashlib.sha256(body).hexdigest(),
            **over,
        }
        return sandbox.jwt_token(claims)

    def check(tok, payload=body):
        return scheme.verify(Delivery.of({"Authorization": f"Bearer {tok}"}, payload), keys)

    assert check(token()).claims["iss"] == "notifymarket"
    rejected(lambda: check(token()), "replayed")
    rejected(lambda: check(token(jti=2), b'{"order":"1002"}'), "does not match the token's body_sha256")
    rejected(lambda: check(token(jti=3, exp=now - 120)), "expired: the token's exp has passed")
    rejected(lambda: check(token(jti=4, iat=now - 1200)), "expired: issued")
    rejected(lambda: check(token(jti=5, aud="https://elsewhere.example")), "Audience")
    impostor = ec.generate_private_key(ec.SECP256R1())
    forged = sandbox.jwt_token(
        {
            "iss": "notifymarket",
            "aud": aud,
            "iat": now,
            "exp": now + 300,
            "jti": "j-6",
            "body_sha256": hashlib.sha256(body).hexdigest(),
        },
        key=impostor,
    )
    rejected(lambda: check(forged), "signature does not match")
    unknown = sandbox.jwt_token({"iat": now, "exp": now + 300}, "j9", key=impostor)
    rejected(lambda: check(unknown), "unknown signing key id 'j9'")
    public_pem = (
        sandbox.jwt_keys["j1"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    confused = jwt.encode(
        {"iat": now, "exp": now + 300}, hashlib.sha256(public_pem).digest(), algorithm="HS256", headers={"kid": "j1"}
    )
    rejected(lambda: check(confused), "JWS algorithm 'HS256' is not one of")
    rejected(lambda: check("not.a.jws"), "not a compact JWS", 400)
    assert len(control.requests("/jwks.json")) == 2  # the set once, and once more for the unknown kid


def test_jws_as_the_whole_body():
    key = ec.generate_private_key(ec.SECP256R1())
    published = PublishedKey(key.public_key())
    now = int(time.time())
    body = jwt.encode(
        {"order": "1001", "iat": now, "exp": now + 60}, key, algorithm="ES256", headers={"kid": "a"}
    ).encode()
    verified = JwtScheme().verify(Delivery.of({}, body), lambda kid: published)
    assert verified.claims["order"] == "1001" and verified.key_id == "a"
    head, payload, sig = body.split(b".")
    swapped = (
        head + b"." + base64.urlsafe_b64encode(b'{"order":"9","iat":1,"exp":9999999999}').rstrip(b"=") + b"." + sig
    )
    rejected(lambda: JwtScheme().verify(Delivery.of({}, swapped), lambda kid: published), "signature does not match")
    with pytest.raises(ValueError, match="only asymmetric"):
        JwtScheme(algorithms=("HS256",))
