"""The metrics each process records as it works (prometheus_client), and the listener that counts the SDK's
reports against the connection bound in the log context.

With ``PROMETHEUS_MULTIPROC_DIR`` set (before the process starts, for every web and worker process on the
machine) prometheus_client keeps these values in files there, and the ``/metrics`` page of any web process
adds them up: a counter or histogram sums over processes, the budget gauge shows the value set last by any of
them. Without it the values live in the process and ``/metrics`` shows that process's own (one ``serve``).

What the database knows better (sync age, orders, quarantine, outbox, dead letters) is not recorded here but
read at scrape time (gauges.py), so it is true whichever process did the work and survives restarts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics

from ..channels.sdk import observe
from ..channels.sdk.oauth2 import ReauthorizationNeeded
from .context import label

#: this module's own registry (prometheus_client's global one keeps the process and runtime figures): a module
#: imported afresh, as tests/architecture does, registers its metrics again without clashing
registry = CollectorRegistry()
disable_created_metrics()  # no "_created" series beside every counter and histogram: Prometheus has no use for them

WEBHOOK_INTAKE = Histogram(
    "ordersync_webhook_intake_seconds",
    "Time from a webhook request's arrival to its answer (verify, store, announce), by connection and status",
    ["connection_id", "status"],
    registry=registry,
)
RATE_BUDGET = Gauge(
    "ordersync_rate_budget_utilisation_ratio",
    "Share of the connection's call budget in use after its latest call (0 idle, 1 exhausted)",
    ["connection_id"],
    multiprocess_mode="mostrecent",
    registry=registry,
)
TOKEN_REFRESH_FAILURES = Counter(
    "ordersync_token_refresh_failures",
    "Failed OAuth token-endpoint calls by connection; reason revoked: the seller must authorise again",
    ["connection_id", "reason"],
    registry=registry,
)
REQUEST_SECONDS = Histogram(
    "ordersync_http_request_duration_seconds",
    "Time this web process took to answer a request",
    ["method", "route", "status"],
    registry=registry,
)
REQUEST_ERRORS = Counter(
    "ordersync_http_request_errors",
    "Requests this web process answered with a server error (5xx) or failed with an exception",
    ["method", "route"],
    registry=registry,
)


def webhook_intake(connection_id: int | None, status: int, seconds: float) -> None:
    """An unknown address has no connection: its label stays empty (the path's text never becomes a label)."""
    WEBHOOK_INTAKE.labels("" if connection_id is None else str(connection_id), str(status)).observe(seconds)


class SdkMetrics:
    """Counts what the SDK reports (``sdk.observe``) against the connection the engine bound."""

    def budget_used(self, fraction: float) -> None:
        RATE_BUDGET.labels(label("connection_id")).set(fraction)

    def token_refresh_failed(self, error: BaseException) -> None:
        reason = "revoked" if isinstance(error, ReauthorizationNeeded) else "error"
        TOKEN_REFRESH_FAILURES.labels(label("connection_id"), reason).inc()


_listener = SdkMetrics()


def start() -> None:
    """Called by every process that runs tasks or serves (``serve``, ``worker``, the web app): checks the
    shared directory once, so a wrong one stops the start instead of failing the first request it would
    count, and counts the SDK's reports from then on."""
    check_shared_dir()
    observe.listen(_listener)


def check_shared_dir(env: Mapping[str, str] | None = None) -> None:
    raw = (os.environ if env is None else env).get("PROMETHEUS_MULTIPROC_DIR")
    if raw is None:
        return
    path = Path(raw)
    if not raw.strip() or not path.is_dir():
        raise ValueError(
            f"PROMETHEUS_MULTIPROC_DIR={raw!r}: no such directory; create it (e.g. on a tmpfs, "
            "emptied at boot) for every hub process of this machine, or unset it"
        )
    if not os.access(path, os.W_OK | os.X_OK):
        raise ValueError(f"PROMETHEUS_MULTIPROC_DIR={raw!r}: this process may not write there")
