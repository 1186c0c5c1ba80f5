"""Account isolation through every UI route: a user of account A can neither see nor change anything of
account B (connections, orders, articles, outbox letters, sync logs, API keys).

The routes are enumerated from the app itself. A route whose path parameter or form is not classified below
fails the test, so a new route cannot be added without saying how it is kept inside its account.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from ordersync import accounts
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import (
    Connection,
    OrderEvent,
    OrderRow,
    OutboxEntry,
    ShipmentRow,
    StockLevel,
    SyncRun,
)
from ordersync.web.app import create_app

from .conftest import Browser
from .seed import seed_account

PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")

# path parameters that name another account's object: the value used is B's
B_PARAMS = {
    "conn_id": lambda b: b.connection_id,
    "order_id": lambda b: b.order_ids[0],
    "article_id": lambda b: b.article_id,
    "key_id": lambda b: b.api_key_id,
    "user_id": lambda b: b.user.id,
}
# path parameters that name no account data
NEUTRAL_PARAMS = {"system": "woocommerce"}
# query strings some GET routes need to get past validation to the account check
QUERIES = {
    "/settings/shops/{conn_id:int}/sync": "?since={now}",
    "/settings/shops/{conn_id:int}/sync/status": "?since={now}",
}
# POST routes without an object in the path: the form names B's objects where the route takes ids
FORMS = {
    "/orders/bulk/state": lambda b: [("ids", str(i)) for i in b.order_ids] + [("state", "8")],
    "/orders/bulk/ship": lambda b: [("ids", str(i)) for i in b.order_ids],
    "/orders/bulk/ship/confirm": lambda b: (
        [("ids", str(i)) for i in b.order_ids]
        + [("carrier", "DHL")]
        + [(f"tracking_{i}", f"T{i}") for i in b.order_ids]
    ),
}
# POST routes that act only on the logged-in user or create something new in the user's own account
OWN_ONLY = {
    "/login",
    "/logout",
    "/language",
    "/account/password",
    "/account/keys",
    "/settings/shops/new/{system}",
    "/settings/shops/new/{system}/test",
    "/settings/users",
}
# forms of routes with B's object in the path (B's ids again, where the route reads ids from the form)
PATH_FORMS = {
    "/settings/shops/{conn_id:int}": lambda b: {
        "name": "stolen",
        "poll_interval": "60",
        "s_url": "http://evil.example",
    },
    "/settings/shops/{conn_id:int}/delete": lambda b: {"confirm_name": b.connection_name},
    "/settings/shops/{conn_id:int}/dead/retry": lambda b: [("ids", str(b.dead_id)), ("all", "1")],
    "/settings/shops/{conn_id:int}/dead/discard": lambda b: [("ids", str(b.dead_id)), ("all", "1")],
    "/orders/{order_id:int}/state": lambda b: {"state": "8"},
    "/orders/{order_id:int}/ship": lambda b: {"carrier": "DHL", "tracking_number": "STOLEN"},
    "/orders/{order_id:int}/message": lambda b: {"subject": "x", "text": "stolen"},
    "/orders/{order_id:int}/tags": lambda b: {"tag": "stolen"},
    "/orders/{order_id:int}/forward": lambda b: {"target": "supplier"},
    "/orders/{order_id:int}/tags/remove": lambda b: {"tag": "x"},
    "/articles/{article_id:int}/stock": lambda b: {"mode": "set", "quantity": "0"},
    "/settings/users/{user_id:int}/role": lambda b: {"role": "readonly"},
}


def _walk(routes, prefix: str = ""):
    """Every route with its full path, also inside included routers (FastAPI keeps those nested)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _walk(inner.routes, prefix + (getattr(route.include_context, "prefix", "") or ""))
        else:
            yield prefix, route


def ui_routes(app):
    for prefix, route in _walk(app.routes):
        endpoint = getattr(route, "endpoint", None)
        if endpoint is not None and endpoint.__module__.startswith("ordersync.web.ui"):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, prefix + route.path


def markers(b) -> list[str]:
    return [
        b.connection_name,
        *b.order_numbers,
        b.sku,
        f"Article of {b.tag}",
        f"HTTP 400 from {b.tag}",
        f"run error of {b.tag}",
        f"key of {b.tag}",
        b.user.email,
        f"buyer0@{b.tag.lower()}.example",
    ]


def snapshot(hub, b) -> dict:
    keys = [k.id for k in accounts.list_api_keys(hub, b.user.id)]
    users = [(u.email, u.role) for u in accounts.list_users(hub, b.account_id)]
    with hub.db.session() as s:
        conn = s.get(Connection, b.connection_id)
        return {
            "connection": (conn.name, conn.paused, conn.settings_json, conn.secrets) if conn else None,
            "states": sorted(s.scalars(select(OrderRow.state).where(OrderRow.account_id == b.account_id))),
            "shipments": s.scalar(
                select(func.count()).select_from(ShipmentRow).where(ShipmentRow.order_id.in_(b.order_ids))
            ),
            "events": s.scalar(
                select(func.count()).select_from(OrderEvent).where(OrderEvent.order_id.in_(b.order_ids))
            ),
            "outbox": sorted(
                s.execute(
                    select(OutboxEntry.id, OutboxEntry.status).where(OutboxEntry.account_id == b.account_id)
                ).all()
            ),
            "stock": sorted(s.scalars(select(StockLevel.on_hand).where(StockLevel.article_id == b.article_id))),
            "runs": s.scalar(select(func.count()).select_from(SyncRun).where(SyncRun.connection_id == b.connection_id)),
            "keys": keys,
            "users": users,
        }


@pytest.fixture
def two_accounts(hub):
    return seed_account(hub, "A"), seed_account(hub, "B")


def test_routes_are_all_classified(hub):
    app = create_app(hub)
    routes = list(ui_routes(app))
    assert len(routes) > 30
    for method, path in routes:
        params = PARAM.findall(path)
        unknown = [p for p in params if p not in B_PARAMS and p not in NEUTRAL_PARAMS]
        assert not unknown, f"{method} {path}: classify the path parameter(s) {unknown} in this test"
        if method == "POST" and not any(p in B_PARAMS for p in params):
            assert path in FORMS or path in OWN_ONLY, f"POST {path}: say in this test how it stays in its account"


def test_account_a_cannot_see_or_change_account_b(hub, two_accounts):
    a, b = two_accounts
    app = create_app(hub)
    browser = Browser(app)
    browser.login(a.user.email)
    before = snapshot(hub, b)
    leaks = markers(b)
    now = utcnow().isoformat()
    checked = 0
    for method, path in ui_routes(app):
        if path in OWN_ONLY:
            continue
        params = PARAM.findall(path)
        url = PARAM.sub(
            lambda m: str(B_PARAMS[m.group(1)](b) if m.group(1) in B_PARAMS else NEUTRAL_PARAMS[m.group(1)]), path
        )
        url += QUERIES.get(path, "").format(now=now.replace("+", "%2B"))
        names_b = any(p in B_PARAMS for p in params)
        if method == "GET":
            browser.get("/orders")  # keep a fresh CSRF token of A's session
            r = browser.client.get(url)
            if names_b:
                assert r.status_code == 404, f"GET {url} answered {r.status_code} for account B's object"
        else:
            browser.get("/orders")
            form = (PATH_FORMS.get(path) or FORMS.get(path) or (lambda _: {}))(b)
            r = browser.post(url, form)
            if names_b:
                assert r.status_code == 404, (
                    f"POST {url} answered {r.status_code} for account B's object: {r.text[-1500:]}"
                )
            else:
                assert r.status_code in (200, 303), f"POST {url}: {r.status_code}"
        body = r.text
        for marker in leaks:
            assert marker not in body, f"{method} {url} shows {marker!r} of account B"
        checked += 1
    assert checked > 25
    # A's own dead-letter routes must not reach B's letters by id either
    browser.get("/orders")
    r = browser.post(f"/settings/shops/{a.connection_id}/dead/retry", [("ids", str(b.dead_id))])
    assert r.status_code == 303
    r = browser.post(f"/settings/shops/{a.connection_id}/dead/discard", [("ids", str(b.dead_id))])
    assert r.status_code == 303
    assert snapshot(hub, b) == before
    # and the pages do show A's own data, so the absence of B's is meaningful
    assert a.connection_name in browser.get("/settings/shops").text
    assert a.order_numbers[0] in browser.get("/orders").text
    assert a.sku in browser.get("/articles").text
    assert f"HTTP 400 from {a.tag}" in browser.get(f"/settings/shops/{a.connection_id}/dead").text
    assert f"run error of {a.tag}" in browser.get(f"/settings/shops/{a.connection_id}/log").text
    assert f"key of {a.tag}" in browser.get("/account").text
