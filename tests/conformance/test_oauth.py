"""OAuth, for connectors that declare it (an ``oauth`` attribute on the Connector class, from the OAuth work
of issue 11): an expired access token is refreshed exactly once while several workers use the connection
at the same time, and a revoked refresh token marks the connection "needs re-authorisation" and loses
nothing else. The sandbox expires and revokes through the profile actions ``expire_token``/``revoke_token``
and counts the refreshes it answered in its profile (``token_refreshes``); its ``settings_for`` gives what
the connection needs to hold a token (or the lead wires the consent step in ``Platform.connect``)."""

from __future__ import annotations

import threading

import pytest

from ordersync.channels.registry import all_connectors
from ordersync.sync.connections import load
from ordersync.sync.importer import import_orders

from .platforms import Platform, connectors_where, stored_ids

OAUTH = [cls.system for cls in all_connectors().values() if getattr(cls, "oauth", None)]
DECLARING = connectors_where(lambda cls: "no registered connector declares OAuth (Connector.oauth)" if not OAUTH
                             else None if getattr(cls, "oauth", None) else f"{cls.system} does not declare OAuth")


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
    # the importer reports a revoked grant as a skipped run, not an error (tests/channels/sdk/oauth/test_revoked.py)
    assert failed.error or failed.skipped.startswith("needs re-authorisation")
    # the OAuth work marks the connection (Connection.auth_problem, shown in Settings / Shops and the CLI)
    assert getattr(load(hub, conn), "auth_problem", None), "the connection is not marked for re-authorisation"
    assert sorted(stored_ids(hub)) == sorted(ids)
