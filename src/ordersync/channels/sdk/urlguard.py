"""Fetching a URL a seller typed in, without letting it reach into the hub's own network (SSRF guard).

A seller-supplied URL (a CSV export, a feed) must not become a way to read the cloud metadata service, an
admin port on loopback or a database on the private network. The guard therefore:

* allows only ``http`` and ``https`` URLs with a host name, no other scheme;
* resolves the host and refuses it if *any* address it resolves to is loopback, private, link-local,
  multicast, reserved, unspecified, carrier-grade NAT or a cloud metadata address (IPv4-mapped, 6to4 and
  Teredo IPv6 addresses are checked by the IPv4 address they carry);
* does this at connect time, inside the HTTP transport, and connects to the very address it checked, so a
  DNS answer that changes between check and connect (DNS rebinding) cannot slip through;
* follows redirects itself (at most ``max_redirects``) and checks every hop again, scheme included;
* ignores proxy settings from the environment (a proxy would hide the real destination);
* enforces a size limit (``Content-Length`` and the bytes actually read) and a total time limit besides
  httpx's per-operation timeouts, so a server trickling bytes cannot hold a worker.

Only the operator can lift the address check: ``UrlPolicy.allow_hosts``/``allow_networks`` or the
environment variable ``ORDERSYNC_ALLOW_PRIVATE_HOSTS`` (comma-separated host names and CIDRs, e.g. a shop
on the intranet, ``10.1.0.0/16`` or, in tests, ``127.0.0.0/8``; the older ``ORDERSYNC_FETCH_ALLOW_HOSTS`` is
read when the new one is not set). The scheme check and the limits always apply. Every outgoing call the
hub makes on a user's behalf passes this guard: channel HTTP (:mod:`.http`), webhooks, forwarding,
Shopify bulk files, IMAP and SMTP (:func:`connect_socket`).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from .errors import PermanentError, TransientError
from .http import USER_AGENT, make_timeout

ALLOW_ENV = "ORDERSYNC_ALLOW_PRIVATE_HOSTS"
LEGACY_ALLOW_ENV = "ORDERSYNC_FETCH_ALLOW_HOSTS"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_TIMEOUT = 30.0
DEFAULT_TOTAL_TIME = 120.0

# Addresses of instance-metadata services that are globally routable or need naming in the message.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, ...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (classic)
    )
)
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data", "instance-data.ec2.internal"})

Resolver = Callable[[str, int], list[str]]


class UrlRefused(PermanentError):
    """The URL or an address it resolves to is not allowed; the message names the URL and the reason."""


class FetchTooLarge(PermanentError):
    """The body is larger than the configured limit."""


class FetchTimeout(TransientError):
    """The whole fetch took longer than the total time limit."""


def _system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TransientError(f"cannot resolve host {host!r}: {exc.strerror or exc}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def address_problem(address: str) -> str | None:
    """Why ``address`` may not be fetched from, or None when it is a public unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and (inner := _embedded_ipv4(ip)) is not None:
        problem = address_problem(str(inner))
        return f"{problem} (inside IPv6 address {ip})" if problem else None
    checks = (
        (ip in METADATA_ADDRESSES, "a cloud metadata address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_unspecified, "the unspecified address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "not a public address"),
    )
    for hit, what in checks:
        if hit:
            return f"{ip} is {what}"
    return None


def _host_key(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


@dataclass(frozen=True)
class UrlPolicy:
    """What one fetch may do. ``allow_hosts``/``allow_networks``: host names and address ranges the operator
    lets through the address check."""

    allow_hosts: frozenset[str] = frozenset()
    allow_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT
    total_time: float = DEFAULT_TOTAL_TIME
    max_redirects: int = 5
    resolver: Resolver = field(default=_system_resolver, compare=False)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, extra_allow: Iterable[str] = (), **limits: object
    ) -> UrlPolicy:
        env = os.environ if env is None else env
        raw = env.get(ALLOW_ENV)
        if raw is None:
            raw = env.get(LEGACY_ALLOW_ENV) or ""
        hosts, networks = _split_allow([*raw.split(","), *extra_allow])
        return cls(allow_hosts=hosts, allow_networks=networks, **limits)  # type: ignore[arg-type]

    def allows(self, host: str) -> bool:
        key = _host_key(host)
        if key in self.allow_hosts:
            return True
        try:
            return self.allows_address(str(ipaddress.ip_address(key)))
        except ValueError:
            return False

    def allows_address(self, address: str) -> bool:
        """Whether ``address`` lies in an allowed range (a single allowed address only allows that literal
        host, not every name that resolves to it)."""
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        return any(ip.version == n.version and ip in n for n in self.allow_networks)


def _split_allow(
    entries: Iterable[str],
) -> tuple[frozenset[str], tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]]:
    """Host names (and single addresses) apart from CIDR ranges; a malformed range is an operator error."""
    hosts: set[str] = set()
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for entry in entries:
        key = _host_key(entry)
        if not key:
            continue
        if "/" in key:
            try:
                networks.append(ipaddress.ip_network(key, strict=False))
            except ValueError:
                raise ValueError(f"{ALLOW_ENV}: {entry.strip()!r} is not a CIDR range like 10.0.0.0/8") from None
            continue
        try:
            key = str(ipaddress.ip_address(key))
        except ValueError:
            pass
        hosts.add(key)
    return frozenset(hosts), tuple(networks)


LOOPBACK = ("127.0.0.0/8", "::1", "localhost")


def allow_loopback(env: MutableMapping[str, str] | None = None) -> None:
    """Let the hub reach loopback in this process and its children: for its own sandboxes (the demo,
    the benchmarks, the test suite), never for a production install. Keeps what the operator allowed."""
    env = os.environ if env is None else env
    current = env.get(ALLOW_ENV)
    if current is None:
        current = env.get(LEGACY_ALLOW_ENV) or ""
    entries = [e.strip() for e in current.split(",") if e.strip()]
    env[ALLOW_ENV] = ",".join(entries + [e for e in LOOPBACK if e not in entries])


def default_policy(**limits: Any) -> UrlPolicy:
    """The operator's policy for the hub's outgoing calls, read from the environment at each use."""
    return UrlPolicy.from_env(**limits)


def check_url(url: str, policy: UrlPolicy) -> tuple[str, int]:
    """Check what can be checked without a connection: scheme, host, port. Returns (host, port)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlRefused(f"{url!r} is not a valid URL: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UrlRefused(f"{url!r}: only http and https URLs can be fetched, not {parts.scheme or 'no scheme'!r}")
    host = _host_key(parts.hostname or "")
    if not host:
        raise UrlRefused(f"{url!r} has no host name")
    if host in METADATA_HOSTS and not policy.allows(host):
        raise UrlRefused(f"{url!r}: {host} is a cloud metadata service")
    return host, port or (443 if parts.scheme.lower() == "https" else 80)


def literal_address(host: str) -> str | None:
    """The address a host written as a number stands for (``127.0.0.1``, ``[::1]``, ``2130706433``,
    ``0x7f.1``: every form the C resolver accepts), or None for a host name."""
    key = _host_key(host)
    try:
        return str(ipaddress.ip_address(key))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(key))
    except OSError:
        return None


def refuse_private_literal(url: str, policy: UrlPolicy | None = None) -> None:
    """At the time a URL is entered: refuse one whose host is a non-public address written as a number,
    so the user hears it at once (names are checked when connecting, as every connection is)."""
    policy = policy or default_policy()
    host = _host_key(urlsplit(url).hostname or "")
    address = literal_address(host) if host else None
    if address is None or policy.allows(host) or policy.allows_address(address):
        return
    if problem := address_problem(address):
        raise UrlRefused(
            f"{url!r}: {problem}; the hub does not call addresses of its own network "
            f"(an operator can allow it with {ALLOW_ENV})"
        )


def resolve_checked(host: str, port: int, policy: UrlPolicy) -> list[str]:
    """Every address ``host`` resolves to, refused as a whole if any of them is not public (unless the
    operator allowed the host)."""
    host = _host_key(host)
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = policy.resolver(host, port)
    if not addresses:
        raise TransientError(f"host {host!r} resolved to no address")
    if not policy.allows(host):
        for address in addresses:
            if not policy.allows_address(address) and (problem := address_problem(address)):
                raise UrlRefused(
                    f"refusing to connect to {host}: {problem}. An operator can allow this host with {ALLOW_ENV}={host}"
                )
    return addresses


def connect_socket(host: str, port: int, timeout: float | None, policy: UrlPolicy | None = None) -> socket.socket:
    """A TCP connection to a checked address of ``host`` (for IMAP and SMTP). Every failure to connect
    reads the same, "could not connect to HOST:PORT", so a connection test cannot be used to tell a
    closed port from a filtered one or an unknown host (no port scanning through the hub)."""
    policy = policy or default_policy()
    try:
        addresses = resolve_checked(host, port, policy)
    except TransientError:
        raise ConnectionError(f"could not connect to {host}:{port}") from None
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError:
            continue
    raise ConnectionError(f"could not connect to {host}:{port}")


class _GuardedBackend(httpcore.SyncBackend):
    """Checks the destination of every TCP connection and connects to the checked address itself."""

    def __init__(self, policy: UrlPolicy) -> None:
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = resolve_checked(host, port, self.policy)
        except UrlRefused:
            raise
        except TransientError as exc:  # DNS failure: an ordinary connect error, retried like one
            raise httpcore.ConnectError(str(exc)) from None
        last: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last = exc
        raise last or httpcore.ConnectError(f"could not connect to {host}:{port}")


def guarded_transport(policy: UrlPolicy, *, verify: bool | ssl.SSLContext = True) -> httpx.HTTPTransport:
    """An httpx transport whose every connection passes the guard (TLS still verifies the host name)."""
    transport = httpx.HTTPTransport(verify=verify)
    ssl_context = transport._pool._ssl_context  # keep httpx's verified TLS setup
    transport._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=_GuardedBackend(policy))
    return transport


@dataclass
class FetchResult:
    url: str  # the final URL after redirects
    status: int
    headers: httpx.Headers
    content: bytes = b""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def fetch(
    url: str, policy: UrlPolicy, *, headers: Mapping[str, str] | None = None, client: httpx.Client | None = None
) -> FetchResult:
    """GET ``url`` under ``policy``: redirects checked hop by hop, body capped in size and total time.
    2xx and 304 are returned; anything else raises the SDK error for it."""
    own = client is None
    client = client or guarded_client(policy)
    deadline = time.monotonic() + policy.total_time
    origin = _origin(url)
    try:
        current = url
        for _hop in range(policy.max_redirects + 1):
            check_url(current, policy)
            sent = dict(headers or {})
            if _origin(current) != origin:  # credentials never follow a redirect to another origin
                sent = {k: v for k, v in sent.items() if k.lower() not in ("authorization", "cookie")}
            result = _get_once(client, current, policy, sent, deadline)
            if result.status in (301, 302, 303, 307, 308):
                location = result.headers.get("location")
                if not location:
                    raise PermanentError(
                        f"GET {current}: HTTP {result.status} without a Location header", status=result.status
                    )
                current = urljoin(current, location)
                continue
            return result
        raise UrlRefused(f"GET {url}: more than {policy.max_redirects} redirects")
    finally:
        if own:
            client.close()


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme.lower(), _host_key(parts.hostname or ""), port


def guarded_client(policy: UrlPolicy, *, verify: bool | ssl.SSLContext = True) -> httpx.Client:
    return httpx.Client(
        transport=guarded_transport(policy, verify=verify),
        follow_redirects=False,
        trust_env=False,
        timeout=make_timeout(policy.timeout),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
    )


def _get_once(
    client: httpx.Client, url: str, policy: UrlPolicy, headers: Mapping[str, str], deadline: float
) -> FetchResult:
    try:
        with client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            if status == 304 or 300 <= status < 400:
                return FetchResult(url, status, response.headers)
            if status >= 400:
                body = response.read()[:2000].decode("utf-8", "replace")
                error = TransientError if status >= 500 or status in (408, 429) else PermanentError
                raise error(f"GET {url}: HTTP {status} {response.reason_phrase}", status=status, body=body)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > policy.max_bytes:
                raise FetchTooLarge(
                    f"GET {url}: the file has {int(declared):,} bytes, more than the limit "
                    f"of {policy.max_bytes:,} bytes"
                )
            chunks, size = [], 0
            for chunk in response.iter_raw():
                size += len(chunk)
                if size > policy.max_bytes:
                    raise FetchTooLarge(f"GET {url}: the file is larger than the limit of {policy.max_bytes:,} bytes")
                if time.monotonic() > deadline:
                    raise FetchTimeout(f"GET {url}: not complete after {policy.total_time:g} seconds")
                chunks.append(chunk)
            content = b"".join(chunks)
            if response.headers.get("content-encoding", "identity") not in ("identity", ""):
                content = _decode_body(url, response.headers["content-encoding"], content, policy)
            return FetchResult(url, status, response.headers, content)
    except httpx.TimeoutException as exc:
        raise TransientError(f"GET {url}: timed out ({type(exc).__name__})") from None
    except httpx.TransportError as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, UrlRefused):  # raised inside the transport, wrapped by httpx
            raise cause from None
        raise TransientError(f"GET {url}: {type(exc).__name__}: {exc}") from None


def _decode_body(url: str, encoding: str, raw: bytes, policy: UrlPolicy) -> bytes:
    """Undo gzip/deflate with the size limit applied to the *decoded* bytes (no decompression bombs)."""
    import zlib

    kind = encoding.strip().lower()
    if kind not in ("gzip", "x-gzip", "deflate"):
        raise PermanentError(f"GET {url}: unsupported Content-Encoding {encoding!r}")
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in kind else zlib.MAX_WBITS)
    try:
        out = decoder.decompress(raw, policy.max_bytes + 1)
    except zlib.error as exc:
        raise PermanentError(f"GET {url}: the {kind} body is corrupt: {exc}") from None
    if len(out) > policy.max_bytes or decoder.unconsumed_tail:
        raise FetchTooLarge(f"GET {url}: the decompressed file is larger than {policy.max_bytes:,} bytes")
    return out
