"""Per-operation budgets over real HTTP: each operation keeps its own rate, learns it from the answers, shares
it across clients in Redis, and a 429 holds back only the operation it answered.

Rates are read from the sandbox's request log (monotonic start times of each request).
"""

from __future__ import annotations

import threading
import time

import pytest

from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.operations import AMAZON_RATE_HEADER, Operation, OperationBudgets, OperationLimits
from ordersync.channels.sdk.ratelimit import RateBudget
from ordersync.channels.sdk.retry import RetryPolicy
from ordersync.channels.sdk.shared_budget import RedisBudgets

from .opsandbox import MarketSandbox

ORDERS, ITEMS = "/orders/v0/orders", "/orders/v0/orders/{orderId}/orderItems"


def limits(
    orders_rate: float, orders_burst: float, items_rate: float = 50, items_burst: float = 50, **kw
) -> OperationLimits:
    return OperationLimits(
        [
            Operation("getOrders", "GET", ORDERS, orders_rate, orders_burst),
            Operation("getOrderItems", "GET", ITEMS, items_rate, items_burst),
        ],
        **kw,
    )


def local(key: str, factory):
    """A budget of this client only (no registry, no Redis): each test starts with full buckets."""
    return factory()


def starts(market_sandbox: MarketSandbox, prefix: str) -> list[float]:
    return sorted(
        r["t_start"]
        for r in market_sandbox.requests.entries()
        if r["path"].startswith(prefix) and (prefix != ORDERS or r["path"] == ORDERS)
    )


def assert_paced(times: list[float], rate: float, burst: float, slack: float = 0.05) -> None:
    """No window of the log holds more requests than the bucket allows: burst + rate x window length."""
    for i, first in enumerate(times):
        for j in range(i, len(times)):
            assert j - i + 1 <= burst + rate * (times[j] - first + slack), (times, i, j)


def test_operations_match_by_method_and_path_pattern():
    table = limits(1, 1)
    assert table.match("GET", "/orders/v0/orders?CreatedAfter=x").name == "getOrders"
    assert table.match("get", "/orders/v0/orders/302-1/orderItems").name == "getOrderItems"
    assert table.match("POST", ORDERS) is None and table.match("GET", "/orders/v0/orders/302-1") is None
    with pytest.raises(ValueError, match="repeat"):
        OperationLimits([Operation("a", "GET", "/x", 1, 1), Operation("a", "GET", "/y", 1, 1)])
    with pytest.raises(ValueError, match="exceeds the burst"):
        Operation("heavy", "GET", "/x", 1, 2, weight=3)


def test_each_operation_keeps_its_rate_and_does_not_slow_the_others(market_sandbox, market_url):
    ops = OperationBudgets(limits(4, 1), "market:1", make=local)
    http = ChannelHTTP(market_url, operations=ops)
    t0 = time.monotonic()
    slow = threading.Thread(target=lambda: [http.request("GET", ORDERS) for _ in range(5)])
    slow.start()
    time.sleep(0.05)
    for n in range(20):
        http.request("GET", f"/orders/v0/orders/302-{n}/orderItems")
    items_done = time.monotonic() - t0
    slow.join()
    http.close()
    orders, items = starts(market_sandbox, ORDERS), starts(market_sandbox, "/orders/v0/orders/302-")
    assert len(orders) == 5 and len(items) == 20
    assert_paced(orders, rate=4, burst=1)
    assert orders[-1] - orders[0] >= 4 / 4 - 0.05  # five calls at 4/s with a burst of one take a second
    # twenty item calls went through while getOrders was still waiting for its budget
    assert items[-1] < orders[-1] and items_done < orders[-1] - orders[0]


def test_rate_learned_from_the_amazon_header_is_applied(market_sandbox, market_url):
    market_sandbox.rate_header["getOrders"] = "5"  # the platform says 5/s, the declaration guessed 1000/s
    ops = OperationBudgets(limits(1000, 1, rate_header=AMAZON_RATE_HEADER), "market:2", make=local)
    with ChannelHTTP(market_url, operations=ops) as http:
        for _ in range(5):
            http.request("GET", ORDERS)
    orders = starts(market_sandbox, ORDERS)
    assert_paced(orders[1:], rate=5, burst=1)
    assert orders[-1] - orders[1] >= 3 / 5 - 0.05
    governed = ops.for_request("GET", ORDERS)
    assert governed is not None and governed[1].refill_per_second == 5


def test_a_429_backs_off_that_operation_only(market_sandbox, market_url):
    market_sandbox.faults.add("rate_limit", path=ORDERS, retry_after=1.0, status=429)
    ops = OperationBudgets(limits(100, 5), "market:3", make=local)
    connection = RateBudget(100, 100)
    http = ChannelHTTP(market_url, operations=ops, budget=connection)
    slow = threading.Thread(target=lambda: [http.request("GET", ORDERS) for _ in range(2)])
    slow.start()
    time.sleep(0.2)
    t = time.monotonic()
    for n in range(5):
        http.request("GET", f"/orders/v0/orders/302-{n}/orderItems")
    items_took = time.monotonic() - t
    slow.join()
    http.close()
    log = [r for r in market_sandbox.requests.entries() if r["path"] == ORDERS]
    assert [r["status"] for r in log] == [429, 200, 200]
    assert log[1]["t_start"] - log[0]["t_start"] >= 0.95  # that operation waited out Retry-After
    # the other operation, and the connection budget, were not paused: all item calls ran inside the pause
    items = starts(market_sandbox, "/orders/v0/orders/302-")
    assert len(items) == 5 and items[-1] < log[1]["t_start"] and items_took < 0.95
    assert connection.try_acquire() == 0


def test_an_operation_budget_is_shared_by_two_clients_through_redis(market_sandbox, market_url, redis_prefix):
    from conftest import services

    def client() -> ChannelHTTP:
        store = RedisBudgets(services.redis_url(), redis_prefix)  # its own Redis connection, as a worker has
        ops = OperationBudgets(
            limits(5, 2, rate_header=AMAZON_RATE_HEADER),
            "market:4",
            make=lambda key, factory: _shared(store, key, factory()),
        )
        return ChannelHTTP(market_url, operations=ops, retry=RetryPolicy(max_attempts=1))

    market_sandbox.rate_header["getOrders"] = "4"  # learned by whichever client hears it first, used by both
    a, b = client(), client()
    threads = [threading.Thread(target=lambda h=h: [h.request("GET", ORDERS) for _ in range(5)]) for h in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    a.close(), b.close()
    orders = starts(market_sandbox, ORDERS)
    assert len(orders) == 10
    assert_paced(orders, rate=5, burst=2)  # never above the declared rate, though two clients drew
    assert orders[-1] - orders[0] >= (10 - 2) / 5 - 0.1
    assert orders[-1] - orders[0] >= (10 - 2 - 1) / 4 - 0.1  # after the first answer, the learned 4/s held


def _shared(store: RedisBudgets, key: str, declared: RateBudget):
    return store.budget(key, declared.capacity, declared.refill_per_second, declared.header_spec)
