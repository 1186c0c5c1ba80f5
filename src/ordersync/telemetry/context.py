"""The ids of what the current thread or task is working on (connection, account), for every log line and for
the metrics recorded meanwhile.

The engine binds them where it takes up a connection (an import, a batch of webhooks, a dispatch); the log
formatter adds them to each line and the metrics label by them, so a channel's client (which knows no ids) is
still counted against its connection. Plain ``contextvars``: each thread and each asyncio task has its own
copy, and nothing heavier is imported by the engine for it.

A web request learns its account only when it is authenticated, inside a dependency that FastAPI may run in a
worker thread with a copy of the context, where a binding would not outlive the dependency. So the request
middleware opens a scope (:func:`request_scope`) holding one dict for the whole request, and authentication
writes the account into it (:func:`note`); every line of the request, uvicorn's access line included, then
names the account.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from types import MappingProxyType

# read-only, so the one default shared by every context cannot be changed through it
_ids: ContextVar[Mapping[str, int]] = ContextVar("ordersync_log_ids", default=MappingProxyType({}))
#: the ids the current web request has learnt, one dict per request (None outside a request)
_request: ContextVar[dict[str, int] | None] = ContextVar("ordersync_request_ids", default=None)


@contextlib.contextmanager
def bound(**ids: int | None) -> Iterator[None]:
    """Add ``connection_id=…``, ``account_id=…`` to the current context until the block ends (None: unknown)."""
    token = _ids.set({**_ids.get(), **{k: int(v) for k, v in ids.items() if v is not None}})
    try:
        yield
    finally:
        _ids.reset(token)


@contextlib.contextmanager
def request_scope() -> Iterator[None]:
    """One web request: what :func:`note` writes inside it is seen by the whole request."""
    token = _request.set({})
    try:
        yield
    finally:
        _request.reset(token)


def note(**ids: int) -> None:
    """Record ids the current request has learnt (its account, once authenticated); nothing outside one."""
    scope = _request.get()
    if scope is not None:
        scope.update({k: int(v) for k, v in ids.items()})


def current() -> dict[str, int]:
    """The ids bound here, e.g. ``{"connection_id": 3, "account_id": 1}``; empty where none is known."""
    return {**(_request.get() or {}), **_ids.get()}


def label(name: str) -> str:
    """One id as a metric label value: its number, or "" where it is not known."""
    value = current().get(name)
    return "" if value is None else str(value)
