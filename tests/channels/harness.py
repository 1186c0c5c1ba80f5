"""What every connector's tests need of a sandbox: its control API, and a webhook receiver.

The control API (`/_sandbox/...`) is the same in every sandbox (see channels.sdk.sandbox), so one client
serves all of them; the receiver is the hub's webhook endpoint in miniature: verify, then parse, with
whatever connector a test attaches.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from ordersync.channels.sdk.connector import Connector
from ordersync.channels.sdk.errors import WebhookRejected
from ordersync.channels.sdk.serving import read_body, serve_in_thread


class SandboxControl:
    def __init__(self, sandbox: Any, base_url: str) -> None:
        self.sandbox, self.base_url = sandbox, base_url
        self.control = httpx.Client(base_url=base_url + "/_sandbox", timeout=60)

    def settings(self) -> dict:
        return self.sandbox.settings_for(self.base_url)

    def ledger(self, kind: str | None = None) -> list[dict]:
        return self.control.get("/ledger", params={"kind": kind} if kind else None).json()

    def orders(self, body: dict) -> dict:
        response = self.control.post("/orders", json=body)
        response.raise_for_status()
        return response.json()

    def faults(self, *rules: dict) -> None:
        self.control.post("/faults", json={"rules": list(rules)}).raise_for_status()

    def requests(self, path_prefix: str = "", method: str | None = None) -> list[dict]:
        return [
            r
            for r in self.control.get("/requests").json()
            if r["path"].startswith(path_prefix) and (method is None or r["method"] == method)
        ]


class Receiver:
    def __init__(self) -> None:
        self.connector: Callable[[], Connector] | None = None
        self.calls: list[tuple[int, Any, Any]] = []
        self.url = ""

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
        return 200, meta, None if meta.is_ping else connector.parse_webhook(meta, body)


def fresh(served: SandboxControl) -> Iterator[SandboxControl]:
    """The body of a per-test ``shop`` fixture: the module's sandbox, reset before and after each test."""
    served.control.post("/reset").raise_for_status()
    yield served
    served.control.post("/reset")


def receiving(path: str) -> Iterator[Receiver]:
    """The body of a ``receiver`` fixture: a webhook receiver served on loopback, its URL ending in ``path``."""
    r = Receiver()
    with serve_in_thread(r) as server:
        r.url = server.base_url + path
        yield r
