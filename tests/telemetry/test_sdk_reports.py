"""What the SDK reports (channels/sdk/observe.py) becomes metrics of the connection bound in the log context."""

from __future__ import annotations

from ordersync.channels.sdk import observe
from ordersync.channels.sdk.oauth2 import ReauthorizationNeeded
from ordersync.channels.sdk.ratelimit import RateBudget, Unlimited
from ordersync.telemetry import metrics
from ordersync.telemetry.context import bound


def gauge(connection_id: str) -> float | None:
    return metrics.registry.get_sample_value(
        "ordersync_rate_budget_utilisation_ratio", {"connection_id": connection_id}
    )


def failures(connection_id: str, reason: str) -> float:
    return (
        metrics.registry.get_sample_value(
            "ordersync_token_refresh_failures_total", {"connection_id": connection_id, "reason": reason}
        )
        or 0.0
    )


def test_the_share_of_a_budget_in_use_is_set_for_the_bound_connection():
    metrics.start()
    budget = RateBudget(10, 1, clock=lambda: 100.0)  # a frozen clock: nothing refills meanwhile
    with bound(connection_id=9001, account_id=1):
        for _ in range(4):
            budget.acquire()
        observe.budget_used(budget)
        assert gauge("9001") == 0.4
        budget.acquire(6)
        observe.budget_used(budget)
        assert gauge("9001") == 1.0
        observe.budget_used(Unlimited())  # no bucket, no figure
        assert gauge("9001") == 1.0


def test_token_refresh_failures_are_counted_by_reason():
    metrics.start()
    before = failures("9002", "error"), failures("9002", "revoked")
    with bound(connection_id=9002):
        observe.token_refresh_failed(RuntimeError("token endpoint down"))
        observe.token_refresh_failed(ReauthorizationNeeded("invalid_grant"))
        observe.token_refresh_failed(ReauthorizationNeeded("invalid_grant"))
    assert failures("9002", "error") - before[0] == 1
    assert failures("9002", "revoked") - before[1] == 2


def test_nobody_listening_costs_nothing_and_records_nothing():
    class Budget:  # a budget whose level must not even be read
        capacity = 10

        @property
        def tokens(self) -> float:
            raise AssertionError("read although nobody listens")

    listeners = list(observe._listeners)
    observe._listeners.clear()
    try:
        observe.budget_used(Budget())
        observe.token_refresh_failed(RuntimeError("x"))
    finally:
        observe._listeners[:] = listeners
