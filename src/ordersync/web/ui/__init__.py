"""The seller's web app: server-rendered pages in German and English (see docs/web-ui.md).

``mount_ui(app, hub)`` adds the pages, their static files, the session/CSRF/security-header middleware and
the error pages to the hub's FastAPI app. The REST API and webhook intake are left untouched.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

from ... import formatting
from ...sync.hub import Hub
from . import (
    routes_articles,
    routes_auth,
    routes_imports,
    routes_oauth,
    routes_orders,
    routes_reconcile,
    routes_shops,
    routes_users,
)
from .deps import LoginRequired, UIError, anyone, login_redirect, render
from .security import UISessionMiddleware

STATIC = Path(__file__).with_name("static")
ROUTERS = (
    routes_auth.router,
    routes_shops.router,
    routes_imports.router,
    routes_orders.router,
    routes_articles.router,
    routes_users.router,
    routes_oauth.router,
    routes_reconcile.router,
)


def mount_ui(app: FastAPI, hub: Hub) -> None:
    formatting.zone()  # a bad ORDERSYNC_TIMEZONE stops the start with its name, rather than every page later
    app.state.ui_hub = hub
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static/ui", StaticFiles(directory=str(STATIC)), name="ui-static")
    app.add_middleware(UISessionMiddleware, hub=hub)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired):
        return login_redirect(exc.next_url)

    @app.exception_handler(UIError)
    async def _error(request: Request, exc: UIError):
        page = anyone(request)
        return render(page, "error.html", status=exc.status, message=page.t(exc.message, **exc.values), code=exc.status)
