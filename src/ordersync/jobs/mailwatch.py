"""New order mail within seconds: one IMAP IDLE watcher per e-mail connection, run beside the scheduler.

A watcher never imports by itself. When the server reports new mail it makes the connection's poll due, and
the scheduler hands the import to a worker under the connection's lease as usual: IDLE makes e-mail orders
arrive sooner, it is never a second way of writing them. Connections added, paused or removed are picked
up at the next refresh.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import select

from ..channels.email_import.connector import EmailConnector
from ..channels.email_import.watch import watch
from ..store.models import Connection
from ..sync import connections
from ..sync.hub import Hub
from .scheduler import request_sync_now

log = logging.getLogger("ordersync.mailwatch")
MIN_GAP = 5.0  # seconds between two wake-ups of one connection: a waiting mail must not spin the loop


class MailWatchers(threading.Thread):
    def __init__(self, hub: Hub, refresh: float = 60.0) -> None:
        super().__init__(name="ordersync-mailwatch", daemon=True)
        self.hub, self.refresh_every, self._halt = hub, refresh, threading.Event()
        self.watching: dict[int, tuple[threading.Event, threading.Thread]] = {}

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                self.refresh()
            except Exception:  # noqa: BLE001 - watching is a speed-up; polling goes on regardless
                log.exception("refreshing the e-mail watchers failed")
            self._halt.wait(self.refresh_every)
        for stop, _ in self.watching.values():
            stop.set()

    def stop(self) -> None:
        self._halt.set()

    def refresh(self) -> None:
        with self.hub.db.session() as s:
            wanted = dict(s.execute(select(Connection.id, Connection.poll_interval).where(
                Connection.system == EmailConnector.system, Connection.paused.is_(False))).all())
        for conn_id in [c for c in self.watching if c not in wanted or not self.watching[c][1].is_alive()]:
            self.watching.pop(conn_id)[0].set()
        for conn_id, interval in wanted.items():
            if conn_id not in self.watching:
                stop = threading.Event()
                thread = threading.Thread(target=self._watch, args=(conn_id, interval, stop), daemon=True,
                                          name=f"ordersync-mailwatch-{conn_id}")
                self.watching[conn_id] = (stop, thread)
                thread.start()

    def _watch(self, conn_id: int, interval: int, stop: threading.Event) -> None:
        def wake() -> None:
            request_sync_now(self.hub, conn_id)
            stop.wait(MIN_GAP)

        def build() -> EmailConnector:
            return connections.build_connector(self.hub, connections.load(self.hub, conn_id))

        try:
            watch(wake, build, stop, interval=max(interval, MIN_GAP))
        except Exception:  # noqa: BLE001 - e.g. the connection was deleted; the next refresh decides
            log.exception("e-mail watcher of connection %s stopped", conn_id)
