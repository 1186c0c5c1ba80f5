"""Consent with PKCE and a single-use state bound to its session; tokens stored encrypted."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select, update

from ordersync.domain.timeutil import utcnow
from ordersync.store.models import ConnectionTokens, OAuthState
from ordersync.sync import oauth_consent
from ordersync.sync.oauth_consent import ConsentRejected
from ordersync.sync.oauth_tokens import DbTokenStore

from .conftest import consent, token_calls


def test_consent_url_carries_pkce_scope_and_callback(hub, connection):
    url = oauth_consent.begin(hub, connection, binding="s")
    q = parse_qs(urlsplit(url).query)
    assert q["code_challenge_method"] == ["S256"] and len(q["code_challenge"][0]) == 43
    assert q["redirect_uri"] == [f"{hub.config.base_url}/oauth/callback/oauthdemo"]
    assert q["scope"] == ["orders.read"] and q["client_id"] == ["demo-client"] and len(q["state"][0]) >= 32


def test_code_exchange_stores_tokens_encrypted(hub, provider, connection):
    sandbox, _ = provider
    state, code = consent(hub, connection)
    oauth_consent.finish(hub, "oauthdemo", state, code, binding="session-1")
    tokens = DbTokenStore(hub, connection).load()
    assert tokens.access_token and tokens.refresh_token and tokens.expires_at > utcnow()
    with hub.db.session() as s:
        raw = s.scalar(select(ConnectionTokens.tokens).where(ConnectionTokens.connection_id == connection))
    assert tokens.access_token not in raw and tokens.refresh_token not in raw
    assert token_calls(sandbox, "authorization_code") == 1


def test_wrong_reused_expired_or_foreign_state_is_rejected(hub, provider, connection):
    sandbox, _ = provider
    state, code = consent(hub, connection)
    with pytest.raises(ConsentRejected, match="unknown"):
        oauth_consent.finish(hub, "oauthdemo", state + "x", code, binding="session-1")
    with pytest.raises(ConsentRejected, match="another session"):
        oauth_consent.finish(hub, "oauthdemo", state, code, binding="session-2")
    oauth_consent.finish(hub, "oauthdemo", state, code, binding="session-1")
    with pytest.raises(ConsentRejected, match="used already"):
        oauth_consent.finish(hub, "oauthdemo", state, code, binding="session-1")

    state, code = consent(hub, connection)
    with hub.db.session() as s:
        s.execute(
            update(OAuthState).where(OAuthState.used_at.is_(None)).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    with pytest.raises(ConsentRejected, match="expired"):
        oauth_consent.finish(hub, "oauthdemo", state, code, binding="session-1")
    assert token_calls(sandbox, "authorization_code") == 1  # no rejected state reached the platform


def test_pkce_verifier_must_match(hub, provider, connection):
    """A code obtained with another challenge (e.g. intercepted) is refused by the platform: a clear rejection."""
    sandbox, base_url = provider
    state, _ = consent(hub, connection)
    answer = httpx.get(
        f"{base_url}/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": "demo-client",
            "state": "x",
            "code_challenge": "A" * 43,
            "code_challenge_method": "S256",
            "redirect_uri": f"{hub.config.base_url}/oauth/callback/oauthdemo",
        },
    )
    foreign_code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
    with pytest.raises(ConsentRejected, match="did not accept"):
        oauth_consent.finish(hub, "oauthdemo", state, foreign_code, binding="session-1")
    assert DbTokenStore(hub, connection).load() is None
