"""A platform that wants the scopes named again on every refresh (eBay) declares ``refresh_scopes``; others
get the plain RFC 6749 refresh request without them."""

from __future__ import annotations

import dataclasses
from urllib.parse import parse_qs

from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.oauth2 import ClientAuth, Grant, MemoryTokenStore, OAuth2
from ordersync.channels.sdk.oauth2_auth import OAuth2Auth

PLAIN = OAuth2(
    token_url="{base_url}/oauth/token",
    grants=(Grant.REFRESH_TOKEN,),
    client_auth=ClientAuth.BODY,
    scopes=("orders.read", "stock.write"),
    refresh_token_setting="refresh_token",
)


def refresh_form(provider, decl: OAuth2) -> dict[str, list[str]]:
    sandbox, base_url = provider
    sandbox.control_orders({"action": "grant_refresh_token", "token": "rt-1"})
    settings = {**sandbox.settings_for(base_url), "refresh_token": "rt-1"}
    sandbox.exchanges.clear()
    sandbox.exchanges.recording = True
    with ChannelHTTP(base_url, auth=OAuth2Auth(decl, settings, MemoryTokenStore())) as http:
        assert http.request("GET", "/api/me").status_code == 200
    sent = [e for e in sandbox.exchanges.entries() if e["path"] == "/oauth/token"]
    assert len(sent) == 1
    return parse_qs(sent[0]["request_body"])


def test_the_scopes_go_with_the_refresh_where_declared(provider):
    form = refresh_form(provider, dataclasses.replace(PLAIN, refresh_scopes=True))
    assert form["grant_type"] == ["refresh_token"] and form["scope"] == ["orders.read stock.write"]


def test_a_plain_refresh_names_no_scope(provider):
    form = refresh_form(provider, PLAIN)
    assert form["grant_type"] == ["refresh_token"] and "scope" not in form
