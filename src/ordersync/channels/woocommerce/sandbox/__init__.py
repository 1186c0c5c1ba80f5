"""A local WooCommerce REST API v3 for tests and the demo: ``create_sandbox(seed=1, orders=100)``.

Same seed, same shop (orders, products, ids, dates, keys). Serve ``sandbox.app`` on loopback
(``ordersync.channels.sdk.serving.serve_in_thread``) and connect with ``sandbox.settings_for(base_url)``.
"""

from __future__ import annotations

from typing import Any

from .app import WooSandbox


def create_sandbox(seed: int = 1, orders: int = 100, products: int = 100, **options: Any) -> WooSandbox:
    """Options: https_offload, page_limit, catalog_seed, anchor, history_days, webhook_timeout,
    parent_stock_share, refunds_collection."""
    return WooSandbox(seed=seed, orders=orders, products=products, **options)


__all__ = ["WooSandbox", "create_sandbox"]
