"""Pooled PostgreSQL connections: checked only after sitting idle, and a dead one is replaced, not handed out."""

from __future__ import annotations

from conftest import PG_ADMIN_URL
from sqlalchemy import create_engine, text

from ordersync.store import db


def _backend(database: db.Database) -> int:
    with database.session() as s:
        return s.scalar(text("SELECT pg_backend_pid()"))


def test_a_connection_killed_while_idle_is_replaced_before_use(pg_template, monkeypatch):
    database = db.Database(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{pg_template}")
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        first = _backend(database)
        assert _backend(database) == first  # the same pooled connection, used again at once
        with admin.connect() as conn:  # the server restarts, or a firewall drops the idle connection
            assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)
        second = _backend(database)  # no error: the pool found it dead and opened a new one
        assert second != first
        monkeypatch.setattr(db, "IDLE_PING_SECONDS", 3600.0)
        assert _backend(database) == second  # and a busy connection is not pinged (nothing to see but speed)
    finally:
        database.dispose()
        admin.dispose()
