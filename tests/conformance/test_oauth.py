"""OAuth, for connectors that declare it (an ``oauth`` attribute on the Connector class, from the OAuth work
of issue 11): an expired access token is refreshed exactly once while several workers use the connection
at the same time, and a revoked refresh token marks the connection "needs re-authorisation" and loses
nothing else. The sandbox expires and revokes through the profile actions ``expire_token``/``revoke_token``
and counts the refreshes it answered in its profile (``token_refreshes``); a connector whose platform wants
consent gets its tokens through the consent round trip in ``Platform.connect``, one with a pasted refresh
token through its ``settings_for``."""

from __future__ import annotations

import threading

import pytest

from ordersync.sync.connections import load
from ordersync.sync.importer import import_orders

from .platforms import Platform, connectors_where, stored_ids, with_sandbox

OAUTH = [cls.system for cls in with_sandbox() if getattr(cls, "oauth", None)]
DECLARING = connectors_where(
    lambda cls: (
        "no registered connector declares OAuth (Connector.oauth)"
        if not OAUTH
        else None
        if getattr(cls, "oauth", None)
        else f"{cls.system} does not declare OAuth"
    )
)


def require_oauth(platform: Platform) -> None:
    if not OAUTH:
        pytest.skip("no registered connector declares OAuth (Connector.oauth)")
    if not getattr(platform.cls, "oauth", None):
        pytest.skip(f"{platform.system} does not declare OAuth")
    platform.require("create", "expire_token", "revoke_token")


@pytest.mark.parametrize("platform", DECLARING, indirect=True)
def test_an_expired_token_is_refreshed_once_under_concurrent_use(hub, platform):
    require_oauth(platform)
    ids = platform.create(4)
    conn = platform.connect(hub)
    refreshes = platform.fresh_profile().get("token_refreshes", 0)
    platform.act("expire_token")
    results = []
    workers = [threading.Thread(target=lambda: results.append(import_orders(hub, conn))) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert all(r.error == "" for r in results), [r.error for r in results]
    assert sorted(stored_ids(hub)) == sorted(ids)
    assert platform.fresh_profile()["token_refreshes"] == refreshes + 1


@pytest.mark.parametrize("platform", DECLARING, indirect=True)
def test_a_revoked_token_marks_the_connection_for_reauthorisation(hub, platform):
    require_oauth(platform)
    ids = platform.create(2)
    conn = platform.connect(hub)
    assert import_orders(hub, conn).created == 2
    platform.act("revoke_token")
    platform.act("expire_token")
    failed = import_orders(hub, conn)
    # the importer stops and waits for the seller (``skipped``) rather than failing run after run
    assert "re-authoris" in (failed.error or failed.skipped), failed
    # the OAuth work marks the connection (Connection.auth_problem, shown in Settings / Shops and the CLI)
    assert getattr(load(hub, conn), "auth_problem", None), "the connection is not marked for re-authorisation"
    assert sorted(stored_ids(hub)) == sorted(ids)
    assert "re-authoris" in import_orders(hub, conn).skipped  # later runs wait quietly too
