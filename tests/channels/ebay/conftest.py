from __future__ import annotations

import httpx
import pytest

from ordersync.channels.ebay.connector import EbayConnector
from ordersync.channels.ebay.sandbox import create_sandbox
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback


class Served:
    def __init__(self, sandbox, base_url: str) -> None:
        self.sandbox, self.base_url = sandbox, base_url
        self.control = httpx.Client(base_url=base_url + "/_sandbox", timeout=30)

    def connector(self, **overrides) -> EbayConnector:
        return EbayConnector({**self.sandbox.settings_for(self.base_url), **overrides})

    def act(self, action: str, **body):
        response = self.control.post(f"/conformance/{action}", json=body)
        response.raise_for_status()
        return response.json()

    def requests(self, prefix: str) -> list[dict]:
        return [r for r in self.control.get("/requests").json() if r["path"].startswith(prefix)]


@pytest.fixture
def served():
    allow_loopback()
    sandbox = create_sandbox(seed=5, orders=0)
    with serve_in_thread(sandbox.app) as server:
        yield Served(sandbox, server.base_url)
    sandbox.close()
