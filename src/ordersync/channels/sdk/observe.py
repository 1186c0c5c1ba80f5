"""What the SDK reports about its own work (call budgets, token refreshes) to whoever listens.

Channels never import the hub, so the hub's metrics subscribe here instead (``listen``); the SDK knows no
connection ids, the listener takes them from its own context. Nobody listens by default, and then a report
costs one check of an empty list: a connection test or a one-off CLI sync pays nothing for it.
"""

from __future__ import annotations

import threading
from typing import Protocol


class Listener(Protocol):
    def budget_used(self, fraction: float) -> None:
        """After a call: the share (0..1) of the connection's call budget in use."""

    def token_refresh_failed(self, error: BaseException) -> None:
        """A token-endpoint call (refresh or client credentials) failed with ``error``."""


_listeners: list[Listener] = []
_lock = threading.Lock()


def listen(listener: Listener) -> None:
    with _lock:
        if listener not in _listeners:
            _listeners.append(listener)


def budget_used(budget: object) -> None:
    """Report how full ``budget`` is, if it is a bucket that knows (``tokens`` of ``capacity``); an
    unlimited budget reports nothing. A budget in Redis answers with one round trip, only while listened to."""
    if not _listeners:
        return
    capacity = getattr(budget, "capacity", None)
    if not capacity or not hasattr(budget, "tokens"):
        return
    fraction = min(1.0, max(0.0, 1.0 - float(budget.tokens) / float(capacity)))
    for listener in list(_listeners):
        listener.budget_used(fraction)


def token_refresh_failed(error: BaseException) -> None:
    for listener in list(_listeners):
        listener.token_refresh_failed(error)
