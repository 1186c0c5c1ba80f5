"""ChannelHTTP against a real server on loopback: retries, Retry-After, error classes, bad bodies."""

from __future__ import annotations

import random
from email.utils import formatdate

import httpx
import pytest

from ordersync.channels.sdk.errors import AuthError, NotFoundError, PermanentError, RateLimited, TransientError
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.ratelimit import HeaderSpec, RateBudget
from ordersync.channels.sdk.retry import Action, ErrorRule, RetryPolicy, parse_retry_after
from ordersync.channels.sdk.serving import free_port

from .conftest import Reply

OK = Reply(200, {"ok": True})


def make(base_url, fake_time, **kw) -> ChannelHTTP:
    policy = RetryPolicy(
        max_attempts=kw.pop("max_attempts", 4),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        rng=random.Random(1),
        base_delay=0.5,
        jitter=0.0,
    )
    return ChannelHTTP(base_url, retry=policy, **kw)


def test_retries_503_then_succeeds(script, base_url, fake_time):
    script.on("/x", Reply(503, {"message": "busy"}), Reply(503), OK)
    with make(base_url, fake_time) as http:
        assert http.request("GET", "/x").json() == {"ok": True}
    assert script.count("/x") == 3
    assert fake_time.sleeps == [0.5, 1.0]  # exponential backoff, no jitter configured


def test_gives_up_after_max_attempts(script, base_url, fake_time):
    script.on("/x", Reply(502))
    with make(base_url, fake_time, max_attempts=3) as http, pytest.raises(TransientError) as err:
        http.request("GET", "/x")
    assert script.count("/x") == 3 and err.value.status == 502


def test_retry_after_seconds_is_honoured(script, base_url, fake_time):
    script.on("/x", Reply(429, {"message": "slow down"}, {"retry-after": "7", "content-type": "application/json"}), OK)
    with make(base_url, fake_time) as http:
        http.request("GET", "/x")
    assert fake_time.sleeps == [7.0]


def test_retry_after_http_date(script, base_url, fake_time):
    when = formatdate(fake_time.now + 12, usegmt=True)
    script.on("/x", Reply(503, b"", {"retry-after": when}), OK)
    with make(base_url, fake_time) as http:
        http.request("GET", "/x")
    assert fake_time.sleeps == [pytest.approx(12, abs=1)]
    assert parse_retry_after("garbage") is None


def test_long_retry_after_is_raised_not_slept(script, base_url, fake_time):
    script.on("/x", Reply(429, b"", {"retry-after": "3600"}))
    with make(base_url, fake_time) as http, pytest.raises(RateLimited) as err:
        http.request("GET", "/x")
    assert err.value.retry_after == 3600 and fake_time.sleeps == [] and script.count("/x") == 1


@pytest.mark.parametrize(
    "status,error",
    [(400, PermanentError), (404, NotFoundError), (422, PermanentError), (401, AuthError), (403, AuthError)],
)
def test_client_errors_are_not_retried(script, base_url, fake_time, status, error):
    script.on("/x", Reply(status, {"code": "x", "message": "the shop says no"}))
    with make(base_url, fake_time) as http, pytest.raises(error) as err:
        http.request("GET", "/x")
    assert script.count("/x") == 1 and fake_time.sleeps == []
    assert "the shop says no" in str(err.value) and err.value.status == status
    assert not err.value.retryable


@pytest.mark.parametrize("status", [408, 409])
def test_408_and_409_are_retried(script, base_url, fake_time, status):
    script.on("/x", Reply(status), OK)
    with make(base_url, fake_time) as http:
        http.request("GET", "/x")
    assert script.count("/x") == 2


def test_truncated_json_is_transient(script, base_url, fake_time):
    script.on("/x", Reply(200, b'{"orders": [1, 2'), OK)
    with make(base_url, fake_time) as http:
        assert http.request("GET", "/x").json() == {"ok": True}
    assert script.count("/x") == 2
    script.reset()
    script.on("/y", Reply(200, b'[{"id": 1}, {"id"'))
    with make(base_url, fake_time, max_attempts=2) as http, pytest.raises(TransientError, match="invalid JSON"):
        http.request("GET", "/y")


def test_expect_json_rejects_html_error_page(script, base_url, fake_time):
    script.on("/x", Reply(200, b"<html>Fatal error</html>", {"content-type": "text/html"}))
    with make(base_url, fake_time, max_attempts=1) as http:
        assert http.request("GET", "/x").status_code == 200
        with pytest.raises(TransientError):
            http.request("GET", "/x", expect_json=True)


def test_post_not_repeated_after_500(script, base_url, fake_time):
    """The server may have created the thing before failing: a POST is retried only if unprocessed."""
    script.on("/notes", Reply(500), OK)
    with make(base_url, fake_time) as http, pytest.raises(TransientError) as err:
        http.request("POST", "/notes", json={"note": "x"})
    assert script.count("/notes") == 1 and err.value.retryable


def test_post_repeated_after_503_and_429(script, base_url, fake_time):
    script.on("/notes", Reply(503), Reply(429, b"", {"retry-after": "1"}), OK)
    with make(base_url, fake_time) as http:
        http.request("POST", "/notes", json={"note": "x"})
    assert script.count("/notes") == 3


def test_post_marked_idempotent_is_retried_after_500(script, base_url, fake_time):
    script.on("/batch", Reply(500), OK)
    with make(base_url, fake_time) as http:
        http.request("POST", "/batch", json={}, idempotent=True)
    assert script.count("/batch") == 2


def test_connect_errors_are_retried_even_for_post(fake_time):
    with make(f"http://127.0.0.1:{free_port()}", fake_time, max_attempts=3) as http:
        with pytest.raises(TransientError, match="cannot connect"):
            http.request("POST", "/x", json={})
    assert len(fake_time.sleeps) == 2


def test_ignore_rule_per_call(script, base_url, fake_time):
    script.on("/gone", Reply(404))
    with make(base_url, fake_time) as http:
        response = http.request("DELETE", "/gone", error_mapping={404: ErrorRule(Action.IGNORE)})
    assert response.status_code == 404


def test_redirect_is_not_followed(script, base_url, fake_time):
    script.on("/x", Reply(301, b"", {"location": "https://shop.example/x"}))
    with make(base_url, fake_time) as http, pytest.raises(PermanentError, match="shop.example"):
        http.request("POST", "/x", json={})


def test_timeouts_user_agent_and_auth_are_set(script, base_url, fake_time):
    script.on("/x", OK)
    with make(base_url, fake_time, timeout=12, auth=httpx.BasicAuth("ck", "cs")) as http:
        t = http.client.timeout
        assert None not in (t.connect, t.read, t.write, t.pool) and t.read == 12
        http.request("GET", "/x")
    got = script.received[-1].headers
    assert got["user-agent"].startswith("ordersync/") and got["authorization"].startswith("Basic ")


def test_header_fed_budget_blocks_the_next_call(script, base_url, fake_time):
    spec = HeaderSpec(remaining="x-ratelimit-remaining", limit="x-ratelimit-limit", reset="x-ratelimit-reset")
    budget = RateBudget(40, 2, headers=spec, clock=fake_time.clock, sleep=fake_time.sleep)
    script.on(
        "/x",
        Reply(
            200,
            {},
            {
                "content-type": "application/json",
                "x-ratelimit-remaining": "0",
                "x-ratelimit-limit": "40",
                "x-ratelimit-reset": "5",
            },
        ),
        OK,
    )
    with make(base_url, fake_time, budget=budget) as http:
        http.request("GET", "/x")
        assert fake_time.sleeps == []
        http.request("GET", "/x")
    assert fake_time.sleeps == [5.0]


def test_429_pauses_the_shared_budget(script, base_url, fake_time):
    budget = RateBudget(10, 10, clock=fake_time.clock, sleep=fake_time.sleep)
    script.on("/x", Reply(429, b"", {"retry-after": "4"}))
    with make(base_url, fake_time, budget=budget, max_attempts=1) as http, pytest.raises(RateLimited):
        http.request("GET", "/x")
    assert budget.try_acquire() == pytest.approx(4)


def test_a_json_body_is_parsed_once_and_kwargs_still_parse_afresh(script, base_url, fake_time, monkeypatch):
    """The check's parse is what response.json() returns: a page of orders is not parsed three times."""
    import ordersync.channels.sdk.http as http_module

    script.on("/x", Reply(200, {"n": 1.5}))
    calls = []
    real_loads = http_module.jsonlib.loads
    monkeypatch.setattr(http_module.jsonlib, "loads", lambda *a, **kw: calls.append(1) or real_loads(*a, **kw))
    with make(base_url, fake_time) as http:
        response = http.request("GET", "/x", expect_json=True)
        first, again = response.json(), response.json()
    assert first == {"n": 1.5} and again is first and len(calls) == 1
    from decimal import Decimal

    assert response.json(parse_float=Decimal) == {"n": Decimal("1.5")}  # other options: the body, parsed anew


def test_a_checked_json_response_is_freed_without_the_cyclic_collector(script, base_url, fake_time):
    """The kept parse must not outlive the response: with a cycle, every page of an import would stay in
    memory until the collector ran."""
    import gc
    import weakref

    script.on("/x", Reply(200, [{"id": n} for n in range(50)]))
    with make(base_url, fake_time) as http:
        gc.disable()
        try:
            response = http.request("GET", "/x", expect_json=True)
            assert len(response.json()) == 50 and response.read() == response.content
            gone = weakref.ref(response)
            del response
            assert gone() is None
        finally:
            gc.enable()
