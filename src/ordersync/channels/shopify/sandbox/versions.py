"""Which Admin API version Shopify serves for the version a request names, computed from the date.

Shopify (shopify.dev, "About Shopify API versioning"): a stable version is released every quarter, named
``YYYY-01/04/07/10``, at 17:00 UTC on the quarter's first day, and is supported for (at least) 12 months, so
four stable versions are supported at a time. The next quarter's version is reachable early as the release
candidate, and ``unstable`` always. A request naming a stable version that is no longer supported "falls
forward": it is served the oldest supported stable version, and the ``X-Shopify-API-Version`` answer header
names the version actually served. The first version was 2019-04; a name that never was or is not yet a
version (``2019-01``, ``2025-02``, ``2031-01``, ``latest``) is not found.

The set is derived from the clock, not listed, so it moves on with the calendar as Shopify's does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

FIRST = (2019, 4)
RELEASE_HOUR = 17
_NAME = re.compile(r"^(\d{4})-(01|04|07|10)$")


def _quarter_index(year: int, month: int) -> int:
    return year * 4 + (month - 1) // 3


def _name(index: int) -> str:
    return f"{index // 4:04d}-{(index % 4) * 3 + 1:02d}"


def latest_stable(now: datetime) -> str:
    """The newest released stable version at ``now`` (released at 17:00 UTC on the quarter's first day)."""
    now = now.astimezone(UTC)
    index = _quarter_index(now.year, now.month)
    released = datetime(now.year, (index % 4) * 3 + 1, 1, RELEASE_HOUR, tzinfo=UTC)
    return _name(index if now >= released else index - 1)


def supported(now: datetime) -> list[str]:
    """The stable versions supported at ``now``, oldest first (four: each lives 12 months)."""
    newest = _quarter_index(*map(int, latest_stable(now).split("-")))
    return [_name(i) for i in range(newest - 3, newest + 1)]


def release_candidate(now: datetime) -> str:
    newest = _quarter_index(*map(int, latest_stable(now).split("-")))
    return _name(newest + 1)


def resolve(requested: str, now: datetime) -> str | None:
    """The version served for ``requested`` at ``now``, or None when Shopify has no such version (404)."""
    if requested == "unstable":
        return requested
    match = _NAME.match(requested)
    if match is None:
        return None
    index = _quarter_index(int(match[1]), int(match[2]))
    stable = supported(now)
    newest = _quarter_index(*map(int, stable[-1].split("-")))
    if index < _quarter_index(*FIRST) or index > newest + 1:
        return None
    if index == newest + 1 or requested in stable:
        return requested
    return stable[0]  # retired: falls forward to the oldest supported stable version
