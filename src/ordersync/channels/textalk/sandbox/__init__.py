"""A local Textalk/Abicart JSON-RPC backend for tests and the demo: ``create_sandbox(seed=1, orders=100)``.

Same seed, same shop. Serve ``sandbox.app`` on loopback (``ordersync.channels.sdk.serving.serve_in_thread``)
and connect with ``sandbox.settings_for(base_url)``.
"""

from __future__ import annotations

from typing import Any

from .app import TextalkSandbox


def create_sandbox(seed: int = 1, orders: int = 100, **options: Any) -> TextalkSandbox:
    """Options: carts (unfinished orders), history_days, anchor."""
    return TextalkSandbox(seed=seed, orders=orders, **options)


__all__ = ["TextalkSandbox", "create_sandbox"]
