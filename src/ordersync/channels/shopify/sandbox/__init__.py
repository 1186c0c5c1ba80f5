"""A local Shopify GraphQL Admin API for tests and the demo: ``create_sandbox(seed=1, orders=100)``.

Same seed, same shop (orders, products, ids, dates, token, secret). Serve ``sandbox.app`` on loopback
(``ordersync.channels.sdk.serving.serve_in_thread``) and connect with ``sandbox.settings_for(base_url)``.
"""

from __future__ import annotations

from typing import Any

from .app import ShopifySandbox


def create_sandbox(
    seed: int = 1, orders: int = 100, products: int = 40, *, https_offload: bool = False, **options: Any
) -> ShopifySandbox:
    """Options: bucket_size, restore_rate, max_query_cost, bulk_polls, anchor, history_days,
    webhook_timeout (see ShopifySandbox). ``https_offload`` (passed by ``ordersync sandbox`` to every
    sandbox) means nothing here: Shopify's API is always https and its token works on any scheme."""
    return ShopifySandbox(seed=seed, orders=orders, products=products, **options)


__all__ = ["ShopifySandbox", "create_sandbox"]
