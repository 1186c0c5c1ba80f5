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

from prometheus_client import Counter, Gauge, Histogram

from ..channels.sdk import observe
from ..channels.sdk.oauth2 import ReauthorizationNeeded
from .context import label

WEBHOOK_INTAKE = Histogram(
    "ordersync_webhook_intake_seconds",
    "Time from a webhook request's arrival to its answer (verify, store, announce), by connection and status",
    ["connection_id", "status"])
RATE_BUDGET = Gauge(
    "ordersync_rate_budget_utilisation_ratio",
    "Share of the connection's call budget in use after its latest call (0 idle, 1 exhausted)",
    ["connection_id"], multiprocess_mode="mostrecent")
TOKEN_REFRESH_FAILURES = Counter(
    "ordersync_token_refresh_failures",
    "Failed OAuth token-endpoint calls by connection; reason revoked: the seller must authorise again",
    ["connection_id", "reason"])
REQUEST_SECONDS = Histogram(
    "ordersync_http_request_duration_seconds", "Time this web process took to answer a request",
    ["method", "route", "status"])
REQUEST_ERRORS = Counter(
    "ordersync_http_request_errors",
    "Requests this web process answered with a server error (5xx) or failed with an exception",
    ["method", "route"])


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


def record_sdk_reports() -> None:
    """Called by every process that runs tasks or serves (``serve``, ``worker``, the web app)."""
    observe.listen(_listener)
