"""Token-bucket budgets: blocking, refilling, header feeds and the per-connection registry."""

from __future__ import annotations

import threading

import pytest

from ordersync.channels.sdk.ratelimit import (
    Budget,
    BudgetRegistry,
    BudgetTimeout,
    HeaderSpec,
    RateBudget,
    Unlimited,
    budget_for,
    registry,
)


def test_blocks_when_empty_and_refills(fake_time):
    budget = RateBudget(2, 1, clock=fake_time.clock, sleep=fake_time.sleep)
    budget.acquire()
    budget.acquire()
    assert fake_time.sleeps == []
    budget.acquire()  # empty: must wait one token's refill
    assert fake_time.sleeps == [pytest.approx(1.0)]
    fake_time.now += 10  # idle time refills, but never above capacity
    assert budget.tokens == pytest.approx(2)


def test_timeout_raises_instead_of_waiting(fake_time):
    budget = RateBudget(1, 0.1, clock=fake_time.clock, sleep=fake_time.sleep)
    budget.acquire()
    with pytest.raises(BudgetTimeout) as err:
        budget.acquire(timeout=1)
    assert err.value.wait == pytest.approx(10)


def test_headers_lower_our_count_and_pause_until_reset(fake_time):
    spec = HeaderSpec(remaining="X-Remaining", limit="X-Limit", reset="X-Reset", reset_kind="epoch")
    budget = RateBudget(10, 1, headers=spec, clock=fake_time.clock, sleep=fake_time.sleep, wall_clock=lambda: 5000.0)
    budget.update({"X-Remaining": "3", "X-Limit": "10"})
    assert budget.tokens == pytest.approx(3)
    budget.update({"X-Remaining": "0", "X-Limit": "10", "X-Reset": "5030"})
    assert budget.try_acquire() == pytest.approx(30)


def test_used_of_limit_header_scaled_to_our_capacity(fake_time):
    spec = HeaderSpec(used_of_limit="X-Shopify-Shop-Api-Call-Limit")
    budget = RateBudget(20, 1, headers=spec, clock=fake_time.clock)  # we keep half of Shopify's 40 as margin
    budget.update({"X-Shopify-Shop-Api-Call-Limit": "30/40"})
    assert budget.tokens == pytest.approx(5)


def test_headers_without_spec_are_ignored(fake_time):
    budget = RateBudget(5, 1, clock=fake_time.clock)
    budget.update({"X-RateLimit-Remaining": "0"})
    assert budget.tokens == 5


def test_registry_shares_one_budget_per_connection():
    reg = BudgetRegistry()
    a = reg.get("woocommerce:1", lambda: RateBudget(5, 1))
    assert reg.get("woocommerce:1", lambda: RateBudget(99, 1)) is a
    assert reg.get("woocommerce:2", lambda: RateBudget(5, 1)) is not a
    key = "test:shared"
    try:
        assert budget_for(key, Unlimited) is budget_for(key, Unlimited)
    finally:
        registry.drop(key)
    assert isinstance(a, Budget) and isinstance(Unlimited(), Budget)


def test_concurrent_acquire_never_overspends():
    budget = RateBudget(50, 0.001)  # effectively no refill during the test
    granted = []

    def worker():
        while budget.try_acquire() == 0:
            granted.append(1)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(granted) == 50
