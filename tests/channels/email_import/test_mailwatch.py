"""The runtime's IDLE watchers: new mail makes its connection's poll due at once, without waiting for the
poll interval, and the import itself stays with the scheduler and a worker."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import update

from ordersync.domain.timeutil import utcnow
from ordersync.jobs.mailwatch import MailWatchers
from ordersync.store.models import Connection
from ordersync.sync import connections

from .samples import order_mail

HANG_GUARD = 120  # seconds; only keeps a broken test from hanging, asserts nothing about speed


def _next_poll(hub, cid):
    with hub.db.session() as s:
        return s.get(Connection, cid).next_poll_at


def _wait(predicate) -> bool:
    deadline = time.monotonic() + HANG_GUARD
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_new_mail_makes_the_poll_due_and_watchers_follow_the_connections(hub, account, connection):
    cid = connection()
    far = utcnow() + timedelta(hours=1)
    with hub.db.session() as s:
        s.execute(update(Connection).where(Connection.id == cid).values(poll_interval=3600, next_poll_at=far))
    watchers = MailWatchers(hub, refresh=0.2)
    watchers.start()
    try:
        assert _wait(lambda: _next_poll(hub, cid) <= utcnow()), "the watcher never woke its connection"
        with hub.db.session() as s:  # as if the scheduler had claimed that poll and the import found nothing
            s.execute(update(Connection).where(Connection.id == cid).values(next_poll_at=far))
        account.deliver(order_mail("wix", "WATCH-1"))
        assert _wait(lambda: _next_poll(hub, cid) <= utcnow()), "new mail did not make the poll due"
        connections.set_paused(hub, "mails", True)
        assert _wait(lambda: cid not in watchers.watching), "a paused connection is still watched"
    finally:
        watchers.stop()
        watchers.join(HANG_GUARD)
    assert not watchers.is_alive()
