"""A scripted ASGI app on loopback: each test queues the responses it wants and reads what was received."""

from __future__ import annotations

import json
from collections import defaultdict, deque
from dataclasses import dataclass, field

import pytest

from ordersync.channels.sdk.serving import read_body, serve_in_thread


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | object = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json"})

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass
class Received:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


class Script:
    """Per path, a queue of replies; the last reply of a queue repeats once the others are used."""

    def __init__(self) -> None:
        self.replies: dict[str, deque[Reply]] = defaultdict(deque)
        self.received: list[Received] = []

    def reset(self) -> None:
        self.replies.clear()
        self.received.clear()

    def on(self, path: str, *replies: Reply) -> None:
        self.replies[path].extend(replies)

    def next_reply(self, path: str) -> Reply:
        queue = self.replies.get(path)
        if not queue:
            return Reply(404, {"message": f"no reply scripted for {path}"})
        return queue.popleft() if len(queue) > 1 else queue[0]

    def count(self, path: str) -> int:
        return sum(1 for r in self.received if r.path == path)

    async def __call__(self, scope, receive, send) -> None:
        assert scope["type"] == "http"
        body = await read_body(receive)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.received.append(Received(scope["method"], scope["path"], scope["query_string"].decode(), headers, body))
        reply = self.next_reply(scope["path"])
        payload = reply.encoded()
        raw_headers = [(k.encode(), v.encode()) for k, v in reply.headers.items()]
        raw_headers.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": reply.status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": payload})


@pytest.fixture(scope="module")
def _server():
    script = Script()
    with serve_in_thread(script) as running:
        yield script, running.base_url


@pytest.fixture
def script(_server) -> Script:
    s, _ = _server
    s.reset()
    return s


@pytest.fixture
def base_url(_server) -> str:
    return _server[1]


class FakeTime:
    """A clock that only moves when something sleeps on it."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def redis_prefix() -> str:
    """A fresh key prefix on the test Redis (as tests/scale does); its keys are removed afterwards."""
    import uuid

    import redis
    from conftest import require_or_skip, services

    url = services.redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        problem = ""
    except Exception as exc:  # noqa: BLE001
        problem = f"Redis not reachable at {services.shown(url)}: {type(exc).__name__}"
    require_or_skip(not problem, problem)
    prefix = f"ordersync-test-{uuid.uuid4().hex[:10]}"
    yield prefix
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(scope="module")
def market():
    """The small marketplace sandbox of opsandbox.py on loopback, one per test module."""
    from .opsandbox import MarketSandbox

    sandbox = MarketSandbox()
    with serve_in_thread(sandbox.app) as server:
        yield sandbox, server.base_url
    sandbox.close()


@pytest.fixture
def market_sandbox(market):
    market[0].reset()
    return market[0]


@pytest.fixture
def market_url(market) -> str:
    return market[1]
