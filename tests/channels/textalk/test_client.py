"""A transient JSON-RPC error inside an HTTP 200 answer is repeated, others not, by ChannelHTTP's one loop.

The Textalk sandbox's faults act at the HTTP level, so this uses a tiny JSON-RPC server on loopback that
answers with scripted error objects first.
"""

from __future__ import annotations

import json
import random

import pytest

from ordersync.channels.sdk.errors import PermanentError, TransientError
from ordersync.channels.sdk.ratelimit import Unlimited
from ordersync.channels.sdk.retry import RetryPolicy
from ordersync.channels.sdk.serving import read_body, serve_in_thread
from ordersync.channels.textalk.client import TextalkClient


class Scripted:
    """Answers each request with the next scripted error code, then with result 42."""

    def __init__(self, codes: list[int]) -> None:
        self.codes, self.seen = list(codes), []

    async def __call__(self, scope, receive, send) -> None:
        request = json.loads(await read_body(receive))
        self.seen.append((request, scope["query_string"].decode()))
        answer = {"jsonrpc": "2.0", "id": request["id"]}
        if self.codes:
            answer["error"] = {"code": self.codes.pop(0), "message": "scripted"}
        else:
            answer["result"] = 42
        body = json.dumps(answer).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def client_for(url: str) -> TextalkClient:
    client = TextalkClient(url + "/backend/jsonrpc/v1", "22222", "tok", language="sv")
    client.slept = []
    client.http.retry = RetryPolicy(max_attempts=4, sleep=client.slept.append, rng=random.Random(1))
    client.http.budget = Unlimited()
    return client


def test_transient_json_rpc_errors_are_retried():
    app = Scripted([-32603, -32000])
    with serve_in_thread(app) as server:
        client = client_for(server.base_url)
        assert client.call("Order.count", {}) == 42
    assert len(client.slept) == 2 and len(app.seen) == 3
    request, query = app.seen[0]
    assert request["method"] == "Order.count" and request["params"] == [{}] and request["jsonrpc"] == "2.0"
    assert query == "webshop=22222&auth=tok&language=sv"
    assert len({r["id"] for r, _ in app.seen}) == 1  # the same request, repeated by ChannelHTTP's one loop


def test_permanent_errors_are_not_repeated_and_give_up_after_the_attempts():
    app = Scripted([-32602])
    with serve_in_thread(app) as server:
        client = client_for(server.base_url)
        with pytest.raises(PermanentError, match="-32602"):
            client.call("Order.list", True, {})
        assert len(app.seen) == 1 and client.slept == []
        app.codes = [-32000] * 5
        with pytest.raises(TransientError, match="-32000"):
            client.call("Order.count", {})
        assert len(app.seen) == 1 + 4
