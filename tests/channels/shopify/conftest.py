"""A Shopify sandbox on loopback, a connector for it, and a webhook receiver that uses the connector."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ordersync.channels.sdk.connector import ConnectorContext
from ordersync.channels.sdk.ratelimit import registry
from ordersync.channels.sdk.records import Window
from ordersync.channels.sdk.retry import RetryPolicy
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.shopify.connector import ShopifyConnector
from ordersync.channels.shopify.sandbox import create_sandbox

from ..harness import SandboxControl, fresh, receiving


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


class Served(SandboxControl):
    def connector(self, context: ConnectorContext | None = None, **settings: Any) -> ShopifyConnector:
        registry.clear()  # a fresh cost budget per connector: tests must not inherit each other's bucket
        return fast(ShopifyConnector({**self.sandbox.settings_for(self.base_url), **settings}, context))


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
    yield from fresh(served)


@pytest.fixture(scope="module")
def receiver():
    yield from receiving("/hooks/shopify")
