"""eBay's digital signatures for EU/UK sellers: the signature matches eBay's published test vector; an EU
seller's cancellation is refused unsigned, accepted signed with an Ed25519 or RSA key from the Key Management
API, refused with another application's key; and bad key settings are named."""

from __future__ import annotations

import json

import pytest

from ordersync.channels.ebay.sandbox.signatures import KEYS_PATH
from ordersync.channels.ebay.signing import SigningKey, headers_for
from ordersync.channels.sdk.errors import PermanentError
from ordersync.channels.sdk.records import OrderRef
from ordersync.channels.sdk.settings import SettingsError
from ordersync.domain import OrderState

# eBay's test key pair (the Ed25519 sample of the IETF draft) and the headers eBay's README shows for
# POST http://localhost:8080/verifysignature with the body {"hello": "world"} at created=1659651955
TEST_PRIVATE = "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF"
TEST_JWE = (
    "eyJ6aXAiOiJERUYiLCJlbmMiOiJBMjU2R0NNIiwidGFnIjoiSGdLcjNSSWFlZll0Mkd4blBUUTEwUSIsImFsZyI6IkEyNTZHQ01LVy"
    "IsIml2IjoiQTVOQXFYUXlITkNIT01GVSJ9.z3JcS0vvxrYboqpySAq_Znww-3V6AllxmJP5JEMkuLY.K1f4MVMEc8ylbfSS.fASwJyMCk2t"
    "XZsNWk13IcuVgSWTOcynSdAoJrK4WApZANlxAP9J0qr0Jz_4aFldFDSZ5tfuxLGqzJmWU7CiZWwNjk2XoVy8q5ogMrFNFwFXP4SrX1XORhN"
    "LZPTyS5DEqLDPYn2NX944xendEwfcxxXsTSeNCUnmSyfitiscUC04GYOfn0UWQ2buSWx7Yod0IR2GtTGUsM9o3J-riuNDKhw.rRsWM1Sl_2"
    "stTnZLJkWVmQ"
)


def test_the_signature_matches_ebays_published_test_vector():
    headers = headers_for(
        SigningKey.parse(TEST_JWE, TEST_PRIVATE),
        "POST",
        "http://localhost:8080/verifysignature",
        b'{"hello": "world"}',
        created=1659651955,
    )
    assert headers["Content-Digest"] == "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
    assert headers["Signature-Input"] == (
        'sig1=("content-digest" "x-ebay-signature-key" "@method" "@path" "@authority");created=1659651955'
    )
    assert headers["Signature"] == (
        "sig1=:uunxYrXKC8KaoupD5D1DKdmQmrOhz6b4Xbhb3o9d4x4xFIpg++XzEZztOyeOI59rMMjM3NIcFgxBH0c1ckpfBw==:"
    )
    pem = "-----BEGIN PRIVATE KEY-----\n" + TEST_PRIVATE + "\n-----END PRIVATE KEY-----\n"
    assert (
        headers_for(
            SigningKey.parse(TEST_JWE, pem),
            "POST",
            "http://localhost:8080/verifysignature",
            b'{"hello": "world"}',
            created=1659651955,
        )
        == headers
    )
    without_body = headers_for(SigningKey.parse(TEST_JWE, TEST_PRIVATE), "GET", "https://apiz.ebay.com/x?y=1", b"")
    assert (
        "Content-Digest" not in without_body and '("x-ebay-signature-key" "@method"' in without_body["Signature-Input"]
    )


def signing_key(served, cipher: str) -> dict:
    answer = served.connector().app_http.request("POST", KEYS_PATH, json={"signingKeyCipher": cipher})
    return answer.json()


@pytest.fixture
def eu(served):
    served.sandbox.eu_seller = True
    return served


def test_an_eu_sellers_cancellation_needs_the_signature(eu):
    a, b, c = eu.act("create", count=3)["ids"]
    with pytest.raises(PermanentError, match="signing_jwe") as refused:
        eu.connector().push_state(OrderRef(a), OrderState.CANCELLED)
    assert json.loads(refused.value.body)["errors"][0]["errorId"] == 215120
    for order_id, cipher in ((a, "ED25519"), (b, "RSA")):
        key = signing_key(eu, cipher)
        connector = eu.connector(signing_jwe=key["jwe"], signing_private_key=key["privateKey"])
        assert connector.push_state(OrderRef(order_id), OrderState.CANCELLED).already_done is False
    cancelled = eu.control.get("/ledger", params={"kind": "order.cancel"}).json()
    assert [e["resource_id"] for e in cancelled] == [a, b]
    mine, other = signing_key(eu, "ED25519"), signing_key(eu, "ED25519")
    with pytest.raises(PermanentError, match="refused the digital signature"):
        eu.connector(signing_jwe=mine["jwe"], signing_private_key=other["privateKey"]).push_state(
            OrderRef(c), OrderState.CANCELLED
        )
    signed = eu.requests("/post-order/v2/cancellation")
    assert all(r["method"] == "POST" for r in signed) and len(signed) == 4


def test_other_sellers_may_send_a_signature_or_none(served):
    a, b = served.act("create", count=2)["ids"]
    assert served.connector().push_state(OrderRef(a), OrderState.CANCELLED).ok
    key = signing_key(served, "ED25519")
    assert (
        served.connector(signing_jwe=key["jwe"], signing_private_key=key["privateKey"])
        .push_state(OrderRef(b), OrderState.CANCELLED)
        .ok
    )


@pytest.mark.parametrize(
    "jwe, private, problem",
    [
        (TEST_JWE, "", "enter both"),
        ("", TEST_PRIVATE, "enter both"),
        ("not-a-jwe", TEST_PRIVATE, "five parts"),
        (TEST_JWE, "bm90IGEga2V5", "not a private key"),
        (TEST_JWE, "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----", "not a private key"),
    ],
)
def test_bad_signing_settings_are_named(served, jwe, private, problem):
    with pytest.raises(SettingsError, match=problem):
        served.connector(signing_jwe=jwe, signing_private_key=private)
