"""An app with two accounts (alpha, beta), each with an owner's key; alpha also has a read-only key."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from ordersync import accounts
from ordersync.web.app import create_app

from .seed import Tenant, seed_tenant

PASSWORD = "correct horse battery"


@dataclass
class Api:
    client: TestClient
    hub: object
    a: Tenant
    b: Tenant
    key_a: str
    key_b: str
    key_readonly: str

    def call(self, method: str, path: str, key: str | None = None, **kw):
        headers = kw.pop("headers", {})
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        return self.client.request(method, path, headers=headers, **kw)

    def a_(self, method: str, path: str, **kw):
        return self.call(method, path, self.key_a, **kw)


@pytest.fixture
def api(hub, monkeypatch):
    monkeypatch.setenv("ORDERSYNC_API_RATE", "1000")
    monkeypatch.setenv("ORDERSYNC_API_BURST", "1000")
    a = seed_tenant(hub, "alpha", orders=4)
    b = seed_tenant(hub, "beta", orders=3)
    accounts.create_user(hub, "owner@alpha.example", PASSWORD, "owner", "alpha")
    accounts.create_user(hub, "viewer@alpha.example", PASSWORD, "readonly", "alpha")
    accounts.create_user(hub, "owner@beta.example", PASSWORD, "owner", "beta")
    with TestClient(create_app(hub)) as client:
        yield Api(
            client,
            hub,
            a,
            b,
            accounts.create_api_key(hub, "owner@alpha.example", "tests"),
            accounts.create_api_key(hub, "owner@beta.example"),
            accounts.create_api_key(hub, "viewer@alpha.example"),
        )
