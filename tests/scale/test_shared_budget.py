"""The Redis-kept call budget: one bucket for every process, atomic, with a shared 429 pause."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import redis

from ordersync.channels.sdk import ratelimit
from ordersync.channels.sdk.ratelimit import BudgetTimeout, HeaderSpec, RateBudget
from ordersync.channels.sdk.shared_budget import RedisBudget, RedisBudgets

from .conftest import REDIS_URL


def _two_clients(prefix: str, capacity: float, rate: float, **kw) -> tuple[RedisBudget, RedisBudget]:
    """Two budgets on separate Redis connections, as two worker processes would hold them."""
    a, b = RedisBudgets(REDIS_URL, prefix), RedisBudgets(REDIS_URL, prefix)
    return a.budget("woocommerce:1", capacity, rate, **kw), b.budget("woocommerce:1", capacity, rate, **kw)


def test_two_holders_draw_from_one_bucket(redis_prefix):
    first, second = _two_clients(redis_prefix, capacity=5, rate=0.01)
    for _ in range(3):
        assert first.try_acquire() == 0
    for _ in range(2):
        assert second.try_acquire() == 0
    assert first.try_acquire() > 0 and second.try_acquire() > 0  # both see the one empty bucket


def test_a_pause_after_429_holds_every_holder(redis_prefix):
    first, second = _two_clients(redis_prefix, capacity=50, rate=50)
    first.pause(30)
    wait = second.try_acquire()
    assert 25 < wait <= 30
    with pytest.raises(BudgetTimeout):
        second.acquire(timeout=1)


def test_headers_lower_the_shared_level(redis_prefix):
    spec = HeaderSpec(remaining="X-RateLimit-Remaining", limit="X-RateLimit-Limit")
    first, second = _two_clients(redis_prefix, capacity=40, rate=0.01, headers=spec)
    first.update({"X-RateLimit-Remaining": "2", "X-RateLimit-Limit": "40"})
    assert second.tokens == pytest.approx(2, abs=0.1)
    assert second.try_acquire() == 0 and second.try_acquire() == 0 and second.try_acquire() > 0


def test_budget_for_shares_plain_budgets_and_keeps_cost_budgets_local(redis_prefix):
    from ordersync.channels.shopify.client import CostBudget

    ratelimit.use_shared(REDIS_URL, redis_prefix)
    try:
        woo = ratelimit.budget_for("woocommerce:7", lambda: RateBudget(50, 25))
        shop = ratelimit.budget_for("shopify:7", lambda: CostBudget(1000, 50))
        assert isinstance(woo, RedisBudget) and (woo.capacity, woo.refill_per_second) == (50, 25)
        assert type(shop) is CostBudget
    finally:
        ratelimit.use_shared(None)


def test_bad_sizes_are_refused(redis_prefix):
    with pytest.raises(ValueError, match="positive"):
        RedisBudgets(REDIS_URL, redis_prefix).budget("x", 0, 1)


HAMMER = textwrap.dedent("""
    import sys, time
    from ordersync.channels.sdk.shared_budget import RedisBudgets
    url, prefix, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    budget = RedisBudgets(url, prefix).budget("woocommerce:9", 10, 20)
    end = time.time() + seconds
    while True:
        budget.acquire()
        now = time.time()
        if now > end:
            break
        print(repr(now), flush=True)
""")


def test_processes_together_stay_within_the_limit(redis_prefix):
    """Three processes take calls as fast as the bucket allows; all their calls together fit one bucket."""
    seconds = 2.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", HAMMER, REDIS_URL, redis_prefix, str(seconds)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    stamps = []
    for p in procs:
        out, _ = p.communicate(timeout=60)
        assert p.returncode == 0
        stamps.append([float(x) for x in out.split()])
    assert all(stamps), "every process got calls"
    times = sorted(t for s in stamps for t in s)
    # bucket of 10 at 20/s: any span of length d holds at most 10 + 20*d calls (+1 for clock granularity)
    for i, start in enumerate(times):
        for j in range(i, len(times)):
            assert j - i + 1 <= 10 + 20 * (times[j] - start) + 1, f"{j - i + 1} calls in {times[j] - start:.3f}s"
    client = redis.Redis.from_url(REDIS_URL)
    assert client.exists(f"{redis_prefix}:budget:woocommerce:9")
