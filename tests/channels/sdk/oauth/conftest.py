"""The OAuth sandbox on loopback, the test connector registered for the test, and a connection to it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ordersync.channels import registry
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.sync import connections as conns
from ordersync.sync import oauth_consent

from .connector import OAuthDemo
from .sandbox import OAuthSandbox


@pytest.fixture
def provider():
    sandbox = OAuthSandbox()
    server = serve_in_thread(sandbox.app)
    registry.register(OAuthDemo, replace=True)
    yield sandbox, server.base_url
    registry.unregister(OAuthDemo.system)
    server.stop()
    sandbox.close()


@pytest.fixture
def connection(hub, provider):
    sandbox, base_url = provider
    return conns.add_connection(hub, "oauthdemo", "Demo", sandbox.settings_for(base_url))


def consent(hub, connection_id: int, binding: str = "session-1") -> tuple[str, str]:
    """Start the consent, let the provider's authorize endpoint answer, return (state, code) it redirected with."""
    url = oauth_consent.begin(hub, connection_id, binding=binding)
    answer = httpx.get(url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert back.path.endswith("/oauth/callback/oauthdemo")
    query = parse_qs(back.query)
    return query["state"][0], query["code"][0]


def token_calls(sandbox, grant: str = "refresh_token") -> int:
    return len(sandbox.ledger.entries(f"token.{grant}"))
