"""The hub: one database, one secret box, the configuration. Everything in sync/ takes a Hub.

It sits at the package's top, beside config.py, because every layer takes one: the engine (sync/), accounts,
mail, notify, forwarding, the application layer and the web app. It imports only config and store, so none
of them has to import the engine to get it (when it lived in sync/, mail imported sync for the Hub while sync
imported mail for buyer notices: a cycle between the two packages). The Hub holds no services: who sends mail
or notifies integrators is composed where it is used, not held here.

It also owns the default account: until accounts and users arrive with the web app, every connection and
order belongs to the account named "default" (the schema is multi-tenant from the start).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from .config import Config, load_config
from .domain.timeutil import utcnow
from .store.core_tables import ACCOUNTS  # not the mapped class: the hub's start needs no ORM
from .store.crypto import SecretBox, load_or_create_key
from .store.db import Database
from .store.private import private_dir

if TYPE_CHECKING:
    from sqlalchemy import Connection as CoreConnection
    from sqlalchemy.orm import Session


class HubError(Exception):
    """A user-facing error: the message says what is wrong and, where it can, what to do."""


@dataclass
class Hub:
    config: Config
    db: Database
    secrets: SecretBox

    @classmethod
    def open(cls, config: Config | None = None, *, migrate: bool = True) -> Hub:
        config = config or load_config()
        private_dir(config.home)
        db = Database(config.database_url)
        if migrate:
            db.upgrade()
        box = SecretBox(load_or_create_key(config.master_key, config.master_key_file))
        return cls(config, db, box)

    def close(self) -> None:
        self.db.dispose()

    def account_id(self, name: str | None = None, session: Session | None = None) -> int:
        """The id of the named account, or of the only/default one (created on first use).

        Pass the caller's open session: on SQLite a second transaction in the same thread would wait
        for the first one's write lock forever."""
        if session is not None:
            return self._account_id(session, name)
        with self.db.engine.begin() as conn:  # commits the default account if it creates it
            return self._account_id(conn, name)

    def _account_id(self, s: Session | CoreConnection, name: str | None) -> int:
        """Core statements, which a session and a connection both run: no ORM is imported for them."""
        if name:
            found = s.scalar(select(ACCOUNTS.c.id).where(ACCOUNTS.c.name == name))
            if found is None:
                raise HubError(f"no account named {name!r}")
            return found
        ids = s.scalars(select(ACCOUNTS.c.id).order_by(ACCOUNTS.c.id).limit(2)).all()
        if len(ids) == 1:
            return ids[0]
        if len(ids) > 1:
            raise HubError("there are several accounts; name one with --account")
        s.execute(insert(ACCOUNTS).values(name="default", created_at=utcnow()))
        created = s.scalar(select(ACCOUNTS.c.id).where(ACCOUNTS.c.name == "default"))
        assert created is not None  # inserted just above, in this transaction
        return created
