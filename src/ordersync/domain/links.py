"""Links the hub passes on to buyers (tracking URLs): only http(s) to a host, so a ``javascript:`` or
``data:`` link never reaches a shop page, a mail or the web UI. One check for the API, the UI and the CLI."""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_LINK = 2000


def link_problem(url: str) -> str | None:
    """Why ``url`` is not a link to pass on, or None when it is (an empty one is fine: no link)."""
    if not url:
        return None
    if len(url) > MAX_LINK:
        return f"is {len(url)} characters long; at most {MAX_LINK} are allowed"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return "contains spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a URL"
    if parts.scheme.lower() not in ("http", "https"):
        return f"must start with https:// or http:// (not {parts.scheme + ':' if parts.scheme else url[:20]!r})"
    if not parts.hostname:
        return "has no host name"
    return None
