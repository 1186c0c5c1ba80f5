"""Each request's time and outcome, per route, for the web process's metrics (telemetry.metrics).

Routes are labelled by their template (``/api/v1/orders/{id}``), never by the path a client sent, and
methods outside HTTP's usual set count as "other": a client cannot grow the number of series. A request that
raises before it answers counts as a 500 and an error.
"""

from __future__ import annotations

import time

from ..telemetry import metrics
from ..telemetry.context import request_scope
from .asgi import HttpMiddleware

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestMetrics(HttpMiddleware):
    """ASGI middleware, outermost, so it sees every answer, the body limit's 413 included; it also opens the
    request's log scope, which authentication fills with the account id."""

    async def http(self, scope, receive, send) -> None:
        started = time.perf_counter()
        status = [500]

        async def send_status(message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            with request_scope():
                await self.app(scope, receive, send_status)
        except Exception:
            status[0] = 500
            raise
        finally:
            method = scope["method"] if scope["method"] in METHODS else "other"
            route = _route(scope, status[0])
            metrics.REQUEST_SECONDS.labels(method, route, str(status[0])).observe(time.perf_counter() - started)
            if status[0] >= 500:
                metrics.REQUEST_ERRORS.labels(method, route).inc()


def _route(scope, status: int) -> str:
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if template:
        return template
    return "unmatched" if status == 404 else "other"
