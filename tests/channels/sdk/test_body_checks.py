"""Errors inside 200 answers become the SDK's error classes and go through ChannelHTTP's one retry loop;
GraphQL paging stops on a repeated cursor; XML answers with a DOCTYPE are refused. All over loopback."""

from __future__ import annotations

import json
import random

import pytest

from ordersync.channels.sdk.body_checks import graphql_errors, json_flag, xml_ack
from ordersync.channels.sdk.errors import PermanentError, RateLimited, TransientError
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.operations import Operation, OperationBudgets, OperationLimits
from ordersync.channels.sdk.paging import GraphQLCursorPaginator, PagingLoopError, graphql_connections
from ordersync.channels.sdk.retry import RetryPolicy

from .opsandbox import MarketSandbox

FAILURE_XML = (
    b'<?xml version="1.0"?><GetOrdersResponse xmlns="urn:ebay:apis:eBLBaseComponents"><Ack>Failure</Ack>'
    b"<Errors><ShortMessage>%s</ShortMessage><ErrorCode>%s</ErrorCode><SeverityCode>Error</SeverityCode>"
    b"<ErrorClassification>%s</ErrorClassification></Errors></GetOrdersResponse>"
)


def client(market_url: str, slept: list[float], **kw) -> ChannelHTTP:
    policy = RetryPolicy(max_attempts=4, sleep=slept.append, rng=random.Random(1), jitter=0.0)
    return ChannelHTTP(market_url, retry=policy, **kw)


def attempts(market_sandbox: MarketSandbox, path: str) -> int:
    return sum(1 for r in market_sandbox.requests.entries() if r["path"] == path)


def test_a_transient_success_false_is_retried_then_answered(market_sandbox, market_url):
    market_sandbox.body_errors["/api/status"] = [b'{"success": false, "message": "index rebuilding"}'] * 2
    slept: list[float] = []
    with client(market_url, slept, check=json_flag(error=TransientError)) as http:
        assert http.request("GET", "/api/status").json()["value"] == 1
    assert attempts(market_sandbox, "/api/status") == 3 and len(slept) == 2


def test_a_fatal_success_false_is_raised_at_once(market_sandbox, market_url):
    market_sandbox.body_errors["/api/status"] = [b'{"success": false, "message": "unknown field sku"}']
    slept: list[float] = []
    with client(market_url, slept, check=json_flag()) as http, pytest.raises(PermanentError, match="unknown field sku"):
        http.request("GET", "/api/status")
    assert attempts(market_sandbox, "/api/status") == 1 and slept == []


def test_a_transient_body_error_gives_up_after_exactly_the_policys_attempts(market_sandbox, market_url):
    market_sandbox.body_errors["/api/status"] = [b'{"success": false}'] * 10
    slept: list[float] = []
    with client(market_url, slept, check=json_flag(error=TransientError)) as http, pytest.raises(TransientError):
        http.request("POST", "/api/status", idempotent=True)
    assert attempts(market_sandbox, "/api/status") == 4


def test_graphql_throttled_is_waited_out_and_pauses_its_operation(market_sandbox, market_url):
    throttled = {"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}], "extensions": {"wait": 1.0}}
    market_sandbox.body_errors["/graphql"] = [json.dumps(throttled).encode()]
    check = graphql_errors({"THROTTLED": RateLimited}, retry_after=lambda body: body["extensions"]["wait"])
    ops = OperationBudgets(
        OperationLimits([Operation("graphql", "POST", "/graphql", 100, 10)]),
        "m:gql",
        make=lambda key, factory: factory(),
    )
    slept: list[float] = []
    with client(market_url, slept, check=check, operations=ops) as http:
        # a POST: a throttled answer proves nothing ran, so even a non-idempotent call is repeated
        data = http.request("POST", "/graphql", json={"query": "{ orders { id } }"}).json()
    assert data["data"]["orders"]["edges"] and slept == [1.0]
    log = [r for r in market_sandbox.requests.entries() if r["path"] == "/graphql"]
    assert len(log) == 2
    # the policy's sleep was skipped here, yet the operation's budget, paused for the wait, held the retry
    assert log[1]["t_start"] - log[0]["t_start"] >= 0.95


def test_other_graphql_errors_are_fatal(market_sandbox, market_url):
    market_sandbox.body_errors["/graphql"] = [b'{"errors": [{"message": "Field \'x\' doesn\'t exist"}]}']
    slept: list[float] = []
    with (
        client(market_url, slept, check=graphql_errors()) as http,
        pytest.raises(PermanentError, match="doesn't exist"),
    ):
        http.request("POST", "/graphql", json={"query": "{ x }"}, idempotent=True)
    assert attempts(market_sandbox, "/graphql") == 1


@pytest.mark.parametrize(
    ("code", "classification", "raised", "tries"),
    [
        (b"518", b"RequestError", RateLimited, 4),  # call usage limit: throttled, repeated
        (b"10007", b"SystemError", TransientError, 4),  # eBay's side failed: repeated
        (b"37", b"RequestError", PermanentError, 1),  # our request is wrong: raised at once
    ],
)
def test_xml_ack_failure_is_classified(market_sandbox, market_url, code, classification, raised, tries):
    market_sandbox.body_errors["/ws/api.dll"] = [FAILURE_XML % (b"refused", code, classification)] * 5
    slept: list[float] = []
    with client(market_url, slept, check=xml_ack()) as http, pytest.raises(raised, match=code.decode()) as err:
        http.request("POST", "/ws/api.dll", idempotent=True)
    assert type(err.value) is raised
    assert attempts(market_sandbox, "/ws/api.dll") == tries


def test_xml_ack_success_passes_and_an_xxe_answer_is_refused(market_sandbox, market_url, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    slept: list[float] = []
    with client(market_url, slept, check=xml_ack()) as http:
        assert b"7-1" in http.request("POST", "/ws/api.dll", idempotent=True).content
        market_sandbox.body_errors["/ws/api.dll"] = [
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://%s">]><r><Ack>&x;</Ack></r>'
            % str(secret).encode()
        ]
        with pytest.raises(PermanentError, match="DOCTYPE") as err:
            http.request("POST", "/ws/api.dll", idempotent=True)
    assert "TOP-SECRET-VALUE" not in str(err.value)


def test_graphql_cursor_paging_reads_every_page(market_sandbox, market_url):
    slept: list[float] = []
    with client(market_url, slept, check=graphql_errors()) as http:

        def fetch(after):
            body = {
                "query": "query($after: String) { orders(after: $after) { edges { node { id } } } }",
                "variables": {"after": after},
            }
            return http.request("POST", "/graphql", json=body, idempotent=True).json()["data"]["orders"]

        ids = [e["node"]["id"] for page in graphql_connections(fetch) for e in page["edges"]]
    assert ids == ["order-0", "order-1", "order-2"]


def test_a_repeated_graphql_cursor_raises_instead_of_looping(market_sandbox, market_url):
    market_sandbox.cursors = ["c1", "c2", "c1", "c2"]  # the channel offers c1 again after c2
    slept: list[float] = []
    with client(market_url, slept) as http:

        def fetch(after):
            return http.request("POST", "/graphql", json={"variables": {"after": after}}, idempotent=True).json()[
                "data"
            ]["orders"]

        with pytest.raises(PagingLoopError, match="'c1' again"):
            list(graphql_connections(fetch))
    assert attempts(market_sandbox, "/graphql") == 3  # c1, c2, then c1 offered again: stopped there


def test_has_next_page_without_a_cursor_is_a_loop():
    cursor = GraphQLCursorPaginator()
    with pytest.raises(PagingLoopError, match="without an endCursor"):
        cursor.advance({"edges": [], "pageInfo": {"hasNextPage": True, "endCursor": None}})
    capped = GraphQLCursorPaginator(max_pages=2)
    capped.advance({"pageInfo": {"hasNextPage": True, "endCursor": "a"}})
    with pytest.raises(PagingLoopError, match="cap 2"):
        capped.advance({"pageInfo": {"hasNextPage": True, "endCursor": "b"}})
