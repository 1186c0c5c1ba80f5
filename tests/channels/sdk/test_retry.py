"""The error table and the backoff arithmetic, without a network."""

from __future__ import annotations

import random

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ordersync.channels.sdk.errors import AuthError, PermanentError, RateLimited, TransientError
from ordersync.channels.sdk.retry import (
    DEFAULT_ERROR_MAPPING,
    Action,
    ErrorRule,
    InvalidBody,
    RetryPolicy,
    classify,
    merged,
    parse_retry_after,
)


@pytest.mark.parametrize(
    "failure,action,error",
    [
        (400, Action.FAIL, PermanentError),
        (401, Action.FAIL, AuthError),
        (418, Action.FAIL, PermanentError),
        (408, Action.RETRY, TransientError),
        (409, Action.RETRY, TransientError),
        (429, Action.RATE_LIMITED, RateLimited),
        (503, Action.RETRY, TransientError),
        (599, Action.RETRY, TransientError),
        (302, Action.FAIL, PermanentError),
        (204, Action.IGNORE, TransientError),
        (httpx.ConnectError("x"), Action.RETRY, TransientError),
        (httpx.ReadTimeout("x"), Action.RETRY, TransientError),
        (httpx.RemoteProtocolError("x"), Action.RETRY, TransientError),
        (InvalidBody("x"), Action.RETRY, TransientError),
    ],
)
def test_default_table(failure, action, error):
    rule = classify(failure)
    assert rule.action is action and (action is Action.IGNORE or rule.error is error)


def test_only_failures_before_processing_are_safe_for_post():
    unprocessed = {k for k, r in DEFAULT_ERROR_MAPPING.items() if r.unprocessed}
    assert unprocessed == {429, 503, httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout}
    assert not classify(httpx.ReadTimeout("x")).unprocessed and not classify(500).unprocessed


def test_overrides_and_unknown_exceptions():
    table = merged({404: ErrorRule(Action.IGNORE)})
    assert classify(404, table).action is Action.IGNORE and classify(404).action is Action.FAIL
    with pytest.raises(KeyError):
        classify(KeyError("a bug, not a channel failure"))


@given(st.integers(min_value=1, max_value=60), st.floats(min_value=0, max_value=1))
def test_backoff_is_jittered_within_bounds_and_capped(attempt, jitter):
    policy = RetryPolicy(base_delay=0.5, multiplier=2, max_delay=30, jitter=jitter, rng=random.Random(attempt))
    raw = min(30, 0.5 * 2 ** (attempt - 1))
    assert raw * (1 - jitter) - 1e-9 <= policy.backoff(attempt) <= raw + 1e-9


def test_retry_after_forms():
    assert parse_retry_after("120") == 120 and parse_retry_after("-5") == 0 and parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 30) == pytest.approx(30)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 + 30) == 0
    assert RetryPolicy().delay(3, 7.5) == 7.5
