"""Check before writing (invariant 3): the one loop every connector's pushes go through.

A write that fails with a transient error may have happened anyway (a 5xx after the shop saved it), so it
is never repeated blindly: the check runs again before the next try.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import TransientError


def checked_write(
    done: Callable[[], bool], write: Callable[[], Any], *, attempts: int, pause: Callable[[int], None]
) -> bool:
    """Write unless ``done()``. Returns True when the channel already showed the effect before we wrote.
    ``pause(n)`` waits before try n + 1."""
    for attempt in range(1, attempts + 1):
        if done():
            return attempt == 1
        try:
            write()
            return False
        except TransientError:
            if attempt == attempts:
                raise
            pause(attempt)
    return False
