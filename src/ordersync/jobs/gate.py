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
_local: dict[str, float] = {}  # without Redis (one process): key -> monotonic expiry


def _redis(huey):
    conn = getattr(huey.storage, "conn", None)
    return conn if conn is not None and hasattr(conn, "set") else None


def _take(huey, key: str, seconds: float) -> bool:
    """Set ``key`` for ``seconds`` unless it is set; True for the caller that set it."""
    conn = _redis(huey)
    if conn is not None:
        return bool(conn.set(f"{huey.name}:{key}", "1", nx=True, px=max(1, int(seconds * 1000))))
    now = time.monotonic()
    with _lock:
        if now < _local.get(key, 0.0):
            return False
        _local[key] = now + seconds
        return True


def once_per(huey, name: str, seconds: float) -> bool:
    """True for the first caller of ``name`` in each ``seconds`` across every process sharing the queue."""
    return _take(huey, f"gate:{name}", seconds)


def arm(huey, name: str, seconds: float) -> bool:
    """Raise a flag that expires after ``seconds``; True only for the caller that raised it (who then
    announces the work). A worker lowers it with ``disarm`` before it looks for the work, so whatever is
    stored after that look raises the flag again: nothing waits unannounced longer than the expiry, which
    only matters when a worker dies holding the announcement."""
    return _take(huey, f"flag:{name}", seconds)


def disarm(huey, name: str) -> None:
    conn = _redis(huey)
    if conn is not None:
        conn.delete(f"{huey.name}:flag:{name}")
        return
    with _lock:
        _local.pop(f"flag:{name}", None)
