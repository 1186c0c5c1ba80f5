"""The ids of what the current thread or task is working on (connection, account), for every log line and for
the metrics recorded meanwhile.

The engine binds them where it takes up a connection (an import, a batch of webhooks, a dispatch); the log
formatter adds them to each line and the metrics label by them, so a channel's client (which knows no ids) is
still counted against its connection. Plain ``contextvars``: each thread and each asyncio task has its own
copy, and nothing heavier is imported by the engine for it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

_ids: ContextVar[dict[str, int]] = ContextVar("ordersync_log_ids", default={})


@contextlib.contextmanager
def bound(**ids: int | None) -> Iterator[None]:
    """Add ``connection_id=…``, ``account_id=…`` to the current context until the block ends (None: unknown)."""
    token = _ids.set({**_ids.get(), **{k: int(v) for k, v in ids.items() if v is not None}})
    try:
        yield
    finally:
        _ids.reset(token)


def current() -> dict[str, int]:
    """The ids bound here, e.g. ``{"connection_id": 3, "account_id": 1}``; empty where none is known."""
    return dict(_ids.get())


def label(name: str) -> str:
    """One id as a metric label value: its number, or "" where it is not known."""
    value = _ids.get().get(name)
    return "" if value is None else str(value)
