"""Engines and sessions for SQLite (embedded default) and PostgreSQL, and schema migration via Alembic.

SQLite runs in WAL mode with a busy timeout, and every transaction starts with BEGIN IMMEDIATE: a
deferred transaction that reads and then writes can hit SQLITE_BUSY without waiting when another writer
is active, which would turn a harmless race between a webhook and a poll into an error.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError

from .private import private_file

if TYPE_CHECKING:  # Alembic is imported when a migration has to run, not by every start
    from alembic.config import Config as AlembicConfig
    from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1].split("?", 1)[0]
        if path and path != ":memory:":
            private_file(Path(path))
        engine = create_engine(url, echo=echo, connect_args={"timeout": 60, "check_same_thread": False})
        _sqlite_setup(engine)
        return engine
    # No server-side prepared statements: PostgreSQL would switch them to a generic plan chosen while a
    # table was small (a sequential scan) and keep it as the table grows, which made a 100,000-order
    # import three times slower than a 10,000-order one.
    engine = create_engine(url, echo=echo, pool_size=10, max_overflow=20, connect_args={"prepare_threshold": None})
    _ping_when_idle(engine)
    _binary_arrays(engine)
    return engine


def _binary_arrays(engine: Engine) -> None:
    """Lists (store.bulk's column arrays, one per column of a page of rows) go in PostgreSQL's binary array
    format: the text format quotes and escapes every element in Python, a regular expression substitution per
    quote of an order's JSON, which cost more than the multi-row INSERT it replaced. The values are the same;
    only the bytes on the wire differ. Nothing else binds a list (a JSON value is bound wrapped, not as one)."""
    from psycopg.types.array import ListBinaryDumper

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record) -> None:
        dbapi_conn.adapters.register_dumper(list, ListBinaryDumper)


IDLE_PING_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before use only when it sat idle: a connection that was just in use is alive,
    and pinging each checkout was one round trip in four of a webhook delivery. A dead one (the server
    restarted) is dropped and replaced by the pool, never handed out."""

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn, record, _proxy) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            with dbapi_conn.cursor() as cur:
                cur.execute("SELECT 1")
            dbapi_conn.rollback()
        except Exception as exc:  # noqa: BLE001 - any failure means this connection is not usable
            raise DisconnectionError(f"pooled connection is dead: {exc}") from exc


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """One engine and its session factory. ``session()`` commits on success and rolls back on error."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._factory: sessionmaker[Session] | None = None

    def _sessions(self) -> sessionmaker[Session]:
        """The session factory, made by the first session: a start that reads through Core tables (the hub's
        account lookup, `orders list`) does not import the ORM, a fifth of a short command's start."""
        if self._factory is None:  # two threads racing here make two equal factories: harmless
            from sqlalchemy.orm import sessionmaker

            self._factory = sessionmaker(self.engine, expire_on_commit=False)
        return self._factory

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self._sessions()()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def upgrade(self) -> None:
        if not at_head(self.engine):
            upgrade(self.url, engine=self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(url: str) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head", *, engine: Engine | None = None) -> None:
    from alembic import command

    cfg = alembic_config(url)
    if engine is not None:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    else:
        command.upgrade(cfg, revision)


_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(.*)$", re.M)


def script_heads() -> set[str]:
    """The revisions no migration file builds on, read from versions/*.py without importing Alembic."""
    revisions, downs = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(text), _DOWN.search(text)
        if rev is None or down is None:
            return set()  # a file this reading does not understand: let Alembic decide
        revisions.add(rev.group(1))
        downs.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return revisions - downs


def at_head(engine: Engine) -> bool:
    """True when the database is at the newest migration, so that starting (every CLI command, every worker)
    skips importing and running Alembic, a third of a short command's time. The version is read from the
    database each time; anything unusual (no version table, several heads, an unknown file) answers False
    and Alembic decides as before."""
    heads = script_heads()
    if len(heads) != 1:
        return False
    try:
        with engine.connect() as conn:
            current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    except SQLAlchemyError:
        return False
    return current == list(heads)
