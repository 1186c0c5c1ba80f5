"""HMAC helpers with published vectors, and OAuth 1.0a against RFC 5849 and a hand-built WooCommerce case."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl

import httpx

from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.oauth1 import normalize_url, request_parameters, sign
from ordersync.channels.sdk.signatures import (
    OAuth1Auth,
    hmac_sha256_base64,
    hmac_sha256_hex,
    signature_base_string,
    verify_signature,
)

from .conftest import Reply


def test_hmac_sha256_rfc4231_case_2():
    expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert hmac_sha256_hex("Jefe", "what do ya want for nothing?") == expected
    assert base64.b64decode(hmac_sha256_base64(b"Jefe", b"what do ya want for nothing?")).hex() == expected


def test_verify_signature():
    sig = hmac_sha256_base64("secret", b'{"id":1}')
    assert verify_signature(sig, sig)
    assert verify_signature(sig, sig + "\n")  # header values may carry whitespace
    assert not verify_signature(sig, sig[:-2] + "AA")
    assert not verify_signature(sig, None) and not verify_signature(sig, "")
    assert not verify_signature("", "")


def test_rfc5849_section_3_4_1_1_base_string():
    request = httpx.Request(
        "POST",
        "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
        content=b"c2&a3=2+q",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    oauth = [
        ("oauth_consumer_key", "9djdj82h48djs9d2"),
        ("oauth_token", "kkk9d7dh3k39sjv7"),
        ("oauth_signature_method", "HMAC-SHA1"),
        ("oauth_timestamp", "137131201"),
        ("oauth_nonce", "7d8f3e4a"),
    ]
    assert signature_base_string("POST", request.url, request_parameters(request) + oauth) == (
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D"
        "%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method"
        "%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
    )


def test_rfc5849_section_1_2_signature():
    auth = OAuth1Auth(
        "dpf43f3p2l4k3l03",
        "kd94hf93k423kf44",
        token="nnch734d00sl2jdk",
        token_secret="pfkkdhi9sl3r4s00",
        signature_method="HMAC-SHA1",
        clock=lambda: 137131202,
        nonce=lambda: "chapoH",
    )
    request = httpx.Request("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original")
    assert auth.signed_parameters(request)["oauth_signature"] == "MdpQcU8iPSUjWoN/UDMsK2sui9I="


def test_normalize_url():
    assert (
        normalize_url("HTTP://Shop.Example:80/wp-json/wc/v3/orders?x=1") == "http://shop.example/wp-json/wc/v3/orders"
    )
    assert normalize_url("https://shop.example:8443/a%20b") == "https://shop.example:8443/a%20b"


def test_woocommerce_style_signature_over_http(script, base_url):
    """What a WooCommerce server would compute, spelt out by hand: query params + oauth params, sorted,
    HMAC-SHA256 keyed with 'consumer_secret&'; oauth params travel in the query string."""
    script.on("/wp-json/wc/v3/orders", Reply(200, []))
    auth = OAuth1Auth("ck_abc", "cs_secret", clock=lambda: 1700000000, nonce=lambda: "n" * 32)
    with ChannelHTTP(base_url, auth=auth) as http:
        http.request(
            "GET",
            "/wp-json/wc/v3/orders",
            params={"per_page": 100, "modified_after": "2024-01-01T00:00:00", "status": "any"},
        )
    got = dict(parse_qsl(script.received[-1].query))
    assert "oauth_version" not in got and got["oauth_signature_method"] == "HMAC-SHA256"
    port = base_url.rsplit(":", 1)[1]
    base = (
        "GET&http%3A%2F%2F127.0.0.1%3A" + port + "%2Fwp-json%2Fwc%2Fv3%2Forders&"
        "modified_after%3D2024-01-01T00%253A00%253A00%26oauth_consumer_key%3Dck_abc%26oauth_nonce%3D"
        + "n"
        * 32
        + "%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000"
        "%26per_page%3D100%26status%3Dany"
    )
    expected = base64.b64encode(hmac.new(b"cs_secret&", base.encode(), hashlib.sha256).digest()).decode()
    assert got["oauth_signature"] == expected


def test_header_placement_and_fresh_nonce_per_request(script, base_url):
    script.on("/x", Reply(200, {}))
    nonces = iter(["a" * 32, "b" * 32])
    auth = OAuth1Auth("ck", "cs", placement="header", nonce=lambda: next(nonces))
    with ChannelHTTP(base_url, auth=auth) as http:
        http.request("GET", "/x")
        http.request("GET", "/x")
    headers = [r.headers["authorization"] for r in script.received]
    assert all(h.startswith("OAuth ") for h in headers)
    assert 'oauth_nonce="aaaa' in headers[0] and 'oauth_nonce="bbbb' in headers[1]
    assert sign("a&b", "cs", method="HMAC-SHA1") != sign("a&b", "cs")
