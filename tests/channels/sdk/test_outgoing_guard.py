"""Every outgoing call of the hub passes the URL guard: the operator setting, the channel HTTP client, the
Shopify bulk download (redirects included) and raw sockets for IMAP/SMTP. The session allows loopback for
the sandboxes; these tests take that allowance away (``no_allowance``) to see the guard itself."""

from __future__ import annotations

import inspect
import json
import socket

import pytest

from ordersync.channels.csv_import.sandbox import create_sandbox
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.retry import RetryPolicy
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import (
    ALLOW_ENV,
    LEGACY_ALLOW_ENV,
    UrlPolicy,
    UrlRefused,
    allow_loopback,
    connect_socket,
    default_policy,
)
from ordersync.channels.shopify import bulk

from .conftest import Reply

ONCE = RetryPolicy(max_attempts=1)


@pytest.fixture
def no_allowance(monkeypatch):
    monkeypatch.delenv(ALLOW_ENV, raising=False)
    monkeypatch.delenv(LEGACY_ALLOW_ENV, raising=False)


def test_the_setting_takes_host_names_and_cidr_ranges():
    policy = UrlPolicy.from_env({ALLOW_ENV: "Shop.Intranet., 10.20.0.0/16, fd00::/8"})
    assert policy.allows("shop.intranet")
    assert policy.allows_address("10.20.3.4") and not policy.allows_address("10.21.0.1")
    assert policy.allows_address("fd00::5") and not policy.allows_address("::1")
    assert policy.allows("10.20.9.9") and not policy.allows("other.intranet")


def test_the_older_setting_name_is_read_when_the_new_one_is_missing():
    assert UrlPolicy.from_env({LEGACY_ALLOW_ENV: "files.intranet"}).allows("files.intranet")
    both = UrlPolicy.from_env({LEGACY_ALLOW_ENV: "old.intranet", ALLOW_ENV: "new.intranet"})
    assert both.allows("new.intranet") and not both.allows("old.intranet")


def test_a_malformed_range_is_an_error_naming_the_setting():
    with pytest.raises(ValueError, match=f"{ALLOW_ENV}: '10.0.0.0/33' is not a CIDR range"):
        UrlPolicy.from_env({ALLOW_ENV: "10.0.0.0/33"})


def test_allow_loopback_keeps_what_the_operator_allowed():
    env = {LEGACY_ALLOW_ENV: "files.intranet"}
    allow_loopback(env)
    policy = UrlPolicy.from_env(env)
    assert policy.allows("files.intranet") and policy.allows("localhost") and policy.allows_address("127.0.0.2")


@pytest.mark.parametrize(
    "url, problem",
    [
        ("http://127.0.0.1:{port}/", "loopback"),
        ("http://2130706433:{port}/", "127.0.0.1 is a loopback address"),  # decimal form of 127.0.0.1
        ("http://0x7f000001:{port}/", "loopback"),
        ("http://[::1]:6379/", "loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://localhost:{port}/", "loopback"),
    ],
)
def test_the_channel_client_refuses_the_hubs_own_network(script, base_url, no_allowance, url, problem):
    script.on("/", Reply(200, {"secret": "internal"}))
    port = base_url.rsplit(":", 1)[1]
    with ChannelHTTP(url.format(port=port), retry=ONCE) as http, pytest.raises(UrlRefused, match=problem):
        http.request("GET", "/")
    assert script.count("/") == 0


def test_the_channel_client_reaches_an_allowed_host(script, base_url, no_allowance, monkeypatch):
    script.on("/", Reply(200, {"ok": True}))
    monkeypatch.setenv(ALLOW_ENV, "127.0.0.1")
    with ChannelHTTP(base_url, retry=ONCE) as http:
        assert http.request("GET", "/").json() == {"ok": True}


def test_no_connector_can_swap_the_guarded_transport():
    assert "transport" not in inspect.signature(ChannelHTTP).parameters
    with pytest.raises(TypeError):
        ChannelHTTP("https://shop.example", transport=None)  # type: ignore[call-arg]


def test_the_shopify_bulk_download_checks_every_redirect_hop(no_allowance, monkeypatch):
    box = create_sandbox(orders=3)
    box.put("result.jsonl", json.dumps({"id": "gid://shopify/Order/1"}).encode() + b"\n")
    with serve_in_thread(box.app) as running:
        monkeypatch.setenv(ALLOW_ENV, "127.0.0.1")
        direct = f"{running.base_url}/files/result.jsonl"
        assert [r["id"] for r in bulk.records(direct)] == ["gid://shopify/Order/1"]
        hop = f"{running.base_url}/redirect?to=http://localhost:{running.port}/files/result.jsonl"
        with pytest.raises(UrlRefused, match="localhost: 127.0.0.1 is a loopback address"):
            list(bulk.records(hop))
        monkeypatch.delenv(ALLOW_ENV)
        with pytest.raises(UrlRefused, match="loopback"):
            list(bulk.records(direct))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def test_sockets_for_mail_are_guarded(no_allowance):
    with pytest.raises(UrlRefused, match="loopback"):
        connect_socket("127.0.0.1", 6379, 2)
    with pytest.raises(UrlRefused, match="cloud metadata"):
        connect_socket("169.254.169.254", 143, 2)


def test_every_failure_to_connect_a_socket_reads_the_same(monkeypatch):
    monkeypatch.setenv(ALLOW_ENV, "127.0.0.0/8,nowhere.invalid")
    port = _closed_port()
    messages = []
    for host in ("127.0.0.1", "nowhere.invalid"):
        with pytest.raises(ConnectionError) as info:
            connect_socket(host, port, 2, default_policy())
        messages.append(str(info.value).replace(host, "HOST"))
    assert messages == [f"could not connect to HOST:{port}"] * 2
