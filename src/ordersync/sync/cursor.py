"""Import cursors as small pure functions (invariant 1: no order is lost).

The cursor is the channel's *modification* time up to which everything is known to be stored. A run reads
the window (position - overlap, now - safety_lag]: the overlap re-reads records whose modification landed
just before the last run's end but became visible late (slow commits, clock skew between the shop and
us); the safety lag keeps the window's end out of the seconds in which the shop may still be writing. The
position moves to the window's end only after every page of the window is committed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..channels.sdk.records import Window

DEFAULT_OVERLAP = timedelta(minutes=2)
DEFAULT_SAFETY_LAG = timedelta(seconds=5)


def plan_window(
    position: datetime | None,
    now: datetime,
    *,
    overlap: timedelta = DEFAULT_OVERLAP,
    safety_lag: timedelta = DEFAULT_SAFETY_LAG,
) -> Window:
    until = now - safety_lag
    if position is None:
        return Window(None, until)
    since = min(position - overlap, until)
    return Window(since, until)


def advance(position: datetime | None, window: Window) -> datetime:
    """The new position after the whole window was committed. Never moves backwards."""
    if position is None or window.until > position:
        return window.until
    return position


def lag_seconds(position: datetime | None, now: datetime) -> float | None:
    return None if position is None else max(0.0, (now - position).total_seconds())
