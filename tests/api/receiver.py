"""A webhook receiver on loopback: records every request and answers with the statuses it is told to."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    query: str = ""


@dataclass
class Receiver:
    requests: list[Received] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # consumed in order, then 200
    lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> Starlette:
        async def hook(request: Request) -> Response:
            body = await request.body()
            with self.lock:
                self.requests.append(Received(dict(request.headers), body, request.url.query))
                status, headers = self.answers.pop(0) if self.answers else (200, {})
            return Response("ok" if status < 300 else "nope", status_code=status, headers=headers)

        return Starlette(routes=[Route("/hook", hook, methods=["POST"])])
