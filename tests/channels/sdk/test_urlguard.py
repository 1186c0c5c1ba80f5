"""The SSRF guard: what it refuses without the operator's allowance, and its limits, over real HTTP on loopback."""

from __future__ import annotations

import gzip
import json
from urllib.parse import quote

import pytest

from ordersync.channels.csv_import.sandbox import create_sandbox
from ordersync.channels.sdk.errors import TransientError
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import (
    ALLOW_ENV,
    FetchTimeout,
    FetchTooLarge,
    UrlPolicy,
    UrlRefused,
    _decode_body,
    address_problem,
    check_url,
    fetch,
    resolve_checked,
)


@pytest.mark.parametrize(
    "address, what",
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.178.1", "private"),
        ("fd12::1", "private"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("192.0.0.192", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not a public address"),
        ("192.0.2.1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("2002:7f00:1::", "loopback"),  # 6to4 carrying 127.0.0.1
    ],
)
def test_non_public_addresses_are_named(address, what):
    problem = address_problem(address)
    assert problem is not None and what in problem


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"])
def test_public_addresses_pass(address):
    assert address_problem(address) is None


@pytest.mark.parametrize(
    "url, match",
    [
        ("ftp://example.org/orders.csv", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://example.org/", "only http and https"),
        ("example.org/orders.csv", "no scheme"),
        ("http:///orders.csv", "no host"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
        ("http://example.org:99999/", "not a valid URL"),
    ],
)
def test_urls_other_than_http_to_a_host_are_refused(url, match):
    with pytest.raises(UrlRefused, match=match):
        check_url(url, UrlPolicy())


def test_every_address_of_a_name_is_checked():
    policy = UrlPolicy(resolver=lambda host, port: ["93.184.216.34", "10.0.0.5"])
    with pytest.raises(UrlRefused, match="10.0.0.5 is a private address.*ORDERSYNC_ALLOW_PRIVATE_HOSTS=shop.example"):
        resolve_checked("shop.example", 443, policy)
    allowed = UrlPolicy(allow_hosts=frozenset({"shop.example"}), resolver=policy.resolver)
    assert resolve_checked("shop.example", 443, allowed) == ["93.184.216.34", "10.0.0.5"]


def test_allowance_comes_from_the_operator_environment():
    policy = UrlPolicy.from_env({ALLOW_ENV: " Files.Intranet. , 127.0.0.1"})
    assert policy.allows("files.intranet") and policy.allows("127.0.0.1") and not policy.allows("localhost")


@pytest.fixture(scope="module")
def server():
    box = create_sandbox(orders=30)
    with serve_in_thread(box.app) as running:
        yield box, running


LOOPBACK = UrlPolicy(allow_hosts=frozenset({"127.0.0.1"}))


def test_loopback_is_refused_without_the_allowance_and_fetched_with_it(server):
    box, running = server
    url = f"{running.base_url}/files/orders.csv"
    with pytest.raises(UrlRefused, match="127.0.0.1 is a loopback address"):
        fetch(url, UrlPolicy())
    result = fetch(url, LOOPBACK)
    assert result.status == 200 and result.content == box.files["orders.csv"].content


def test_allowing_an_address_does_not_allow_another_name_for_it(server):
    _, running = server
    with pytest.raises(UrlRefused, match="loopback"):
        fetch(f"http://localhost:{running.port}/files/orders.csv", LOOPBACK)


def test_the_connection_goes_to_the_checked_address(server):
    """The guard resolves once and connects to what it checked: a name the system resolver does not know
    reaches the server through the guard's own answer, so a changed DNS answer cannot be slipped in."""
    box, running = server
    resolver_calls = []

    def resolver(host, port):
        resolver_calls.append(host)
        return ["127.0.0.1"]

    url = f"http://files.invalid:{running.port}/files/orders.csv"
    with pytest.raises(UrlRefused, match="files.invalid: 127.0.0.1 is a loopback address"):
        fetch(url, UrlPolicy(resolver=resolver))
    result = fetch(url, UrlPolicy(allow_hosts=frozenset({"files.invalid"}), resolver=resolver))
    assert result.content == box.files["orders.csv"].content and resolver_calls == ["files.invalid"] * 2


@pytest.mark.parametrize(
    "target, match",
    [
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[::1]:{port}/files/orders.csv", "loopback"),
        ("http://localhost:{port}/files/orders.csv", "loopback"),
        ("file:///etc/passwd", "only http and https"),
    ],
)
def test_every_redirect_hop_is_checked_again(server, target, match):
    _, running = server
    to = target.format(port=running.port)
    with pytest.raises(UrlRefused, match=match):
        fetch(f"{running.base_url}/redirect?to={to}", LOOPBACK)


def test_redirect_within_allowed_hosts_is_followed_and_loops_end(server):
    _, running = server
    result = fetch(f"{running.base_url}/redirect?to=/files/orders.csv", LOOPBACK)
    assert result.status == 200 and result.url.endswith("/files/orders.csv")
    chain = "/files/orders.csv"
    for _ in range(7):
        chain = "/redirect?to=" + quote(chain, safe="")
    with pytest.raises(UrlRefused, match="more than 5 redirects"):
        fetch(running.base_url + chain, LOOPBACK)


@pytest.mark.parametrize("declare", ["1", "0"])
def test_oversize_bodies_are_cut_off_declared_or_not(server, declare):
    _, running = server
    small = UrlPolicy(allow_hosts=LOOPBACK.allow_hosts, max_bytes=50_000)
    with pytest.raises(FetchTooLarge, match="limit of 50,000 bytes"):
        fetch(f"{running.base_url}/big?bytes=400000&declare={declare}", small)
    assert len(fetch(f"{running.base_url}/big?bytes=40000&declare={declare}", small).content) == 40000


def test_a_trickling_server_is_stopped_by_the_total_time_limit(server):
    _, running = server
    impatient = UrlPolicy(allow_hosts=LOOPBACK.allow_hosts, timeout=5, total_time=0.5)
    with pytest.raises(FetchTimeout, match="not complete after 0.5 seconds"):
        fetch(f"{running.base_url}/slow/orders.csv?chunk=100&pause=0.2", impatient)


def test_a_stalled_read_hits_the_read_timeout(server):
    _, running = server
    with pytest.raises(TransientError, match="timed out"):
        fetch(
            f"{running.base_url}/slow/orders.csv?chunk=100000&pause=3",
            UrlPolicy(allow_hosts=LOOPBACK.allow_hosts, timeout=0.3),
        )


def test_http_errors_are_classified(server):
    _, running = server
    with pytest.raises(Exception) as info:
        fetch(f"{running.base_url}/files/missing.csv", LOOPBACK)
    assert not isinstance(info.value, TransientError) and "HTTP 404" in str(info.value)


def test_proxy_settings_of_the_environment_are_ignored(server, monkeypatch):
    _, running = server
    monkeypatch.setenv("HTTP_PROXY", "http://10.0.0.1:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.0.0.1:3128")
    assert fetch(f"{running.base_url}/files/orders.csv", LOOPBACK).status == 200


def test_decompression_is_capped_too():
    bomb = gzip.compress(b"0" * 2_000_000)
    with pytest.raises(FetchTooLarge, match="decompressed"):
        _decode_body("http://x/", "gzip", bomb, UrlPolicy(max_bytes=100_000))
    assert _decode_body("http://x/", "gzip", gzip.compress(b"a;b\n"), UrlPolicy()) == b"a;b\n"


def test_credentials_do_not_follow_a_redirect_to_another_origin(server):
    _, running = server
    both = UrlPolicy(allow_hosts=frozenset({"127.0.0.1", "localhost"}))
    auth = {"Authorization": "Basic eDp5"}
    same = fetch(f"{running.base_url}/redirect?to=/headers", both, headers=auth)
    assert json.loads(same.content)["authorization"] == "Basic eDp5"
    other = quote(f"http://localhost:{running.port}/headers", safe="")
    moved = fetch(f"{running.base_url}/redirect?to={other}", both, headers=auth)
    assert "authorization" not in json.loads(moved.content)
