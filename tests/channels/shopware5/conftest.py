from __future__ import annotations

import pytest

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.channels.shopware5.sandbox import create_sandbox


@pytest.fixture
def served():
    allow_loopback()  # the sandbox lives on loopback, which the URL guard refuses by default
    sandbox = create_sandbox(seed=3, orders=0)
    with serve_in_thread(sandbox.app) as server:
        yield sandbox, server.base_url
    sandbox.close()
