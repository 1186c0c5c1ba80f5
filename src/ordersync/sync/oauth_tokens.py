"""The engine's OAuth 2 token store (``sdk.oauth2.TokenStore``) and the "needs re-authorisation" mark.

Tokens live encrypted (the hub's SecretBox) in ``connection_tokens``, access and refresh token in one sealed
value, so a refreshed access token and a rotated refresh token are written together or not at all. One worker
at a time refreshes a connection's tokens, across processes: PostgreSQL locks the token row (``SELECT … FOR
UPDATE``) for the refresh and saves in that same transaction; SQLite, whose writers would all wait behind a
long transaction, takes a short lease on the row instead. Whoever gets the lock second reads the row again and
uses the token the first one saved. Built into every connector's context by ``connections.build_connector``,
so the import, the dispatcher and webhook processing share it.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..channels.sdk.errors import TransientError
from ..channels.sdk.oauth2 import TokenSet
from ..domain.timeutil import utcnow
from ..store.models import Connection, ConnectionTokens
from . import leases
from .hub import Hub

LOCK_TTL = timedelta(minutes=2)  # longer than a token call with its retries; a dead holder frees it after this
LOCK_WAIT = 90.0  # seconds a worker waits for another one's refresh before giving up (transient)


class DbTokenStore:
    """One connection's tokens in the hub database; see the module docstring."""

    def __init__(self, hub: Hub, connection_id: int) -> None:
        self.hub, self.connection_id = hub, connection_id
        self._held = threading.local()  # the PostgreSQL session holding the row lock, per thread

    # reading and writing ------------------------------------------------------------------------------------
    def load(self) -> TokenSet | None:
        held: Session | None = getattr(self._held, "session", None)
        query = select(ConnectionTokens.tokens).where(ConnectionTokens.connection_id == self.connection_id)
        if held is not None:
            sealed = held.scalar(query)
        else:
            with self.hub.db.session() as s:
                sealed = s.scalar(query)
        return TokenSet.from_dict(self.hub.secrets.open(sealed)) if sealed else None

    def save(self, tokens: TokenSet) -> None:
        held: Session | None = getattr(self._held, "session", None)
        if held is not None:
            self._write(held, tokens)  # committed with the lock's transaction
            return
        with self.hub.db.session() as s:
            self._write(s, tokens)

    def _write(self, s: Session, tokens: TokenSet) -> None:
        _ensure_row(s, self.connection_id)
        s.execute(
            update(ConnectionTokens)
            .where(ConnectionTokens.connection_id == self.connection_id)
            .values(tokens=self.hub.secrets.seal(tokens.to_dict()), updated_at=utcnow())
        )

    def revoked(self, reason: str) -> None:
        mark_needs_reauthorisation(self.hub, self.connection_id, reason)

    # one refresher at a time --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        if self.hub.db.engine.dialect.name == "postgresql":
            with self.hub.db.session() as s:
                _ensure_row(s, self.connection_id)
                s.commit()
                s.execute(
                    select(ConnectionTokens.connection_id)
                    .where(ConnectionTokens.connection_id == self.connection_id)
                    .with_for_update()
                )
                self._held.session = s
                try:
                    yield
                finally:
                    self._held.session = None
            return
        owner = leases.owner_id()
        self._acquire_lease(owner)
        try:
            yield
        finally:
            with self.hub.db.session() as s:
                s.execute(
                    update(ConnectionTokens)
                    .where(ConnectionTokens.connection_id == self.connection_id, ConnectionTokens.lock_owner == owner)
                    .values(lock_owner=None, lock_until=None)
                )

    def _acquire_lease(self, owner: str) -> None:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            now = utcnow()
            with self.hub.db.session() as s:
                _ensure_row(s, self.connection_id)
                got = (
                    s.execute(
                        update(ConnectionTokens)
                        .where(  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                            ConnectionTokens.connection_id == self.connection_id,
                            (ConnectionTokens.lock_until.is_(None)) | (ConnectionTokens.lock_until < now),
                        )
                        .values(lock_owner=owner, lock_until=now + LOCK_TTL)
                    ).rowcount
                    == 1
                )
            if got or self._take_over_from_dead(owner):
                return
            if time.monotonic() > deadline:
                raise TransientError(
                    f"connection {self.connection_id}: another worker is still refreshing "
                    "its OAuth token; try again later"
                )
            time.sleep(0.05)

    def _take_over_from_dead(self, owner: str) -> bool:
        """A holder on this host whose process is gone (killed mid-refresh) does not make others wait its TTL."""
        with self.hub.db.session() as s:
            holder = s.scalar(
                select(ConnectionTokens.lock_owner).where(ConnectionTokens.connection_id == self.connection_id)
            )
            if not leases.owner_is_dead(holder):
                return False
            return (
                s.execute(
                    update(ConnectionTokens)
                    .where(
                        ConnectionTokens.connection_id == self.connection_id,  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                        ConnectionTokens.lock_owner == holder,
                    )
                    .values(lock_owner=owner, lock_until=utcnow() + LOCK_TTL)
                ).rowcount
                == 1
            )


def _ensure_row(s: Session, connection_id: int) -> None:
    dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
    s.execute(
        dialect.insert(ConnectionTokens)
        .values(connection_id=connection_id, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["connection_id"])
    )


def mark_needs_reauthorisation(hub: Hub, connection_id: int, reason: str) -> None:
    """The platform no longer accepts the connection's grant: polls and pushes wait for the seller."""
    with hub.db.session() as s:
        s.execute(
            update(Connection)
            .where(Connection.id == connection_id)
            .values(auth_problem=reason[:2000], auth_problem_at=utcnow())
        )


def store_authorisation(hub: Hub, connection_id: int, tokens: TokenSet) -> None:
    """Tokens from a fresh consent (or a pasted refresh token): saved, and the re-authorisation mark cleared,
    in one transaction; the connection is due for a poll at once."""
    with hub.db.session() as s:
        _ensure_row(s, connection_id)
        s.execute(
            update(ConnectionTokens)
            .where(ConnectionTokens.connection_id == connection_id)
            .values(tokens=hub.secrets.seal(tokens.to_dict()), updated_at=utcnow(), lock_owner=None, lock_until=None)
        )
        s.execute(
            update(Connection)
            .where(Connection.id == connection_id)
            .values(auth_problem=None, auth_problem_at=None, next_poll_at=utcnow(), last_error=None)
        )
