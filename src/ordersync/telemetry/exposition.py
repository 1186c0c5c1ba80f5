"""The ``/metrics`` page: who may read it, and what it holds.

Only addresses the operator allows (``ORDERSYNC_METRICS_ALLOW``, loopback by default) get the page; the hub's
connection names and volumes are nobody else's business. A request that came through a proxy names the
original client in ``X-Forwarded-For``: every address named there must be allowed too, so a public proxy in
front of the hub on the same machine does not make the page public.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from ..hub import Hub

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_allowed(allowed: Iterable[Network], peer: str | None, headers: Mapping[str, str]) -> bool:
    values = headers.getlist("x-forwarded-for") if hasattr(headers, "getlist") else [headers.get("x-forwarded-for", "")]
    forwarded = [part.strip() for value in values for part in (value or "").split(",") if part.strip()]
    if "forwarded" in headers:  # RFC 7239's header: not read here, so not trusted either
        return False
    addresses = [peer or "", *forwarded]
    return all(_address_allowed(allowed, a) for a in addresses)


def _address_allowed(allowed: Iterable[Network], address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # a host name, "unknown", or nothing: not an address anyone allowed
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in net for net in allowed)


class _ThisProcess:
    """For a hub that runs as one process (no PROMETHEUS_MULTIPROC_DIR): the hub's metrics as this process
    recorded them, and prometheus_client's process and runtime figures."""

    def collect(self) -> Iterator:
        from prometheus_client import REGISTRY

        from .metrics import registry

        yield from REGISTRY.collect()
        yield from registry.collect()


class _SharedDir:
    """Every process's recorded metrics from PROMETHEUS_MULTIPROC_DIR, as prometheus_client's
    MultiProcessCollector adds them up, but from its own files only: another file ending in .db put there
    (a database, a queue) would otherwise fail every scrape."""

    FILES = re.compile(r"^(counter|histogram|summary|gauge_[a-z]+)_\d+\.db$")

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def collect(self) -> Iterable:
        from prometheus_client.multiprocess import MultiProcessCollector

        files = sorted(str(p) for p in self.path.glob("*.db") if self.FILES.match(p.name))
        return MultiProcessCollector.merge(files, accumulate=True)


def scrape(hub: Hub) -> tuple[bytes, str]:
    """The page's body and content type: every process's recorded metrics, and the database's gauges."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    from .gauges import ConnectionGauges

    registry = CollectorRegistry(auto_describe=False)
    shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if shared:
        registry.register(_SharedDir(shared))
    else:
        registry.register(_ThisProcess())
    registry.register(ConnectionGauges(hub))
    return generate_latest(registry), CONTENT_TYPE_LATEST
