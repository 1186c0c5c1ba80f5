"""At most once per period across all schedulers: the re-announcements that every worker's scheduler would
otherwise repeat.

Polls need no gate (claiming one moves ``next_poll_at`` in the database), but "wake a worker for the pending
webhooks" and "wake a worker for the outbox" are idempotent reminders: sent by each of ten schedulers every
few seconds they only fill the queue with duplicates. On Redis one ``SET NX EX`` decides who reminds this
period; with the embedded SQLite queue there is one process, so a clock in memory does.
"""

from __future__ import annotations

import threading
import time

_lock = threading.Lock()
_local: dict[str, float] = {}


def once_per(huey, name: str, seconds: float) -> bool:
    """True for the first caller of ``name`` in each ``seconds`` across every process sharing the queue."""
    conn = getattr(huey.storage, "conn", None)
    if conn is not None and hasattr(conn, "set"):
        key = f"{huey.name}:gate:{name}"
        return bool(conn.set(key, "1", nx=True, px=max(1, int(seconds * 1000))))
    now = time.monotonic()
    with _lock:
        if now < _local.get(name, 0.0):
            return False
        _local[name] = now + seconds
        return True
