"""ChannelHTTP's retry loop is the only one: an injected failure costs exactly the policy's attempts, counted
in the sandbox's request log, whether it is an HTTP error or a THROTTLED answer inside a 200."""

from __future__ import annotations

import pytest

from ordersync.channels.sdk.errors import RateLimited, TransientError
from ordersync.channels.sdk.records import OrderRef

from .conftest import Served

GRAPHQL = "/admin/api/*/graphql.json"
ORDER = OrderRef("gid://shopify/Order/5100000001")


class FakeClock:
    """The cost budget's clock: waits are taken at once, so a drained bucket does not hold the test."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def graphql_requests(shop: Served) -> list[dict]:
    return [r for r in shop.requests() if r["path"].endswith("graphql.json")]


def test_a_server_error_costs_exactly_the_policys_attempts(shop: Served) -> None:
    connector = shop.connector()
    shop.faults({"kind": "error", "status": 503, "count": None, "path": GRAPHQL})
    with pytest.raises(TransientError):
        connector.fetch_order(ORDER)
    assert len(graphql_requests(shop)) == connector.client.http.retry.max_attempts == 5


def test_throttled_answers_cost_exactly_the_policys_attempts(shop: Served) -> None:
    connector = shop.connector()
    connector.test_connection()  # the cost budget learns the bucket
    fake = FakeClock()
    fake.now = connector.client.budget._clock()  # the fake clock goes on from the budget's own time
    connector.client.budget._clock, connector.client.budget._sleep = fake.clock, fake.sleep
    bucket = shop.sandbox.bucket
    rate, bucket.restore_rate = bucket.restore_rate, 10.0
    try:
        before = len(graphql_requests(shop))
        bucket._available = 0.0  # another app drained the shop's bucket; it refills at 10 points/s
        with pytest.raises(RateLimited):
            connector.fetch_order(ORDER)
    finally:
        bucket.restore_rate = rate
    throttled = graphql_requests(shop)[before:]
    assert len(throttled) == connector.client.http.retry.max_attempts == 5  # not 5 x the old loop's 8
    assert connector.client.throttled == 5
    assert len(connector.slept) == 4 and all(s > 0.5 for s in connector.slept)  # each wait from the bucket report
