"""Stock to eBay: which API a listing belongs to, batching, and the daily revision limit.

* A listing created through the Inventory API can only be revised through it ("any eBay listing created
  using the Inventory API cannot be revised or relisted using the Trading API calls" [docs]); its offers are
  found by ``GET /offer?sku=``. A SKU the Inventory API does not know (404, or no offers) belongs to a listing
  created elsewhere (Seller Hub, Trading, a lister): that one is revised with Trading ``ReviseInventoryStatus``.
  The kind is found once per SKU and remembered for the connector's life. A multi-variation listing made
  elsewhere is revised per variation: ``ReviseInventoryStatus`` names it by ``ItemID`` and the variation's
  ``SKU`` [docs] (the hub's listing: product = ItemID, variant = variation SKU, linked by that SKU).
* ``bulkUpdatePriceQuantity`` takes at most 25 offers per call [spec]; it takes one request per SKU, so SKUs
  are packed until their offers reach 25. ``ReviseInventoryStatus`` takes at most four items per call [docs].
* Each listing may be revised 250 times per calendar day [spec; the day's time zone is unverified, UTC is
  assumed]. Updates for one SKU in a batch are coalesced to the newest, and a listing that has used its
  revisions today gets a RateLimited result until the next day, so the engine keeps (and further coalesces)
  the newest value and sends it then, instead of failing it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ordersync.domain import StockUpdate

BULK_OFFERS = 25
TRADING_ITEMS = 4
DAILY_REVISIONS = 250
INVENTORY_API, TRADING_API = "inventory", "trading"


def coalesce(updates: Iterable[StockUpdate]) -> dict[str, StockUpdate]:
    """The newest update per SKU (or item id when an update has no SKU), in first-seen order."""
    latest: dict[str, StockUpdate] = {}
    for update in updates:
        latest[key_of(update)] = update
    return latest


def key_of(update: StockUpdate) -> str:
    return update.sku or update.variant_external_id or update.product_external_id


def seconds_to_next_day(now: datetime | None = None) -> float:
    now = now or datetime.now(UTC)
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1.0, (tomorrow - now).total_seconds())


@dataclass
class RevisionCounter:
    """Revisions per listing per UTC day, in this process (eBay's own refusal is the backstop)."""

    limit: int = DAILY_REVISIONS
    _counts: dict[tuple[str, str], int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def left(self, listing: str, now: datetime | None = None) -> int:
        day = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
        with self._lock:
            return self.limit - self._counts.get((day, listing), 0)

    def spend(self, listing: str, now: datetime | None = None) -> None:
        day = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
        with self._lock:
            self._counts = {k: v for k, v in self._counts.items() if k[0] == day}
            self._counts[(day, listing)] = self._counts.get((day, listing), 0) + 1

    def exhaust(self, listing: str, now: datetime | None = None) -> None:
        day = (now or datetime.now(UTC)).strftime("%Y-%m-%d")
        with self._lock:
            self._counts[(day, listing)] = self.limit


_counters: dict[str, RevisionCounter] = {}
_counters_lock = threading.Lock()


def counter_for(connection_key: str) -> RevisionCounter:
    with _counters_lock:
        return _counters.setdefault(connection_key, RevisionCounter())


def pack(groups: list[tuple[str, int]], size: int) -> list[list[str]]:
    """Keys with their weight (offers per SKU) packed into calls of at most ``size``; a key heavier than
    ``size`` gets a call of its own."""
    calls: list[list[str]] = []
    current: list[str] = []
    weight = 0
    for key, w in groups:
        if current and weight + w > size:
            calls.append(current)
            current, weight = [], 0
        current.append(key)
        weight += w
    if current:
        calls.append(current)
    return calls
