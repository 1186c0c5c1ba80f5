"""The eBay sandbox: ``create_sandbox`` for ``ordersync sandbox ebay`` and the conformance suite."""

from __future__ import annotations

from typing import Any

from .app import EbaySandbox


def create_sandbox(seed: int = 1, orders: int = 20, **options: Any) -> EbaySandbox:
    return EbaySandbox(seed=seed, orders=orders, **options)


__all__ = ["EbaySandbox", "create_sandbox"]
