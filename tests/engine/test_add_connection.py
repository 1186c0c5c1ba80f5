"""application.connections.add, the one path the CLI and the web wizard take: a failed test saves nothing, a
consent platform is saved waiting for consent, webhooks that cannot be registered leave a polling
connection with the reason."""

from __future__ import annotations

import pytest
from channels.feedshop.connector import FeedShop
from channels.feedshop.sandbox import create_sandbox as feed_sandbox
from channels.oauthshop.connector import OAuthShop
from channels.oauthshop.sandbox import create_sandbox as oauth_sandbox
from channels.webhook_variants.connectors import SignedMarket
from channels.webhook_variants.sandbox import NotifyMarket
from sqlalchemy import func, select

from ordersync.application import connections as use
from ordersync.channels import registry
from ordersync.channels.sdk.errors import AuthError
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.store.models import Connection
from ordersync.sync.connections import load
from ordersync.sync.oauth_tokens import DbTokenStore


@pytest.fixture
def served():
    started = []

    def serve(cls, sandbox):
        registry.register(cls, replace=True)
        server = serve_in_thread(sandbox.app)
        started.append((cls, sandbox, server))
        return sandbox.settings_for(server.base_url)

    yield serve
    for cls, sandbox, server in started:
        server.stop()
        sandbox.close()
        registry.unregister(cls.system)


def connections(hub) -> int:
    with hub.db.session() as s:
        return s.scalar(select(func.count()).select_from(Connection))


def test_a_failed_test_saves_nothing_and_names_the_cause(hub, served):
    settings = served(FeedShop, feed_sandbox())
    with pytest.raises(use.TestFailed, match="connection test failed, nothing saved") as caught:
        use.add(hub, "feedshop", "feeds", settings | {"token": "wrong"})
    assert isinstance(caught.value.cause, AuthError) and connections(hub) == 0
    added = use.add(hub, "feedshop", "feeds", settings)
    assert added.test_message == "ok" and not added.needs_consent and connections(hub) == 1


def test_a_consent_platform_waits_for_consent_and_a_pasted_refresh_token_is_tested_and_kept(hub, served):
    sandbox = oauth_sandbox()
    settings = served(OAuthShop, sandbox)
    added = use.add(hub, "oauthshop", "shop", settings)
    assert added.needs_consent and not added.test_message
    assert load(hub, added.connection_id).auth_problem  # "waiting for the seller's consent"
    sandbox.control_orders({"action": "configure", "rotate": True})
    sandbox.control_orders({"action": "grant_refresh_token", "token": "pasted-1"})
    pasted = use.add(hub, "oauthshop", "private", settings | {"refresh_token": "pasted-1"})
    assert not pasted.needs_consent and pasted.test_message == "orders readable"
    kept = DbTokenStore(hub, pasted.connection_id).load()  # the rotated token from the test, not the voided one
    assert kept.access_token and kept.refresh_token not in ("", "pasted-1")


def test_webhooks_that_cannot_be_registered_leave_a_polling_connection_with_the_reason(hub, served):
    settings = served(SignedMarket, NotifyMarket())
    added = use.add(hub, "signedmarket", "market", settings, test=False)
    assert added.connection_id and added.webhook_problem and added.webhook_url == ""
    assert isinstance(added.webhook_error, NotImplementedError) and connections(hub) == 1
