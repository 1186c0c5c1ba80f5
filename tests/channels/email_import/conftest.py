"""A Dovecot server per test module, a fresh mailbox per test, and an e-mail connection to it in the hub."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from conftest import require_or_skip

from ordersync.channels.email_import.connector import EmailConnector
from ordersync.channels.email_import.mailbox import Mailbox
from ordersync.sync.connections import add_connection

from .dovecot import Dovecot, dovecot_missing


@pytest.fixture(scope="module")
def dovecot():
    problem = dovecot_missing()
    require_or_skip(problem is None, problem or "")
    server = Dovecot().start()
    yield server
    server.stop()


@dataclass
class MailAccount:
    server: Dovecot
    user: str
    password: str

    def settings(self, **extra) -> dict:
        return {**self.server.settings(self.user, self.password), **extra}

    def connector(self, **extra) -> EmailConnector:
        return EmailConnector(self.settings(**extra))

    def mailbox(self) -> Mailbox:
        return EmailConnector(self.settings()).mailbox()

    def deliver(self, raw: bytes, folder: str = "INBOX", when: datetime | None = None) -> None:
        with self.mailbox() as mb:
            mb.ensure_folder(folder)
            mb.append(folder, raw, when)

    def contents(self, folder: str) -> list[bytes]:
        with self.mailbox() as mb:
            if folder not in mb.folders():
                return []
            mb.select(folder, readonly=True)
            refs = mb.list()
            raws = mb.fetch([r.uid for r in refs])
            return [raws[r.uid] for r in refs]


@pytest.fixture
def account(dovecot) -> MailAccount:
    user, password = dovecot.add_user()
    return MailAccount(dovecot, user, password)


@pytest.fixture
def connection(hub, account):
    def make(name: str = "mails", **extra) -> int:
        return add_connection(hub, "email", name, account.settings(**extra))

    return make
