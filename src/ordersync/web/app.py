"""The HTTP face of the hub: webhook intake, health, and the seller's web app (web/ui/).

Webhook intake answers as soon as the raw delivery is stored; processing is handed to the task queue
through ``on_delivery`` so a slow database or channel never makes the shop's webhook time out.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.pool import QueuePool

from ..application.erasure import erase_buyer
from ..sync import webhook_replies, webhooks
from ..sync.hub import Hub
from ..telemetry import metrics
from ..telemetry.exposition import client_allowed, scrape
from .bodylimit import BodyLimit
from .requestmetrics import RequestMetrics
from .ui import mount_ui

INTAKE_THREADS = 8


def create_app(hub: Hub, on_delivery: Callable[[int], None] | None = None) -> FastAPI:
    """``on_delivery(connection_id)`` announces stored deliveries to the workers; without it intake
    processes each delivery itself before answering."""
    app = FastAPI(title="ordersync", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    # Fewer intake threads than pooled database connections: with more, the pool opens and closes overflow
    # connections all the time under a burst, which cost more than the deliveries themselves.
    pool = hub.db.engine.pool
    pooled = pool.size() if isinstance(pool, QueuePool) else INTAKE_THREADS  # other pools set no fixed size
    limiter = anyio.CapacityLimiter(max(1, min(INTAKE_THREADS, pooled)))

    def take(system: str, token: str, headers: dict[str, str], body: bytes) -> webhooks.IntakeResult:
        result = webhooks.receive(hub, system, token, headers, body)
        if result.delivery_row is not None:
            if on_delivery is not None:
                if result.connection_id is not None:  # always, with a stored delivery
                    on_delivery(result.connection_id)
            else:
                webhooks.process_delivery(hub, result.delivery_row, erase=erase_buyer)
        return result

    @app.post("/webhooks/{system}/{token}", include_in_schema=False)
    async def intake(system: str, token: str, request: Request) -> Response:
        started = time.perf_counter()
        # the address is the first secret: an unknown one is refused before its body is read (BodyLimit caps it)
        if not await anyio.to_thread.run_sync(webhooks.known_address, hub, system, token, limiter=limiter):
            metrics.webhook_intake(None, 404, time.perf_counter() - started)
            return JSONResponse({"status": "unknown webhook address"}, status_code=404)
        body = await request.body()
        result = await anyio.to_thread.run_sync(take, system, token, dict(request.headers), body, limiter=limiter)
        status = 200 if result.status in (200, 202) else result.status
        metrics.webhook_intake(result.connection_id, status, time.perf_counter() - started)
        reply = webhook_replies.accepted_reply(system) if status == 200 else None
        if reply is not None:  # the platform wants its own answer (e.g. 204)
            return Response(reply.body, reply.status, dict(reply.headers), media_type=reply.content_type)
        return JSONResponse({"status": result.message}, status_code=status)

    @app.get("/webhooks/{system}/{token}", include_in_schema=False)
    async def challenge(system: str, token: str, request: Request) -> Response:
        """A platform's handshake on the webhook address (sync.webhook_replies)."""
        reply = await anyio.to_thread.run_sync(
            webhook_replies.answer_challenge, hub, system, token, dict(request.query_params), limiter=limiter
        )
        return Response(reply.body, reply.status, dict(reply.headers), media_type=reply.content_type)

    @app.get("/healthz", include_in_schema=False)
    def health() -> JSONResponse:
        with hub.db.session() as s:
            s.execute(text("SELECT 1"))
        return JSONResponse({"ok": True})

    @app.get("/metrics", include_in_schema=False)
    def prometheus(request: Request) -> Response:
        """Prometheus's scrape (telemetry.exposition); refused, with no figure in the answer, to anyone else."""
        peer = request.client.host if request.client else None
        if not client_allowed(hub.config.metrics_allow, peer, request.headers):
            return Response(
                "metrics are not served to this address (ORDERSYNC_METRICS_ALLOW)\n", 403, media_type="text/plain"
            )
        body, content_type = scrape(hub)
        return Response(body, 200, media_type=content_type)

    app.add_middleware(BodyLimit)
    mount_ui(app, hub)
    from .api import mount_api  # the REST API under /api/v1/

    mount_api(app, hub)
    app.add_middleware(RequestMetrics)  # added last: outermost, so it times every answer
    metrics.start()  # connection tests and OAuth consent in the web process count too
    return app
