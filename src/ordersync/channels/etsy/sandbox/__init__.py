"""A local Etsy API for tests and the demo: ``create_sandbox(seed=1, orders=50)``.

Same seed, same shop. Serve ``sandbox.app`` on loopback (``ordersync.channels.sdk.serving.serve_in_thread``)
and connect with ``sandbox.settings_for(base_url)``. It imports nothing of its connector: its field names
come from the vendor's documentation, written down again here, so a connector that gets one wrong fails.
"""

from __future__ import annotations

from typing import Any

from .app import EtsySandbox


def create_sandbox(seed: int = 1, orders: int = 20, **options: Any) -> EtsySandbox:
    return EtsySandbox(seed=seed, orders=orders, **options)


__all__ = ["EtsySandbox", "create_sandbox"]
