"""Amazon LWA's shape from the declaration alone: refresh-token grant with client id and secret in the body, the
access token in ``x-amz-access-token``; and the declaration's own checks."""

from __future__ import annotations

import pytest

from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.oauth2 import ClientAuth, Grant, MemoryTokenStore, OAuth2, ReauthorizationNeeded, TokenSet
from ordersync.channels.sdk.oauth2_auth import OAuth2Auth

LWA_LIKE = OAuth2(
    token_url="{base_url}/oauth/token",
    grants=(Grant.REFRESH_TOKEN,),
    client_auth=ClientAuth.BODY,
    token_header="x-amz-access-token",
    token_format="{token}",
    refresh_token_setting="refresh_token",
)


def test_refresh_grant_with_body_credentials_and_amazon_header(provider):
    sandbox, base_url = provider
    # a refresh token as the seller's self-authorisation gives it; the token client sends no Basic header, so
    # the grant succeeds only with id and secret in the body
    sandbox.control_orders({"action": "grant_refresh_token", "token": "Atzr|seller-token"})
    settings = {**sandbox.settings_for(base_url), "refresh_token": "Atzr|seller-token"}
    store = MemoryTokenStore()
    auth = OAuth2Auth(LWA_LIKE, settings, store)
    with ChannelHTTP(base_url, auth=auth) as http:
        assert http.request("GET", "/api/me").json() == {"shop": "demo"}
        assert http.request("GET", "/api/me").status_code == 200
    assert auth.refreshes == 1 and store.tokens.refresh_token == "Atzr|seller-token"
    assert len(sandbox.ledger.entries("token.refresh_token")) == 1

    sandbox.control_orders({"action": "revoke"})
    store.save(TokenSet("stale", None, "Atzr|seller-token"))
    with (
        ChannelHTTP(base_url, auth=OAuth2Auth(LWA_LIKE, settings, store)) as http,
        pytest.raises(ReauthorizationNeeded, match="invalid_grant"),
    ):
        http.request("GET", "/api/me")
    assert store.problem and "invalid_grant" in store.problem


def test_declaration_problems_are_reported():
    assert OAuth2(token_url="x", grants=(Grant.AUTHORIZATION_CODE,)).problems() == [
        "oauth: the authorization-code grant needs authorize_url"
    ]
    assert (
        "oauth.pkce only applies to the authorization-code grant"
        in OAuth2(token_url="x", grants=(Grant.CLIENT_CREDENTIALS,), pkce=True).problems()
    )
    assert LWA_LIKE.problems() == []
