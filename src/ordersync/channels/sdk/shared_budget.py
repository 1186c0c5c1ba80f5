"""A connection's call budget kept in Redis, so every worker process on every machine draws from one bucket.

The in-process :class:`~.ratelimit.RateBudget` keeps a channel's limit only while one process talks to the
connection; with several workers each would spend the whole allowance. Here the bucket lives in one Redis
hash per connection and every change is one Lua script, so taking a token is atomic across processes. The
script reads Redis's own clock (``TIME``), never the callers', so workers on machines whose clocks disagree
still share one refill rate. A 429's pause is stored in the same hash: every worker waits it out, not only
the one that was told.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redis import Redis

from .ratelimit import HeaderSpec, wait_for_budget

# KEYS[1] bucket hash {tokens, stamp, paused, rate}; ARGV: capacity, refill/s, cost, ttl seconds. A rate
# learned from the channel (field 'rate') wins over the declared one.
# Returns the seconds to wait as a string (0 = the tokens were taken).
_ACQUIRE = """
local cap, rate, cost, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local b = redis.call('HMGET', KEYS[1], 'tokens', 'stamp', 'paused', 'rate')
local tokens, stamp, paused = tonumber(b[1]) or cap, tonumber(b[2]) or now, tonumber(b[3]) or 0
rate = tonumber(b[4]) or rate
tokens = math.min(cap, tokens + math.max(0, now - stamp) * rate)
local wait = 0
if now < paused then
  wait = paused - now
elseif tokens >= cost then
  tokens = tokens - cost
else
  wait = (cost - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(math.max(now, stamp)))
redis.call('EXPIRE', KEYS[1], ttl)
return tostring(wait)
"""

# ARGV: capacity, refill/s, pause seconds (or -1), remaining ceiling (or -1), ttl seconds, learned rate (or -1).
# A pause (after a 429) leaves one call in the bucket, which refills from the pause's end (see RateBudget.pause).
_ADJUST = """
local cap, rate, pause, ceiling, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]),
                                       tonumber(ARGV[4]), tonumber(ARGV[5])
local learned = tonumber(ARGV[6] or '-1')
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local b = redis.call('HMGET', KEYS[1], 'tokens', 'stamp', 'paused', 'rate')
local tokens, stamp, paused = tonumber(b[1]) or cap, tonumber(b[2]) or now, tonumber(b[3]) or 0
rate = tonumber(b[4]) or rate
tokens = math.min(cap, tokens + math.max(0, now - stamp) * rate)
if ceiling >= 0 then tokens = math.min(tokens, ceiling) end
local stamped = math.max(now, stamp)
if pause >= 0 then
  paused = math.max(paused, now + pause)
  tokens, stamped = math.min(1, cap), paused
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(stamped), 'paused', tostring(paused))
if learned > 0 then redis.call('HSET', KEYS[1], 'rate', tostring(learned)) end
redis.call('EXPIRE', KEYS[1], ttl)
return tostring(tokens)
"""


class RedisBudget:
    """The :class:`~.ratelimit.Budget` protocol over one Redis hash; same bucket rules as ``RateBudget``."""

    def __init__(
        self,
        client: Redis,
        key: str,
        capacity: float,
        refill_per_second: float,
        *,
        headers: HeaderSpec | None = None,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if capacity <= 0 or refill_per_second <= 0:
            raise ValueError("capacity and refill_per_second must be positive")
        self.client, self.key = client, key
        self.capacity, self.refill_per_second = float(capacity), float(refill_per_second)
        self.header_spec = headers
        self._sleep, self._wall_clock = sleep, wall_clock
        # an idle bucket is full again after capacity/rate seconds; keep it a while longer, then let it go
        self._ttl = int(capacity / refill_per_second) + 3600
        self._acquire = client.register_script(_ACQUIRE)
        self._adjust = client.register_script(_ADJUST)

    def try_acquire(self, cost: float = 1.0) -> float:
        return float(self._acquire(keys=[self.key], args=[self.capacity, self.refill_per_second, cost, self._ttl]))

    def acquire(self, cost: float = 1.0, *, timeout: float | None = None) -> None:
        wait_for_budget(self.try_acquire, self._sleep, cost, timeout)

    def pause(self, seconds: float) -> None:
        self._run_adjust(pause=max(0.0, seconds))

    @property
    def tokens(self) -> float:
        return self._run_adjust()

    def update(self, headers: Mapping[str, str]) -> None:
        """As ``RateBudget.update``: trust the channel when it counts fewer calls left than the bucket."""
        if self.header_spec is None:
            return
        remaining, limit, reset = self.header_spec.read(headers, self._wall_clock())
        if remaining is None:
            return
        if limit is not None and limit > 0:
            remaining = remaining * self.capacity / limit
        pause = reset if remaining < 1 and reset is not None else None
        self._run_adjust(ceiling=max(0.0, remaining), pause=pause)

    def learn_rate(self, refill_per_second: float) -> None:
        """Store the rate the channel reported in the shared hash, so every worker refills at it."""
        if refill_per_second > 0:
            self.refill_per_second = float(refill_per_second)
            self._run_adjust(rate=self.refill_per_second)

    def _run_adjust(
        self, *, pause: float | None = None, ceiling: float | None = None, rate: float | None = None
    ) -> float:
        return float(
            self._adjust(
                keys=[self.key],
                args=[
                    self.capacity,
                    self.refill_per_second,
                    -1 if pause is None else pause,
                    -1 if ceiling is None else ceiling,
                    self._ttl,
                    -1 if rate is None else rate,
                ],
            )
        )


class RedisBudgets:
    """Where shared budgets live: one Redis client per URL and process, keys under ``prefix``."""

    def __init__(self, url: str, prefix: str = "ordersync") -> None:
        import redis

        self.url, self.prefix = url, prefix
        self.client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5, health_check_interval=30)
        self._lock = threading.Lock()

    def budget(
        self, connection_key: str, capacity: float, refill_per_second: float, headers: HeaderSpec | None = None
    ) -> RedisBudget:
        return RedisBudget(
            self.client, f"{self.prefix}:budget:{connection_key}", capacity, refill_per_second, headers=headers
        )

    def close(self) -> None:
        self.client.close()
