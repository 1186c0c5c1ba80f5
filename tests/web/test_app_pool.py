"""The web app sizes its webhook intake by the database pool, and starts on a pool without a fixed size too
(NullPool, SingletonThreadPool for an in-memory SQLite database): those take the intake's own thread count."""

from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from ordersync.web.app import create_app


def test_the_app_starts_on_a_pool_without_a_fixed_size(hub, monkeypatch):
    engine = create_engine(hub.db.engine.url, poolclass=NullPool)
    monkeypatch.setattr(hub.db, "engine", engine)
    try:
        assert create_app(hub) is not None  # asking NullPool for its size() raised AttributeError
    finally:
        engine.dispose()
