"""A local Magento 2 / Adobe Commerce admin REST API for tests and the demo: ``create_sandbox(seed=1, orders=30)``.

Same seed, same shop and integration credentials. Serve ``sandbox.app`` on loopback
(``ordersync.channels.sdk.serving.serve_in_thread``) and connect with ``sandbox.settings_for(base_url)``. It
imports nothing of its connector: its field names come from Adobe's admin schema and docs, written down again.
"""

from __future__ import annotations

from typing import Any

from .app import Magento2Sandbox


def create_sandbox(seed: int = 1, orders: int = 30, **options: Any) -> Magento2Sandbox:
    """Options: bearer_enabled, msi, history_days."""
    return Magento2Sandbox(seed=seed, orders=orders, **options)


__all__ = ["Magento2Sandbox", "create_sandbox"]
