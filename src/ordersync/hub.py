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

from sqlalchemy import select
from sqlalchemy.orm import Session

from .config import Config, load_config
from .domain.timeutil import utcnow
from .store.crypto import SecretBox, load_or_create_key
from .store.db import Database
from .store.models_core import Account  # not models: the hub's start maps three tables, not all
from .store.private import private_dir


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
        with self.db.session() as s:
            return self._account_id(s, name)

    def _account_id(self, s: Session, name: str | None) -> int:
        if name:
            acc = s.scalar(select(Account).where(Account.name == name))
            if acc is None:
                raise HubError(f"no account named {name!r}")
            return acc.id
        accounts = s.scalars(select(Account).order_by(Account.id).limit(2)).all()
        if len(accounts) == 1:
            return accounts[0].id
        if len(accounts) > 1:
            raise HubError("there are several accounts; name one with --account")
        acc = Account(name="default", created_at=utcnow())
        s.add(acc)
        s.flush()
        return acc.id
