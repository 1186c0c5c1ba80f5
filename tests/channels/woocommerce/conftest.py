"""A WooCommerce sandbox on loopback, a connector for it, and a webhook receiver that uses the connector."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ordersync.channels.sdk.connector import ConnectorContext
from ordersync.channels.sdk.records import Window
from ordersync.channels.sdk.retry import RetryPolicy
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.woocommerce.connector import WooCommerceConnector
from ordersync.channels.woocommerce.sandbox import create_sandbox

from ..harness import SandboxControl, fresh, receiving


def everything() -> Window:
    return Window(None, datetime.now(UTC) + timedelta(minutes=5))


def fast(connector: WooCommerceConnector) -> WooCommerceConnector:
    """No real waiting in tests: backoffs are recorded, not slept."""
    connector.slept = []
    connector.client.http.retry = RetryPolicy(sleep=connector.slept.append, rng=random.Random(7))
    connector._sleep = connector.slept.append
    return connector


class Served(SandboxControl):
    def connector(self, context: ConnectorContext | None = None, **settings: Any) -> WooCommerceConnector:
        return fast(WooCommerceConnector({**self.sandbox.settings_for(self.base_url), **settings}, context))


@pytest.fixture(scope="module")
def served():
    sandbox = create_sandbox(seed=11, orders=300, products=320)
    with serve_in_thread(sandbox.app) as server:
        yield Served(sandbox, server.base_url)
    sandbox.close()


@pytest.fixture
def shop(served):
    yield from fresh(served)


@pytest.fixture(scope="module")
def receiver():
    yield from receiving("/hooks/woo")
