"""A logged-in browser for the web UI: the hub's real app through Starlette's TestClient, on both databases."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from ordersync import accounts
from ordersync.web.app import create_app

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Browser:
    """A TestClient that knows the CSRF dance: it reads the token from the last page it saw."""

    def __init__(self, app) -> None:
        self.client = TestClient(app, follow_redirects=False, headers={"accept-language": "en-GB,en;q=0.8"})
        self.token = ""

    def get(self, path: str, **kw):
        response = self.client.get(path, **kw)
        found = _CSRF.search(response.text)
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, data: dict | list | None = None, *, csrf: bool = True, **kw):
        if not self.token:
            self.get("/login")
        body: dict = {}
        for key, value in data.items() if isinstance(data, dict) else data or []:
            body.setdefault(key, []).append(value)  # a list of pairs may repeat a name (ids=1&ids=2)
        if csrf:
            body["csrf"] = [self.token]
        response = self.client.post(path, data=body, **kw)
        found = _CSRF.search(response.text)
        if found:
            self.token = found.group(1)
        return response

    def login(self, email: str, password: str = PASSWORD):
        self.get("/login")
        response = self.post("/login", {"email": email, "password": password})
        assert response.status_code == 303, response.text
        self.get("/account")  # picks up the new session's CSRF token
        return response


@pytest.fixture
def app(hub):
    return create_app(hub)


@pytest.fixture
def owner(hub):
    return accounts.create_user(hub, "owner@a.example", PASSWORD, "owner", account_name="A")


@pytest.fixture
def browser(app, owner) -> Browser:
    b = Browser(app)
    b.login(owner.email)
    return b
