"""A Textalk sandbox on loopback and connectors for it that never really sleep."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ordersync.channels.sdk.connector import ConnectorContext
from ordersync.channels.sdk.ratelimit import Unlimited
from ordersync.channels.sdk.records import Window
from ordersync.channels.sdk.retry import RetryPolicy
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.textalk.connector import TextalkConnector
from ordersync.channels.textalk.sandbox import create_sandbox

from ..harness import SandboxControl, fresh

RPC = "/backend/jsonrpc/v1/"


def everything() -> Window:
    return Window(None, datetime.now(UTC) + timedelta(minutes=5))


def fast(connector: TextalkConnector) -> TextalkConnector:
    """Backoffs are recorded in ``connector.slept`` instead of slept; no call budget (its pacing is the
    SDK's, tested there), so hundreds of item look-ups take milliseconds."""
    connector.slept = []
    connector.client.http.retry = RetryPolicy(sleep=connector.slept.append, rng=random.Random(7))
    connector.client.http.budget = Unlimited()
    return connector


class Served(SandboxControl):
    def connector(self, context: ConnectorContext | None = None, **settings: Any) -> TextalkConnector:
        return fast(TextalkConnector({**self.settings(), **settings}, context))

    def rpc(self, body: Any, **query: str) -> Any:
        """A raw JSON-RPC POST with the sandbox's context unless overridden; returns (status, json or None)."""
        s = self.settings()
        params = {"webshop": str(s["webshop"]), "auth": s["auth_token"], **query}
        params = {k: v for k, v in params.items() if v is not None}
        raw = body if isinstance(body, (bytes, str)) else None
        response = self.control.post(
            self.base_url + RPC, params=params, content=raw, json=None if raw is not None else body
        )
        return response.status_code, (response.json() if response.content else None)


@pytest.fixture(scope="module")
def served():
    sandbox = create_sandbox(seed=13, orders=230, carts=4)
    with serve_in_thread(sandbox.app) as server:
        yield Served(sandbox, server.base_url)
    sandbox.close()


@pytest.fixture
def shop(served):
    yield from fresh(served)
