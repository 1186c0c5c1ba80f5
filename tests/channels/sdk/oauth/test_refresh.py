"""Refresh before expiry, on a 401 exactly once, by one worker at a time (threads and processes), with rotated
refresh tokens persisted."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import timedelta

import httpx
import pytest

from ordersync.channels import registry
from ordersync.channels.sdk.oauth2 import TokenSet
from ordersync.domain.timeutil import utcnow
from ordersync.sync import connections as conns
from ordersync.sync import oauth_consent
from ordersync.sync.hub import Hub
from ordersync.sync.oauth_tokens import DbTokenStore, store_authorisation

from .conftest import consent, token_calls
from .connector import OAuthDemo


def _authorised(hub, connection) -> None:
    state, code = consent(hub, connection)
    oauth_consent.finish(hub, "oauthdemo", state, code, binding="session-1")


def _connector(hub, connection):
    return conns.build_connector(hub, conns.load(hub, connection))


def _paths(sandbox) -> list[tuple[str, int]]:
    return [(r["path"], r["status"]) for r in sandbox.requests.entries()]


def test_refresh_before_expiry(hub, provider, connection):
    sandbox, _ = provider
    sandbox.control_orders({"action": "configure", "ttl": 61.5})  # usable for 1.5 s with the 60 s margin
    _authorised(hub, connection)
    connector = _connector(hub, connection)
    try:
        connector.me()
        assert token_calls(sandbox) == 0
        before = DbTokenStore(hub, connection).load()
        import time

        time.sleep(1.7)
        sandbox.requests.clear()
        connector.me()
    finally:
        connector.close()
    assert _paths(sandbox) == [("/oauth/token", 200), ("/api/me", 200)]  # refreshed first, no 401 seen
    assert DbTokenStore(hub, connection).load().access_token != before.access_token


def test_refresh_on_401_exactly_once_then_retry(hub, provider, connection):
    sandbox, _ = provider
    _authorised(hub, connection)
    connector = _connector(hub, connection)
    try:
        connector.me()
        sandbox.control_orders({"action": "expire"})  # the platform voids the token before its time
        sandbox.requests.clear()
        assert connector.me() == {"shop": "demo"}
    finally:
        connector.close()
    assert _paths(sandbox) == [("/api/me", 401), ("/oauth/token", 200), ("/api/me", 200)]


def test_a_401_after_a_fresh_token_is_not_refreshed_again(hub, provider, connection):
    """The platform keeps refusing: one refresh, one retry, then the 401 is the answer (no loop)."""
    sandbox, _ = provider
    sandbox.control_orders({"action": "configure", "ttl": 0.0001})  # every token dead on arrival
    _authorised(hub, connection)
    store = DbTokenStore(hub, connection)
    fresh = store.load()
    store.save(TokenSet(fresh.access_token, utcnow() + timedelta(hours=1), fresh.refresh_token))
    connector = _connector(hub, connection)
    sandbox.requests.clear()
    try:
        connector.me()
        raise AssertionError("expected the 401 to surface")
    except Exception as exc:  # noqa: BLE001
        assert getattr(exc, "status", None) == 401
    finally:
        connector.close()
    assert _paths(sandbox) == [("/api/me", 401), ("/oauth/token", 200), ("/api/me", 401)]


def _expired(hub, connection) -> None:
    stored = DbTokenStore(hub, connection).load()
    store_authorisation(
        hub, connection, TokenSet(stored.access_token, utcnow() - timedelta(seconds=5), stored.refresh_token)
    )


def test_threads_refresh_once(hub, provider, connection):
    sandbox, _ = provider
    _authorised(hub, connection)
    _expired(hub, connection)
    shared = _connector(hub, connection)
    barrier, errors = threading.Barrier(8), []

    def work(own: bool) -> None:
        connector = _connector(hub, connection) if own else shared
        try:
            barrier.wait()
            assert connector.me() == {"shop": "demo"}
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            if own:
                connector.close()

    threads = [threading.Thread(target=work, args=(i % 2 == 0,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    shared.close()
    assert not errors
    assert token_calls(sandbox) == 1
    assert not [p for p in _paths(sandbox) if p == ("/api/me", 401)]


def _worker(config, connection: int, start, results) -> None:
    registry.register(OAuthDemo, replace=True)
    hub = Hub.open(config, migrate=False)
    try:
        connector = conns.build_connector(hub, conns.load(hub, connection))
        start.wait(30)
        results.put(connector.me()["shop"])
        connector.close()
    except Exception as exc:  # noqa: BLE001
        results.put(f"{type(exc).__name__}: {exc}")
    finally:
        hub.close()


def test_two_processes_refresh_once(hub, hub_config, provider, connection):
    sandbox, _ = provider
    _authorised(hub, connection)
    _expired(hub, connection)
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(hub_config, connection, start, results)) for _ in range(3)]
    for p in procs:
        p.start()
    import time

    time.sleep(3)  # let them import and build their connectors
    start.set()
    answers = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(30)
    assert answers == ["demo"] * 3
    assert token_calls(sandbox) == 1


def test_rotated_refresh_token_is_persisted(hub, provider, connection):
    sandbox, base_url = provider
    sandbox.control_orders({"action": "configure", "rotate": True})
    _authorised(hub, connection)
    first = DbTokenStore(hub, connection).load().refresh_token
    _expired(hub, connection)
    connector = _connector(hub, connection)
    try:
        connector.me()
    finally:
        connector.close()
    second = DbTokenStore(hub, connection).load().refresh_token
    assert second and second != first
    old = httpx.post(
        f"{base_url}/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": first},
        auth=("demo-client", "demo-secret"),
    )
    assert old.status_code == 400 and old.json()["error"] == "invalid_grant"
    _expired(hub, connection)
    connector = _connector(hub, connection)  # a later worker refreshes with the rotated token
    try:
        assert connector.me() == {"shop": "demo"}
    finally:
        connector.close()
    assert DbTokenStore(hub, connection).load().refresh_token not in (first, second)
    assert token_calls(sandbox) == 2  # the ledger holds accepted grants only: the old token was refused


def test_client_credentials_and_pasted_refresh_token(hub, provider):
    sandbox, base_url = provider
    with_token = conns.add_connection(hub, "oauthdemo", "Private", sandbox.settings_for(base_url))
    cc = conns.add_connection(hub, "oauthdemo", "Machine", sandbox.settings_for(base_url))
    grant = httpx.post(
        f"{base_url}/oauth/token", data={"grant_type": "client_credentials"}, auth=("demo-client", "demo-secret")
    )
    assert grant.status_code == 200
    sandbox.control_orders({"action": "configure", "rotate": False})
    _authorised(hub, with_token)
    pasted = DbTokenStore(hub, with_token).load().refresh_token
    oauth_consent.store_refresh_token(hub, with_token, pasted)  # as a seller pastes a private app's token
    connector = _connector(hub, with_token)
    try:
        assert connector.me() == {"shop": "demo"}
    finally:
        connector.close()
    connector = _connector(hub, cc)  # no refresh token: the client-credentials grant
    try:
        assert connector.me() == {"shop": "demo"}
    finally:
        connector.close()
    assert token_calls(sandbox, "client_credentials") == 2


def test_sqlite_lease_of_a_dead_refresher_is_taken_over(hub, provider, connection):
    """A worker killed mid-refresh leaves its lease; the next one on this host takes it over at once."""
    import socket

    from sqlalchemy import update as sql_update

    from ordersync.store.models import ConnectionTokens

    if hub.db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's row lock ends with the dead worker's connection; no lease to take over")
    sandbox, _ = provider
    _authorised(hub, connection)
    _expired(hub, connection)
    with hub.db.session() as s:
        s.execute(
            sql_update(ConnectionTokens)
            .where(ConnectionTokens.connection_id == connection)
            .values(lock_owner=f"{socket.gethostname()}:999999:1", lock_until=utcnow() + timedelta(hours=1))
        )
    connector = _connector(hub, connection)
    try:
        assert connector.me() == {"shop": "demo"}
    finally:
        connector.close()
    assert token_calls(sandbox) == 1


def test_a_dispatch_refreshes_through_the_same_store(hub, provider, connection):
    """The outbox's push finds the token expired: one refresh, saved for the import that follows."""
    import json

    from ordersync.store.models import OutboxEntry
    from ordersync.sync import dispatcher
    from ordersync.sync.importer import import_orders

    sandbox, _ = provider
    _authorised(hub, connection)
    _expired(hub, connection)
    now = utcnow()
    with hub.db.session() as s:
        account_id = conns.load(hub, connection).account_id
        s.add(
            OutboxEntry(
                account_id=account_id,
                connection_id=connection,
                kind="stock",
                payload=json.dumps({"product_external_id": "P1", "quantity": 7}),
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
        )
    assert dispatcher.dispatch(hub, connection).sent == 1
    assert not import_orders(hub, connection).error
    assert token_calls(sandbox) == 1
    assert [e["resource_id"] for e in sandbox.ledger.entries("stock.set")] == ["P1"]
