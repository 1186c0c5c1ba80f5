from __future__ import annotations

import pytest

from ordersync.channels.etsy.client import DayQuota
from ordersync.channels.etsy.sandbox import create_sandbox
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback


@pytest.fixture(autouse=True)
def fresh_day_quota():
    """The day's budget is per app and process-wide: every test starts with Etsy's answer unknown."""
    DayQuota._all.clear()
    yield
    DayQuota._all.clear()


@pytest.fixture
def served():
    allow_loopback()  # the sandbox lives on loopback, which the URL guard refuses by default
    sandbox = create_sandbox(seed=3, orders=12)
    with serve_in_thread(sandbox.app) as server:
        yield sandbox, server.base_url
    sandbox.close()
