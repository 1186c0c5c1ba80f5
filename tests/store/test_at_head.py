"""Starting skips Alembic only when the database is at the newest migration; otherwise it still migrates."""

from __future__ import annotations

from sqlalchemy import text

from ordersync.store.db import Database, at_head, script_heads, upgrade


def test_the_migration_files_have_one_head():
    assert len(script_heads()) == 1


def test_a_current_database_is_at_head(database_url):
    db = Database(database_url)
    try:
        assert at_head(db.engine)
    finally:
        db.dispose()


def test_an_older_database_is_not_at_head_and_is_migrated_on_open(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    db = Database(url)
    try:
        assert not at_head(db.engine)
        db.upgrade()
        assert at_head(db.engine)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == next(iter(script_heads()))
    finally:
        db.dispose()


def test_an_empty_database_is_not_at_head(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        assert not at_head(db.engine)
        db.upgrade()
        assert at_head(db.engine)
    finally:
        db.dispose()
