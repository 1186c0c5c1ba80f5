"""The sandbox behaves like Magento where a connector could be fooled: it really verifies OAuth 1.0a
signatures (signed here by hand from RFC 5849, not with our client), refuses replayed nonces, answers the last
page again past the end, and speaks Magento's error body."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote, urlencode

import httpx
import pytest

from ordersync.channels.magento2.sandbox import create_sandbox
from ordersync.channels.sdk.serving import serve_in_thread


@pytest.fixture(scope="module")
def served():
    sandbox = create_sandbox(seed=5, orders=5)
    with serve_in_thread(sandbox.app) as server:
        yield sandbox, server.base_url
    sandbox.close()


def enc(text: str) -> str:
    return quote(text, safe="-._~")


def signed(
    sandbox,
    method: str,
    url: str,
    query: dict[str, str],
    *,
    nonce: str,
    method_name="HMAC-SHA256",
    secret: str | None = None,
) -> str:
    i = sandbox.integration
    oauth = {
        "oauth_consumer_key": i.consumer_key,
        "oauth_token": i.access_token,
        "oauth_nonce": nonce,
        "oauth_signature_method": method_name,
        "oauth_timestamp": str(int(time.time())),
        "oauth_version": "1.0",
    }
    pairs = sorted((enc(k), enc(v)) for k, v in [*query.items(), *oauth.items()])
    base = "&".join([method, enc(url), enc("&".join(f"{k}={v}" for k, v in pairs))])
    key = f"{enc(secret or i.consumer_secret)}&{enc(i.token_secret)}".encode()
    digest = hmac.new(key, base.encode(), hashlib.sha256 if method_name == "HMAC-SHA256" else hashlib.sha1).digest()
    oauth["oauth_signature"] = base64.b64encode(digest).decode()
    return "OAuth " + ", ".join(f'{k}="{enc(v)}"' for k, v in oauth.items())


def get(base_url: str, query: dict[str, str], header: str) -> httpx.Response:
    return httpx.get(f"{base_url}/rest/default/V1/orders?{urlencode(query)}", headers={"Authorization": header})


@pytest.mark.parametrize("method_name", ["HMAC-SHA256", "HMAC-SHA1"])
def test_a_correct_signature_passes_once_and_its_nonce_never_again(served, method_name):
    sandbox, base_url = served
    query = {"searchCriteria[pageSize]": "2"}
    header = signed(
        sandbox, "GET", f"{base_url}/rest/default/V1/orders", query, nonce="n-" + method_name, method_name=method_name
    )
    assert get(base_url, query, header).status_code == 200
    replay = get(base_url, query, header)
    assert replay.status_code == 401 and replay.json()["message"].startswith("The consumer isn't authorized")


def test_a_wrong_secret_or_a_changed_query_fails_the_signature(served):
    sandbox, base_url = served
    url, query = f"{base_url}/rest/default/V1/orders", {"searchCriteria[pageSize]": "2"}
    assert get(base_url, query, signed(sandbox, "GET", url, query, nonce="a", secret="wrong")).status_code == 401
    header = signed(sandbox, "GET", url, query, nonce="b")
    assert get(base_url, {"searchCriteria[pageSize]": "3"}, header).status_code == 401


def test_past_the_last_page_magento_answers_the_last_page_again(served):
    sandbox, base_url = served
    url = f"{base_url}/rest/default/V1/orders"
    pages = {}
    for n in (3, 9):
        query = {"searchCriteria[pageSize]": "2", "searchCriteria[currentPage]": str(n)}
        pages[n] = get(base_url, query, signed(sandbox, "GET", url, query, nonce=f"page-{n}")).json()
    assert pages[9]["items"] == pages[3]["items"] and len(pages[3]["items"]) == 1
    assert pages[9]["total_count"] == 5 and pages[9]["search_criteria"]["current_page"] == 9  # as asked


def test_errors_are_magentos_message_and_parameters(served):
    sandbox, base_url = served
    url = f"{base_url}/rest/default/V1/orders/999"
    missing = httpx.get(url, headers={"Authorization": signed(sandbox, "GET", url, {}, nonce="404")})
    assert missing.status_code == 404 and set(missing.json()) == {"message"}
    hold_url = f"{base_url}/rest/default/V1/orders/1/unhold"
    refused = httpx.post(hold_url, headers={"Authorization": signed(sandbox, "POST", hold_url, {}, nonce="h")})
    assert refused.status_code == 400 and refused.json() == {"message": "You can't remove the hold."}
