"""Call budgets per API operation, declared by the connector as data.

Marketplaces limit each operation on its own: Amazon's SP-API usage plans give ``getOrders`` 0.0167
requests/s with a burst of 20 and ``getOrderItems`` 0.5/s with a burst of 30; eBay counts calls per API
call name. A connector lists its operations as :class:`Operation` rows (method, path pattern, rate, burst,
weight) in an :class:`OperationLimits`; :class:`~.http.ChannelHTTP` then draws from the matching
operation's budget before each attempt, so a slow operation never slows the others, and a 429 pauses only
the operation it answered.

Each operation's budget is an ordinary :mod:`.ratelimit` bucket keyed ``<connection>:op:<name>``, so it is
shared across workers in Redis exactly like the connection budget (:func:`~.ratelimit.budget_for`). Where
the platform reports a limit in its answers the budget learns it: ``rate_header`` gives the rate itself
(Amazon's ``x-amzn-RateLimit-Limit``), a :class:`~.ratelimit.HeaderSpec` the remaining calls and reset.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .ratelimit import Budget, HeaderSpec, RateBudget, budget_for

#: Amazon SP-API reports the operation's rate (requests per second) on every answer.
AMAZON_RATE_HEADER = "x-amzn-RateLimit-Limit"


@dataclass(frozen=True, slots=True)
class Operation:
    """One rate-limited operation. ``path`` is matched against the request path as the connector passes it
    to ``ChannelHTTP.request``: ``{name}`` stands for one path segment, ``*`` for anything. ``weight`` is how
    many calls one request counts as (eBay counts some calls double). ``headroom`` is the share of the
    declared or learned rate the hub spends: below 1 where the platform counts calls by their arrival in a
    short window, so that network jitter between two paced calls cannot squeeze one call too many into it."""

    name: str
    method: str
    path: str
    rate: float
    burst: float
    weight: float = 1.0
    rate_header: str | None = None
    headers: HeaderSpec | None = None
    headroom: float = 1.0
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst <= 0 or self.weight <= 0:
            raise ValueError(f"operation {self.name!r}: rate, burst and weight must be positive")
        if not 0 < self.headroom <= 1:
            raise ValueError(f"operation {self.name!r}: headroom {self.headroom} must be in (0, 1]")
        if self.weight > self.burst:
            raise ValueError(f"operation {self.name!r}: weight {self.weight} exceeds the burst {self.burst}")
        object.__setattr__(self, "_pattern", _compile(self.path))

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method.upper()) and self._pattern.fullmatch(path) is not None


def _compile(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^{}/]+\}|\*)", pattern)
    regex = "".join("[^/]+" if p.startswith("{") else ".*" if p == "*" else re.escape(p) for p in parts)
    return re.compile(regex)


@dataclass(frozen=True, slots=True)
class OperationLimits:
    """A connector's declared operations; the first that matches a request governs it. ``rate_header``
    and ``headers`` here apply to every operation that does not name its own."""

    operations: Sequence[Operation]
    rate_header: str | None = None
    headers: HeaderSpec | None = None

    def __post_init__(self) -> None:
        names = [op.name for op in self.operations]
        if len(names) != len(set(names)):
            raise ValueError(f"operation names repeat: {names}")

    def match(self, method: str, path: str) -> Operation | None:
        path = path.split("?", 1)[0]
        return next((op for op in self.operations if op.matches(method, path)), None)


BudgetMaker = Callable[[str, Callable[[], Budget]], Budget]


class OperationBudgets:
    """The live budgets of one connection's operations, made on first use through ``make`` (by default
    :func:`~.ratelimit.budget_for`: one per process, in Redis when budgets are shared)."""

    def __init__(self, limits: OperationLimits, connection_key: str, *, make: BudgetMaker = budget_for) -> None:
        self.limits, self.connection_key, self._make = limits, connection_key, make
        self._lock = threading.Lock()
        self._budgets: dict[str, Budget] = {}

    def for_request(self, method: str, path: str) -> tuple[Operation, Budget] | None:
        op = self.limits.match(method, path)
        if op is None:
            return None
        with self._lock:
            budget = self._budgets.get(op.name)
            if budget is None:
                spec = op.headers or self.limits.headers
                budget = self._budgets[op.name] = self._make(
                    f"{self.connection_key}:op:{op.name}",
                    lambda: RateBudget(op.burst, op.rate * op.headroom, headers=spec),
                )
        return op, budget

    def learn(self, op: Operation, budget: Budget, headers: Mapping[str, str]) -> None:
        """Apply what an answer says about the operation's limit: its rate header, then remaining/reset."""
        name = op.rate_header or self.limits.rate_header
        rate = _positive(headers.get(name)) if name else None
        rate = rate * op.headroom if rate is not None else None
        learn_rate = getattr(budget, "learn_rate", None)
        if rate is not None and learn_rate is not None and rate != getattr(budget, "refill_per_second", None):
            learn_rate(rate)
        budget.update(headers)


def _positive(value: str | None) -> float | None:
    try:
        number = float(value.strip()) if value else None
    except ValueError:
        return None
    return number if number is not None and number > 0 else None
