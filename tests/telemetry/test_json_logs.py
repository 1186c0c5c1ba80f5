"""ORDERSYNC_LOG_FORMAT=json: every log line is one JSON object, and lines written while the hub works on a
connection carry its connection and account ids (issue 17 item 6)."""

from __future__ import annotations

import io
import json
import logging

import pytest
from sqlalchemy import select

from ordersync.store.models import Connection
from ordersync.sync.importer import import_orders
from ordersync.telemetry.logs import configure, log_format


@pytest.fixture
def captured():
    """The root logger set up as `serve` and `worker` set it up, writing into a buffer; restored afterwards."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    buffer = io.StringIO()

    def setup(fmt: str) -> io.StringIO:
        configure(logging.INFO, stream=buffer, fmt=fmt)
        return buffer

    yield setup
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_lines_of_an_import_carry_the_connection_and_account(hub, shop, captured):
    buffer = captured("json")
    shop.sandbox.faults.add("error", status=503, method="GET", path="*/orders")  # one retry, logged
    logging.getLogger("ordersync.test").info("before any connection")
    assert not import_orders(hub, shop.connection_id).error
    with hub.db.session() as s:
        account_id = s.scalar(select(Connection.account_id).where(Connection.id == shop.connection_id))

    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]  # every line parses
    assert all({"event", "level", "logger", "timestamp"} <= set(line) for line in lines)
    first = next(line for line in lines if line["event"] == "before any connection")
    assert "connection_id" not in first and "account_id" not in first  # nothing known, nothing made up
    retried = [line for line in lines if "retrying" in line["event"]]
    assert retried, lines
    assert all(line["connection_id"] == shop.connection_id and line["account_id"] == account_id for line in retried)
    assert retried[0]["logger"] == "ordersync.channels.sdk.http" and retried[0]["level"] == "info"


def test_an_exception_is_part_of_its_json_line(captured):
    buffer = captured("json")
    try:
        raise RuntimeError("the shop went away")
    except RuntimeError:
        logging.getLogger("ordersync.test").exception("sync failed")
    (line,) = [json.loads(raw) for raw in buffer.getvalue().splitlines()]
    assert line["event"] == "sync failed" and line["level"] == "error"
    assert "RuntimeError: the shop went away" in line["exception"]


def test_text_lines_name_the_connection_too(hub, shop, captured):
    buffer = captured("text")
    shop.sandbox.faults.add("error", status=503, method="GET", path="*/orders")
    assert not import_orders(hub, shop.connection_id).error
    retried = [line for line in buffer.getvalue().splitlines() if "retrying" in line]
    assert retried and all(f"connection={shop.connection_id} account=" in line for line in retried)


def test_an_unknown_format_is_refused_by_name():
    assert log_format({}) == "text" and log_format({"ORDERSYNC_LOG_FORMAT": " JSON "}) == "json"
    with pytest.raises(ValueError, match="ORDERSYNC_LOG_FORMAT='xml': expected one of text, json"):
        log_format({"ORDERSYNC_LOG_FORMAT": "xml"})


def test_uvicorns_lines_are_taken_over_as_serve_does(captured):
    import uvicorn

    from ordersync.telemetry.logs import take_over

    names = ("uvicorn", "uvicorn.error", "uvicorn.access")
    saved = {n: (list(logging.getLogger(n).handlers), logging.getLogger(n).propagate) for n in names}
    buffer = captured("json")
    try:
        uvicorn.Config(app=None, log_level="warning")  # uvicorn gives its loggers handlers of their own here
        take_over(*names)
        logging.getLogger("uvicorn.error").warning("port busy")
        assert json.loads(buffer.getvalue())["event"] == "port busy"
    finally:
        for name, (handlers, propagate) in saved.items():
            logging.getLogger(name).handlers[:] = handlers
            logging.getLogger(name).propagate = propagate


def _logging_access(app):
    """``app`` with an access line logged as uvicorn logs it: from inside the app's ``send`` of the answer."""
    access = logging.getLogger("ordersync.test.access")  # uvicorn.access has handlers of its own in tests

    async def wrapped(scope, receive, send):
        async def send_and_log(message):
            if message["type"] == "http.response.start":
                access.info("%s %s %d", scope["method"], scope["path"], message["status"])
            await send(message)

        await app(scope, receive, send_and_log)

    return wrapped


def test_lines_of_a_web_request_name_the_account_it_authenticated_as(hub, captured):
    from fastapi.testclient import TestClient

    from ordersync import accounts
    from ordersync.web.app import create_app

    owner = accounts.create_user(hub, "owner@logs.example", "correct horse battery", "owner", "logs")
    key = accounts.create_api_key(hub, "owner@logs.example")
    buffer = captured("json")
    with TestClient(_logging_access(create_app(hub))) as client:
        assert client.get("/api/v1/orders", headers={"Authorization": f"Bearer {key}"}).status_code == 200
        assert client.get("/api/v1/orders").status_code == 401
        assert client.get("/api/v1/orders", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    access = [json.loads(line) for line in buffer.getvalue().splitlines()]
    access = [line for line in access if line["logger"] == "ordersync.test.access"]
    assert [(line["event"].split()[-1], line.get("account_id")) for line in access] == [
        ("200", owner.account_id),
        ("401", None),
        ("200", owner.account_id),
    ]  # nothing carried over
