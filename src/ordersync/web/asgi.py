"""The shape the web app's own ASGI middlewares share: they act on HTTP requests and pass anything else
(lifespan, websockets) through untouched."""

from __future__ import annotations


class HttpMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope, receive, send) -> None:
        raise NotImplementedError
