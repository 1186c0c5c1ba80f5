"""The sandbox speaks HTTP Digest as Shopware 5 does (realm "Shopware REST-API", MD5, qop=auth): challenge,
hash check, replay and stale nonces; the connector's client gets through all of it."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from ordersync.channels.sdk.records import Window
from ordersync.channels.shopware5.connector import Shopware5Connector
from ordersync.channels.shopware5.sandbox.digest import parse_params


def test_a_request_without_credentials_is_challenged(served):
    sandbox, base_url = served
    response = httpx.get(base_url + "/api/orders")
    assert response.status_code == 401
    assert response.json() == {"success": False, "message": "Invalid or missing auth"}
    basic, challenge = response.headers.get_list("www-authenticate")  # Shopware offers both, Basic first
    assert basic == 'Basic realm="Shopware REST-API"' and challenge.startswith("Digest ")
    params = parse_params(challenge[7:])
    assert params["realm"] == "Shopware REST-API" and params["qop"] == "auth" and params["algorithm"] == "MD5"
    assert len(params["nonce"]) >= 16 and params["opaque"]


def test_the_right_key_passes_a_wrong_one_does_not(served):
    sandbox, base_url = served
    good = httpx.get(base_url + "/api/orders", auth=httpx.DigestAuth(sandbox.username, sandbox.api_key))
    assert good.status_code == 200 and good.json()["success"] is True
    wrong = httpx.get(base_url + "/api/orders", auth=httpx.DigestAuth(sandbox.username, "x" + sandbox.api_key))
    assert wrong.status_code == 401
    stranger = httpx.get(base_url + "/api/orders", auth=httpx.DigestAuth("admin", sandbox.api_key))
    assert stranger.status_code == 401
    basic = httpx.get(base_url + "/api/orders", auth=(sandbox.username, sandbox.api_key))
    assert basic.status_code == 200  # Shopware >= 5.3.2
    assert httpx.get(base_url + "/api/orders", auth=(sandbox.username, "wrong")).status_code == 401
    assert sandbox.auth_schemes == {"digest": 1, "basic": 1}


def test_the_connector_authenticates_with_digest_only(served):
    sandbox, base_url = served
    connector = Shopware5Connector(sandbox.settings_for(base_url))
    assert connector.test_connection().ok and list(connector.fetch_articles(Window(None, datetime.now(UTC))))
    assert sandbox.auth_schemes["basic"] == 0 and sandbox.auth_schemes["digest"] >= 2
    connector.close()


def test_a_replayed_or_redirected_authorization_is_refused(served):
    sandbox, base_url = served
    with httpx.Client(auth=httpx.DigestAuth(sandbox.username, sandbox.api_key)) as client:
        first = client.get(base_url + "/api/orders", params={"limit": "1"})
        assert first.status_code == 200
        header = first.request.headers["authorization"]
    replay = httpx.get(base_url + "/api/orders", params={"limit": "1"}, headers={"authorization": header})
    assert replay.status_code == 401  # same nonce, same nonce count
    elsewhere = httpx.get(base_url + "/api/articles", headers={"authorization": header.replace("nc=", "nc=9")})
    assert elsewhere.status_code == 401  # uri (and hash) belong to another request


def test_an_expired_nonce_is_stale_and_the_client_logs_in_again(served):
    sandbox, base_url = served
    with httpx.Client(auth=httpx.DigestAuth(sandbox.username, sandbox.api_key)) as client:
        assert client.get(base_url + "/api/orders").status_code == 200
        sandbox.digest.expire_all()
        again = client.get(base_url + "/api/orders")
    assert again.status_code == 200
    assert [r.status_code for r in again.history] == [401]
    assert "stale=true" in again.history[0].headers["www-authenticate"]
    connector = Shopware5Connector(sandbox.settings_for(base_url))
    assert connector.test_connection().ok
    sandbox.digest.expire_all()
    assert connector.test_connection().ok
    connector.close()
