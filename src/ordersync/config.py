"""Configuration from the environment, with an embedded default that needs no other service.

ORDERSYNC_HOME          data directory (default ~/.ordersync): SQLite database, task queue, master key
ORDERSYNC_DATABASE_URL  SQLAlchemy URL (default: SQLite in ORDERSYNC_HOME); postgresql+psycopg://... for production
ORDERSYNC_MASTER_KEY    Fernet key for secrets at rest (default: generated once into ORDERSYNC_HOME/master.key)
ORDERSYNC_BASE_URL      the public URL channels send webhooks to (default http://127.0.0.1:8080)
ORDERSYNC_REDIS_URL     redis://host:port/db - its presence moves the task queue and the channels' call budgets
                        to Redis, shared by every process (`ordersync worker` on any number of machines)
ORDERSYNC_REDIS_PREFIX  names in Redis start with this (default "ordersync"), so hubs can share one Redis
ORDERSYNC_WORKER_ID     how this process names itself to channels (User-Agent) and in logs (default host:pid)
ORDERSYNC_OUTBOX_CLAIM_SECONDS  how long a claimed outbox entry stays with a worker that stopped answering
                        before another sends it (default: the dispatcher's own, 5 minutes)
ORDERSYNC_MAX_REQUEST_BYTES  largest request body the web server reads (default 1048576 = 1 MiB; CSV uploads
                        are held to ORDERSYNC_CSV_MAX_MEGABYTES instead); larger ones get 413 before being read
ORDERSYNC_MAX_WEBHOOK_BYTES  largest webhook delivery a shop may send (default 5242880 = 5 MiB)
ORDERSYNC_CSV_MAX_MEGABYTES  largest CSV file a connection may fetch or upload (default 50); a connection's
                        own max_megabytes setting may not exceed it
ORDERSYNC_METRICS_ALLOW addresses and networks that may read /metrics, comma-separated (default loopback only:
                        127.0.0.0/8,::1); everyone else gets 403
ORDERSYNC_LOG_FORMAT    "text" (default) or "json": one JSON object a line, with the connection and account ids
PROMETHEUS_MULTIPROC_DIR  prometheus_client's own: a directory every web and worker process of one machine
                        writes its metrics to, so any web process's /metrics shows them all
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Config:
    home: Path
    database_url: str
    base_url: str
    master_key: str | None
    redis_url: str | None
    redis_prefix: str = "ordersync"
    outbox_claim_seconds: int | None = None
    metrics_allow: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    def __post_init__(self) -> None:
        if not self.metrics_allow:  # a Config built in code gets the safe default too
            object.__setattr__(self, "metrics_allow", metrics_networks(DEFAULT_METRICS_ALLOW))

    @property
    def master_key_file(self) -> Path:
        return self.home / "master.key"

    @property
    def queue_path(self) -> Path:
        return self.home / "queue.db"


def load_config(env: dict[str, str] | None = None) -> Config:
    env = dict(os.environ if env is None else env)
    home = Path(env.get("ORDERSYNC_HOME") or Path.home() / ".ordersync").expanduser()
    url = env.get("ORDERSYNC_DATABASE_URL") or f"sqlite:///{home / 'ordersync.db'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    _check_allow_list(env)
    return Config(
        home=home,
        database_url=url,
        base_url=(env.get("ORDERSYNC_BASE_URL") or "http://127.0.0.1:8080").rstrip("/"),
        master_key=env.get("ORDERSYNC_MASTER_KEY") or None,
        redis_url=env.get("ORDERSYNC_REDIS_URL") or None,
        redis_prefix=env.get("ORDERSYNC_REDIS_PREFIX") or "ordersync",
        outbox_claim_seconds=_positive_int(env, "ORDERSYNC_OUTBOX_CLAIM_SECONDS"),
        metrics_allow=metrics_networks(env.get("ORDERSYNC_METRICS_ALLOW") or DEFAULT_METRICS_ALLOW),
    )


DEFAULT_METRICS_ALLOW = "127.0.0.0/8,::1"


def metrics_networks(raw: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """ORDERSYNC_METRICS_ALLOW's addresses and networks; a typo stops the start instead of opening the page."""
    nets = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        try:
            nets.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(
                f"ORDERSYNC_METRICS_ALLOW: {part!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)"
            ) from None
    if not nets:
        raise ValueError(f"ORDERSYNC_METRICS_ALLOW={raw!r}: name at least one address, e.g. 127.0.0.1")
    return tuple(nets)


# the URL guard's allow-list variables (urlguard.ALLOW_ENV, LEGACY_ALLOW_ENV; tests/architecture holds them equal)
ALLOW_LIST_VARS = ("ORDERSYNC_ALLOW_PRIVATE_HOSTS", "ORDERSYNC_FETCH_ALLOW_HOSTS")


def _check_allow_list(env: dict[str, str]) -> None:
    """A typo in the URL guard's allow list stops the start with its message, instead of failing every call later.
    Without an allow list there is nothing to check, and the guard (httpx, TLS) is not imported: `orders list`
    starts without it."""
    if not any(env.get(name, "").replace(",", "").strip() for name in ALLOW_LIST_VARS):
        return
    from ordersync.channels.sdk.urlguard import UrlPolicy

    UrlPolicy.from_env(env)


def _positive_int(env: dict[str, str], name: str) -> int | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) <= 0:
        raise ValueError(f"{name}={raw!r}: expected a whole number of seconds above 0")
    return int(raw)


DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024
DEFAULT_MAX_WEBHOOK_BYTES = 5 * 1024 * 1024
DEFAULT_CSV_MAX_MEGABYTES = 50


def _limit(name: str, default: int, unit: str) -> int:
    """An operator's size limit, read when used (so a changed environment needs no restart of tests)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise ValueError(f"{name}={raw!r}: expected a whole number of {unit} above 0")
    return int(raw)


def max_request_bytes() -> int:
    return _limit("ORDERSYNC_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES, "bytes")


def max_webhook_bytes() -> int:
    return _limit("ORDERSYNC_MAX_WEBHOOK_BYTES", DEFAULT_MAX_WEBHOOK_BYTES, "bytes")


def csv_max_megabytes() -> int:
    return _limit("ORDERSYNC_CSV_MAX_MEGABYTES", DEFAULT_CSV_MAX_MEGABYTES, "megabytes")
