"""Fixtures of the conformance suite: every connector with a sandbox, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from ordersync.channels.sdk.serving import free_port, serve_in_thread
from ordersync.config import Config
from ordersync.sync.hub import Hub
from ordersync.web.app import create_app

from .extra_connectors import registered
from .platforms import Platform, sandbox_params, start_platform


@pytest.fixture(autouse=True)
def registered_test_connectors():
    """The suite's test connectors (extra_connectors) are registered while a case runs, not beyond it."""
    with registered():
        yield


@pytest.fixture(params=sandbox_params())
def platform(request) -> Platform:
    served = start_platform(request.param)
    yield served
    served.server.stop()
    served.sandbox.close()


@pytest.fixture
def web_hub(database_url, hub_config):
    """A hub whose public URL is its own web server on loopback, so a platform can deliver webhooks to it."""
    port = free_port()
    config = Config(
        home=hub_config.home,
        database_url=database_url,
        base_url=f"http://127.0.0.1:{port}",
        master_key=hub_config.master_key,
        redis_url=None,
    )
    hub = Hub.open(config, migrate=False)
    server = serve_in_thread(create_app(hub), port=port)
    yield hub
    server.stop()
    hub.close()
