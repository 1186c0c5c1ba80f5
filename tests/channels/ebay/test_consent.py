"""The seller's consent through the hub against the sandbox's auto-approving authorize URL: the code is
exchanged with HTTP Basic client auth, the tokens are stored, and an import runs on them."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from ordersync.channels.ebay.auth import SCOPES
from ordersync.sync import connections as conns
from ordersync.sync import oauth_consent
from ordersync.sync.importer import import_orders
from ordersync.sync.oauth_tokens import DbTokenStore


def test_consent_then_import(hub, served):
    ids = served.act("create", count=2)["ids"]
    connection = conns.add_connection(
        hub, "ebay", "eBay DE", {**served.sandbox.settings_for(served.base_url), "refresh_token": ""}
    )
    url = oauth_consent.begin(hub, connection, binding="s1")
    query = parse_qs(urlsplit(url).query)
    assert urlsplit(url).path == "/oauth2/authorize" and query["scope"] == [" ".join(SCOPES)]
    answer = httpx.get(url, follow_redirects=False)
    assert answer.status_code == 302
    back = parse_qs(urlsplit(answer.headers["location"]).query)
    oauth_consent.finish(hub, "ebay", back["state"][0], back["code"][0], binding="s1")
    tokens = DbTokenStore(hub, connection).load()
    assert tokens.access_token and tokens.refresh_token.startswith("v^1.1#")
    result = import_orders(hub, connection)
    assert (result.error, result.created) == ("", 2), result
    assert served.sandbox.tokens.refreshes == 0  # the granted access token was used as it is
    with hub.db.session() as s:
        from sqlalchemy import select

        from ordersync.store.models import OrderRow

        assert sorted(s.scalars(select(OrderRow.external_id))) == sorted(ids)


def test_the_runame_is_sent_as_redirect_uri_when_set(hub, served):
    from ordersync.channels.ebay.auth import USER
    from ordersync.channels.sdk.oauth2_auth import consent_url

    settings = {**served.sandbox.settings_for(served.base_url), "ru_name": "Seller_Co-Seller-ordersy-abcde"}
    url = consent_url(USER, settings, redirect_uri="https://hub.example.com/oauth/callback/ebay", state="s")
    assert parse_qs(urlsplit(url).query)["redirect_uri"] == ["Seller_Co-Seller-ordersy-abcde"]
    plain = consent_url(
        USER, {**settings, "ru_name": ""}, redirect_uri="https://hub.example.com/oauth/callback/ebay", state="s"
    )
    assert parse_qs(urlsplit(plain).query)["redirect_uri"] == ["https://hub.example.com/oauth/callback/ebay"]
