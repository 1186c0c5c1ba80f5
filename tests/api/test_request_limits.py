"""Issue 16 items 15 and 16: bodies are refused before they are read (by Content-Length, or while they stream
past the cap), webhook addresses and API keys are checked before a body is read, and the caps are the
operator's settings; a CSV connection's max_megabytes cannot exceed the operator's ceiling.

The server runs on loopback so the tests see what a client sees: a request that declares a large body but
sends none is answered at once; without the early checks the server would wait for the body, and the socket's
timeout would fail the test."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.sync.connections import add_connection
from ordersync.sync.hub import HubError
from ordersync.web.app import create_app


@pytest.fixture
def server(api):
    running = serve_in_thread(create_app(api.hub))
    yield running
    running.stop()


def send(base_url: str, head: str, body: bytes = b"") -> tuple[int, dict]:
    """One raw HTTP/1.1 request; the status and the JSON answer."""
    url = urlsplit(base_url)
    with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536) or b"\0"
        header, _, rest = data.partition(b"\r\n\r\n")
        length = int(
            next(line.split(b":")[1] for line in header.split(b"\r\n") if line.lower().startswith(b"content-length"))
        )
        while len(rest) < length:
            rest += sock.recv(65536)
    return int(header.split()[1]), json.loads(rest[:length])


def test_a_declared_body_above_the_cap_is_refused_before_it_is_sent(api, server):
    status, answer = send(
        server.base_url,
        f"POST /api/v1/orders/{api.a.order_ids[0]}/tags HTTP/1.1\n"
        f"Host: x\nAuthorization: Bearer {api.key_a}\nContent-Type: application/json\n"
        "Content-Length: 400000000\n",
    )
    assert status == 413 and answer["Error"] == "too_large"
    assert "400,000,000" in answer["ErrorMessage"] and "ORDERSYNC_MAX_REQUEST_BYTES" in answer["ErrorMessage"]


def test_the_api_checks_the_key_before_reading_the_body(api, server):
    status, answer = send(
        server.base_url,
        f"POST /api/v1/orders/{api.a.order_ids[0]}/tags HTTP/1.1\n"
        "Host: x\nAuthorization: Bearer not-a-key\nContent-Type: application/json\n"
        "Content-Length: 1000\n",
    )
    assert status == 401 and "not valid" in answer["ErrorMessage"]


def test_webhook_intake_checks_the_address_before_reading_the_body(api, server, monkeypatch):
    status, answer = send(
        server.base_url, "POST /webhooks/woocommerce/no-such-token HTTP/1.1\nHost: x\nContent-Length: 1000\n"
    )
    assert status == 404 and answer == {"status": "unknown webhook address"}
    monkeypatch.setenv("ORDERSYNC_MAX_WEBHOOK_BYTES", "5000")
    status, answer = send(
        server.base_url, "POST /webhooks/woocommerce/no-such-token HTTP/1.1\nHost: x\nContent-Length: 6000\n"
    )
    assert status == 413 and "ORDERSYNC_MAX_WEBHOOK_BYTES" in answer["status"]


def test_a_streamed_body_is_cut_off_at_the_cap(api, server, monkeypatch):
    monkeypatch.setenv("ORDERSYNC_MAX_REQUEST_BYTES", "2000")
    chunk = b"x" * 1500
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n"
    status, answer = send(
        server.base_url,
        f"POST /api/v1/orders/{api.a.order_ids[0]}/tags HTTP/1.1\n"
        f"Host: x\nAuthorization: Bearer {api.key_a}\nContent-Type: application/json\n"
        "Transfer-Encoding: chunked\n",
        chunked,
    )
    assert status == 413 and "at most 2,000 bytes" in answer["ErrorMessage"]
    small = api.a_("POST", f"/api/v1/orders/{api.a.order_ids[0]}/tags", json={"Tags": ["ok"]})
    assert small.status_code == 200


def test_csv_uploads_follow_the_csv_ceiling(api, monkeypatch):
    monkeypatch.setenv("ORDERSYNC_CSV_MAX_MEGABYTES", "1")
    conn = add_connection(api.hub, "csv", "export", {}, account="alpha")
    big = b"order_number;created_at\n" + b"1;2026-01-01T00:00:00Z\n" * 60_000
    answer = api.a_("POST", f"/api/v1/connections/{conn}/imports/csv", content=big)
    assert answer.status_code == 413 and "ORDERSYNC_CSV_MAX_MEGABYTES" in answer.json()["ErrorMessage"]


def test_max_megabytes_cannot_exceed_the_operators_ceiling(api, monkeypatch):
    with pytest.raises(HubError, match="max_megabytes.*100000.*at most 50.*ORDERSYNC_CSV_MAX_MEGABYTES"):
        add_connection(api.hub, "csv", "huge", {"max_megabytes": 100000}, account="alpha")
    monkeypatch.setenv("ORDERSYNC_CSV_MAX_MEGABYTES", "200000")
    assert add_connection(api.hub, "csv", "huge", {"max_megabytes": 100000}, account="alpha")
