"""The HTTP face of the hub: webhook intake, health, and a status page (the full seller UI builds on it).

Webhook intake answers as soon as the raw delivery is stored; processing is handed to the task queue
through ``on_delivery`` so a slow database or channel never makes the shop's webhook time out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select, text
from starlette.concurrency import run_in_threadpool

from ..store.models import OrderRow, OutboxEntry
from ..sync import connections, synclog, webhooks
from ..sync.hub import Hub

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))


def create_app(hub: Hub, on_delivery: Callable[[int], None] | None = None) -> FastAPI:
    app = FastAPI(title="ordersync", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")

    @app.post("/webhooks/{system}/{token}", include_in_schema=False)
    async def intake(system: str, token: str, request: Request) -> JSONResponse:
        body = await request.body()
        result = await run_in_threadpool(webhooks.receive, hub, system, token, dict(request.headers), body)
        if result.delivery_row is not None:
            if on_delivery is not None:
                on_delivery(result.delivery_row)
            else:
                await run_in_threadpool(webhooks.process_delivery, hub, result.delivery_row)
        status = 200 if result.status in (200, 202) else result.status
        return JSONResponse({"status": result.message}, status_code=status)

    @app.get("/healthz", include_in_schema=False)
    def health() -> JSONResponse:
        with hub.db.session() as s:
            s.execute(text("SELECT 1"))
        return JSONResponse({"ok": True})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def status_page(request: Request) -> HTMLResponse:
        rows = []
        for c in connections.list_connections(hub):
            with hub.db.session() as s:
                orders = s.scalar(select(func.count()).select_from(OrderRow)
                                  .where(OrderRow.connection_id == c.id))
                pending = s.scalar(select(func.count()).select_from(OutboxEntry).where(
                    OutboxEntry.connection_id == c.id, OutboxEntry.status.in_(("pending", "sending"))))
                dead = s.scalar(select(func.count()).select_from(OutboxEntry).where(
                    OutboxEntry.connection_id == c.id, OutboxEntry.status == "dead"))
            runs = synclog.recent_runs(hub, c.id, limit=5)
            rows.append({"c": c, "orders": orders, "pending": pending, "dead": dead, "runs": runs})
        return TEMPLATES.TemplateResponse(request, "status.html", {"rows": rows})

    return app
