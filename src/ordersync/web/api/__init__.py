"""The REST API under /api/v1/ (OpenAPI at /api/openapi.json): orders, products and stock, shipments,
connections, and outgoing webhook subscriptions. Names follow Billbee's API where that fits.

``mount_api(app, hub)`` adds the routers; authentication is a Bearer API key per user (accounts), every
query is scoped to that user's account, and each key has its own rate limit (auth.RateLimiter).
"""

from __future__ import annotations

from fastapi import FastAPI

from ...sync.hub import Hub
from . import connections, imports, orders, products, shipments, webhooks
from .auth import Auth, RateLimiter


def mount_api(app: FastAPI, hub: Hub, *, rate: float | None = None, burst: float | None = None) -> None:
    auth = Auth(hub, RateLimiter(rate, burst))
    app.state.api_auth = auth  # ApiRoute checks the key of a request with a body before reading the body
    for module in (orders, products, shipments, connections, imports, webhooks):
        app.include_router(module.router(hub, auth))
