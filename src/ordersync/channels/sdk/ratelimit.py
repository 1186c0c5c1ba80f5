"""Call budgets: one per connection, shared by every client that talks to that connection.

A channel's limit belongs to the seller's account, not to one HTTP client, so all clients of a
connection in this process draw from one :class:`RateBudget`, found in :data:`registry` by connection
key. The budget is a token bucket (``capacity`` calls, refilled at ``refill_per_second``) and, where the
channel reports its own view in response headers, it is corrected from them through a
:class:`HeaderSpec` (declared per connector, not parsed by hand). A 429 pauses the whole budget for the
channel's ``Retry-After``, so sibling workers back off too.

The :class:`Budget` protocol is all the HTTP layer relies on, so a budget kept in Redis (shared across
worker processes and machines, invariant 6) replaces the in-process one without touching connectors: when
``ORDERSYNC_REDIS_URL`` is set (or :func:`use_shared` was called), :func:`budget_for` turns a connector's
plain ``RateBudget`` into a :class:`~.shared_budget.RedisBudget` with the same size, rate and headers.
Subclasses that learn their level from the channel's answers (Shopify's cost budget) stay in-process: the
channel itself reports the shared level to every worker in each response.

Budgets per API operation (:mod:`.operations`) are made by the same :func:`budget_for`, under keys of their
own, so they are shared the same way; a rate the channel reports is set with ``learn_rate`` (in Redis it is
stored in the bucket's hash, so every worker refills at it).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, cast, runtime_checkable

if TYPE_CHECKING:
    from .shared_budget import RedisBudgets


class BudgetTimeout(Exception):
    """``acquire`` would have to wait longer than the caller allows."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"rate budget exhausted; next call allowed in {wait:.1f}s")
        self.wait = wait


@runtime_checkable
class Budget(Protocol):
    def acquire(self, cost: float = 1.0, *, timeout: float | None = None) -> None:
        """Block until ``cost`` calls may be made; raise BudgetTimeout past ``timeout`` seconds."""

    def update(self, headers: Mapping[str, str]) -> None:
        """Learn the channel's view of the budget from a response."""

    def pause(self, seconds: float) -> None:
        """Allow no call for ``seconds`` (after a 429). The channel has no calls left: when the pause ends
        the bucket holds one call (the retry) and refills only from then."""


class Unlimited:
    """For channels without a documented limit (e.g. self-hosted WooCommerce)."""

    def acquire(self, cost: float = 1.0, *, timeout: float | None = None) -> None:
        return None

    def update(self, headers: Mapping[str, str]) -> None:
        return None

    def pause(self, seconds: float) -> None:
        return None


@dataclass(frozen=True, slots=True)
class HeaderSpec:
    """Where a channel reports its budget. All names optional; only those given are read.

    * ``remaining`` / ``limit``: calls left and the window's size (e.g. ``X-RateLimit-Remaining``);
    * ``reset``: when the window refills, as seconds from now or a Unix time (``reset_kind``);
    * ``used_of_limit``: one header "used/limit", as Shopify's ``X-Shopify-Shop-Api-Call-Limit: 32/40``.
    """

    remaining: str | None = None
    limit: str | None = None
    reset: str | None = None
    reset_kind: Literal["seconds", "epoch"] = "seconds"
    used_of_limit: str | None = None

    def read(self, headers: Mapping[str, str], now: float) -> tuple[float | None, float | None, float | None]:
        """(remaining, limit, seconds until reset) as far as the headers tell."""
        remaining = _num(headers.get(self.remaining)) if self.remaining else None
        limit = _num(headers.get(self.limit)) if self.limit else None
        if self.used_of_limit and (raw := headers.get(self.used_of_limit)) and "/" in raw:
            used, _, total = raw.partition("/")
            u, t = _num(used), _num(total)
            if u is not None and t is not None:
                remaining, limit = max(0.0, t - u), t
        reset = _num(headers.get(self.reset)) if self.reset else None
        if reset is not None and self.reset_kind == "epoch":
            reset = max(0.0, reset - now)
        return remaining, limit, reset


def _num(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.strip())
    except ValueError:
        return None


#: a shortfall this small counts as none: waiting for it could take a wait too short to move a clock that
#: reads tens of thousands of seconds, and the bucket would be asked again and again for ever
_EPSILON = 1e-6


def wait_for_budget(
    try_acquire: Callable[[float], float], sleep: Callable[[float], None], cost: float, timeout: float | None
) -> None:
    """Sleep as long as ``try_acquire`` says until it grants ``cost``; BudgetTimeout past ``timeout``.
    Shared by the in-process bucket and the Redis one, which differ only in where the tokens live."""
    waited = 0.0
    while (wait := try_acquire(cost)) > 0:
        if timeout is not None and waited + wait > timeout:
            raise BudgetTimeout(wait)
        sleep(wait)
        waited += wait


class RateBudget:
    """A thread-safe token bucket, optionally corrected from response headers."""

    def __init__(
        self,
        capacity: float,
        refill_per_second: float,
        *,
        headers: HeaderSpec | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if capacity <= 0 or refill_per_second <= 0:
            raise ValueError("capacity and refill_per_second must be positive")
        self.capacity = float(capacity)
        self.refill_per_second = float(refill_per_second)
        self.header_spec = headers
        self._clock = clock
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._lock = threading.Lock()
        self._tokens = self.capacity
        self._stamp = clock()
        self._paused_until = 0.0

    @property
    def tokens(self) -> float:
        with self._lock:
            self._refill(self._clock())
            return self._tokens

    def _refill(self, now: float) -> None:
        if now <= self._stamp:  # within a pause after a 429 nothing refills
            return
        elapsed = now - self._stamp
        self._tokens = min(self.capacity, self._tokens + elapsed * self.refill_per_second)
        self._stamp = now

    def try_acquire(self, cost: float = 1.0) -> float:
        """Take ``cost`` tokens if available and return 0, else return the seconds to wait."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            if now < self._paused_until:
                return self._paused_until - now
            if self._tokens >= cost - _EPSILON:
                self._tokens -= cost
                return 0.0
            return (cost - self._tokens) / self.refill_per_second

    def acquire(self, cost: float = 1.0, *, timeout: float | None = None) -> None:
        wait_for_budget(self.try_acquire, self._sleep, cost, timeout)

    def pause(self, seconds: float) -> None:
        """After a 429: the channel's bucket is empty, whatever this one counted (another process, or a
        restart, spent it). Keeping the tokens would spend the whole assumed burst into further 429s once the
        pause is over, so the bucket keeps one call for the retry and refills from the pause's end on."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + max(0.0, seconds))
            self._tokens, self._stamp = min(1.0, self.capacity), max(self._stamp, self._paused_until)

    def learn_rate(self, refill_per_second: float) -> None:
        """Refill at the rate the channel reported (e.g. ``x-amzn-RateLimit-Limit``) from now on."""
        if refill_per_second <= 0:
            return
        with self._lock:
            self._refill(self._clock())
            self.refill_per_second = float(refill_per_second)

    def update(self, headers: Mapping[str, str]) -> None:
        """Trust the channel when it knows of fewer calls left than we do (other clients spent them)."""
        if self.header_spec is None:
            return
        now = self._clock()
        remaining, limit, reset = self.header_spec.read(headers, self._wall_clock())
        with self._lock:
            self._refill(now)
            if limit is not None and limit > 0 and remaining is not None:
                # Scale the channel's count to our bucket in case our capacity is a safety fraction of it.
                remaining = remaining * self.capacity / limit
            if remaining is not None:
                self._tokens = min(self._tokens, remaining)
            if remaining is not None and remaining < 1 and reset is not None:
                self._paused_until = max(self._paused_until, now + reset)


class BudgetRegistry:
    """Budgets by connection key, created on first use; one per connection per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._budgets: dict[str, Budget] = {}

    def get(self, key: str, factory: Callable[[], Budget]) -> Budget:
        with self._lock:
            budget = self._budgets.get(key)
            if budget is None:
                budget = self._budgets[key] = factory()
            return budget

    def drop(self, key: str) -> None:
        with self._lock:
            self._budgets.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._budgets.clear()


registry = BudgetRegistry()
_UNSET = object()
_shared: object = _UNSET  # RedisBudgets, None (in-process only) or _UNSET (read the environment on first use)
_shared_lock = threading.Lock()


def use_shared(redis_url: str | None, prefix: str = "ordersync") -> None:
    """Keep budgets in Redis at ``redis_url`` under ``prefix`` (None: in this process only).

    Budgets already handed out are forgotten, so clients built afterwards draw from the new store."""
    with _shared_lock:
        _configure(redis_url, prefix)
    registry.clear()


def _configure(redis_url: str | None, prefix: str) -> None:
    """Swap the store; the caller holds ``_shared_lock``."""
    global _shared
    from .shared_budget import RedisBudgets

    if isinstance(_shared, RedisBudgets):
        _shared.close()
    _shared = RedisBudgets(redis_url, prefix) if redis_url else None


def shared_backend() -> RedisBudgets | None:
    """The Redis budget store in use, or None; by default ORDERSYNC_REDIS_URL / ORDERSYNC_REDIS_PREFIX decide."""
    if _shared is _UNSET:
        with _shared_lock:
            if _shared is _UNSET:
                _configure(
                    os.environ.get("ORDERSYNC_REDIS_URL") or None,
                    os.environ.get("ORDERSYNC_REDIS_PREFIX") or "ordersync",
                )
    return cast("RedisBudgets | None", _shared)


def budget_for(connection_key: str, factory: Callable[[], Budget]) -> Budget:
    """The budget of one connection (e.g. ``"woocommerce:17"``): one per process, and one across all
    processes when budgets are shared (see the module docstring)."""

    def make() -> Budget:
        local = factory()
        shared = shared_backend()
        if shared is None or type(local) is not RateBudget:
            return local
        return shared.budget(connection_key, local.capacity, local.refill_per_second, local.header_spec)

    return registry.get(connection_key, make)
