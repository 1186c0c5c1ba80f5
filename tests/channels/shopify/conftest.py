"""A Shopify sandbox on loopback, a connector for it, and a webhook receiver that uses the connector."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from ordersync.channels.sdk.connector import ConnectorContext
from ordersync.channels.sdk.errors import WebhookRejected
from ordersync.channels.sdk.ratelimit import registry
from ordersync.channels.sdk.records import Window
from ordersync.channels.sdk.retry import RetryPolicy
from ordersync.channels.sdk.serving import read_body, serve_in_thread
from ordersync.channels.shopify.connector import ShopifyConnector
from ordersync.channels.shopify.sandbox import create_sandbox


def everything() -> Window:
    return Window(None, datetime.now(UTC) + timedelta(minutes=5))


def since(days: int) -> Window:
    now = datetime.now(UTC)
    return Window(now - timedelta(days=days), now + timedelta(minutes=5))


def fast(connector: ShopifyConnector) -> ShopifyConnector:
    """No backoff sleeps in tests: they are recorded, not slept. The cost budget still really waits."""
    connector.slept = []
    connector.client.http.retry = RetryPolicy(sleep=connector.slept.append, rng=random.Random(7))
    connector._sleep = connector.slept.append
    connector.bulk_interval = 0.0
    return connector


class Served:
    def __init__(self, sandbox: Any, base_url: str) -> None:
        self.sandbox, self.base_url = sandbox, base_url
        self.control = httpx.Client(base_url=base_url + "/_sandbox", timeout=60)

    def connector(self, context: ConnectorContext | None = None, **settings: Any) -> ShopifyConnector:
        registry.clear()  # a fresh cost budget per connector: tests must not inherit each other's bucket
        return fast(ShopifyConnector({**self.sandbox.settings_for(self.base_url), **settings}, context))

    def ledger(self, kind: str | None = None) -> list[dict]:
        return self.control.get("/ledger", params={"kind": kind} if kind else None).json()

    def orders(self, body: dict) -> dict:
        response = self.control.post("/orders", json=body)
        response.raise_for_status()
        return response.json()

    def faults(self, *rules: dict) -> None:
        self.control.post("/faults", json={"rules": list(rules)}).raise_for_status()

    def requests(self) -> list[dict]:
        return self.control.get("/requests").json()


def serve(**options: Any):
    sandbox = create_sandbox(**options)
    server = serve_in_thread(sandbox.app)
    return sandbox, server


@pytest.fixture(scope="module")
def served():
    sandbox, server = serve(seed=11, orders=240, products=140, bucket_size=100_000, restore_rate=100_000)
    with server:
        yield Served(sandbox, server.base_url)
    sandbox.close()


@pytest.fixture
def shop(served):
    served.control.post("/reset").raise_for_status()
    yield served
    served.control.post("/reset")


class Receiver:
    """The hub's webhook endpoint in miniature: verify, then parse, with whatever connector is attached."""

    def __init__(self) -> None:
        self.connector: Callable[[], ShopifyConnector] | None = None
        self.calls: list[tuple[int, Any, Any]] = []

    async def __call__(self, scope, receive, send) -> None:
        body = await read_body(receive)
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        status, meta, page = await asyncio.to_thread(self._handle, headers, body)
        self.calls.append((status, meta, page))
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})

    def _handle(self, headers, body):
        connector = self.connector()
        try:
            meta = connector.verify_webhook(headers, body)
        except WebhookRejected as exc:
            return exc.status, None, None
        return 200, meta, connector.parse_webhook(meta, body)


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    with serve_in_thread(r) as server:
        r.url = server.base_url + "/hooks/shopify"
        yield r
