"""Realistic Textalk order records for unit tests and the fuzzer (items already resolved)."""

from __future__ import annotations

import copy
import random
from functools import cache
from typing import Any

from ordersync.channels.textalk.sandbox.data import build_order


@cache
def _built(seed: int) -> dict[str, Any]:
    order, items = build_order(random.Random(seed), 41_000_001 + seed, 10_001 + seed, 1_717_000_000,
                               1_717_086_400, 93_000_001)
    return {**order, "items": items}


def order_record(seed: int = 1, **overrides: Any) -> dict[str, Any]:
    """A fresh copy each time: tests may change it freely."""
    return {**copy.deepcopy(_built(seed)), **overrides}
