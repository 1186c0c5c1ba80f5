"""New orders within seconds: one watcher per connection whose connector can watch for changes (e-mail's
IMAP IDLE today), run beside the scheduler.

Which connectors watch is declared, not named: a connector class with a ``watch_changes(wake, build, stop,
interval=)`` classmethod is watched.

A watcher never imports by itself. When the server reports new mail it makes the connection's poll due, and
the scheduler hands the import to a worker under the connection's lease as usual: IDLE makes e-mail orders
arrive sooner, it is never a second way of writing them. Connections added, paused or removed are picked
up at the next refresh.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol, cast

from sqlalchemy import select

from ..channels.registry import all_connectors
from ..channels.sdk.connector import Connector
from ..store.models import Connection
from ..sync import connections
from ..sync.hub import Hub
from ..telemetry.context import bound
from .scheduler import request_sync_now

log = logging.getLogger("ordersync.mailwatch")
MIN_GAP = 5.0  # seconds between two wake-ups of one connection: a waiting mail must not spin the loop


class WatchesChanges(Protocol):
    """A connector class that can watch for changes (the classmethod ``watching_systems`` looks for)."""

    def watch_changes(
        self, wake: Callable[[], None], build: Callable[[], Connector], stop: threading.Event, *, interval: float
    ) -> None: ...


def watching_systems() -> list[str]:
    """The systems whose connectors declare that they can watch for changes."""
    return [system for system, cls in all_connectors().items() if callable(getattr(cls, "watch_changes", None))]


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
            wanted = {
                conn_id: (interval, system)
                for conn_id, interval, system in s.execute(
                    select(Connection.id, Connection.poll_interval, Connection.system).where(
                        Connection.system.in_(watching_systems()), Connection.paused.is_(False)
                    )
                ).all()
            }
        for conn_id in [c for c in self.watching if c not in wanted or not self.watching[c][1].is_alive()]:
            self.watching.pop(conn_id)[0].set()
        for conn_id, (interval, system) in wanted.items():
            if conn_id not in self.watching:
                stop = threading.Event()
                thread = threading.Thread(
                    target=self._watch_bound,
                    args=(conn_id, system, interval, stop),
                    daemon=True,
                    name=f"ordersync-mailwatch-{conn_id}",
                )
                self.watching[conn_id] = (stop, thread)
                thread.start()

    def _watch_bound(self, conn_id: int, system: str, interval: int, stop: threading.Event) -> None:
        with bound(connection_id=conn_id):  # on every log line and metric of this watcher
            self._watch(conn_id, system, interval, stop)

    def _watch(self, conn_id: int, system: str, interval: int, stop: threading.Event) -> None:
        def wake() -> None:
            request_sync_now(self.hub, conn_id)
            stop.wait(MIN_GAP)

        def build() -> Connector:
            return connections.build_connector(self.hub, connections.load(self.hub, conn_id))

        try:
            watcher = cast(WatchesChanges, connections.connector_class(system))  # one of ``watching_systems``
            watcher.watch_changes(wake, build, stop, interval=max(interval, MIN_GAP))
        except Exception:  # noqa: BLE001 - e.g. the connection was deleted; the next refresh decides
            log.exception("change watcher of connection %s stopped", conn_id)
