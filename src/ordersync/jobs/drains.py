"""One thread per worker process imports a connection's stored webhook deliveries; the others leave it a note.

A batch is CPU-bound Python under the process's one interpreter lock: two threads of one worker on the same
connection's deliveries finish no sooner than one, they make every batch take as long as both together
(bench/webhook_intake.py: eight threads ran eight batches at once, each 3-7 s, so a delivery waited seconds
behind batches that were only slow because of each other). A task that finds its connection already being
drained in its process therefore notes "look again" and returns at once; the draining thread looks again
before it stops, so nothing announced meanwhile is left waiting. Other worker processes drain the same
connection beside it on batches of their own (claims never overlap), one per process: one per core.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable


class Drains:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._again: dict[Hashable, bool] = {}  # key being drained -> a task arrived since the drainer's last look

    def begin(self, key: Hashable) -> bool:
        """True when the caller now drains ``key``; False when another thread does (and will look again)."""
        with self._lock:
            if key in self._again:
                self._again[key] = True
                return False
            self._again[key] = False
            return True

    def finish(self, key: Hashable) -> bool:
        """The drainer found nothing: True when it may stop, False when a task arrived since its last look
        (it looks once more)."""
        with self._lock:
            if self._again.get(key):
                self._again[key] = False
                return False
            self._again.pop(key, None)
            return True

    def abandon(self, key: Hashable) -> None:
        """The drainer stops without having finished (an error, or its rounds are used up)."""
        with self._lock:
            self._again.pop(key, None)

    def draining(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._again
