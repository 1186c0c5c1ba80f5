"""A receiver on loopback that checks each request with the standardwebhooks package's own ``Webhook.verify``,
the way docs/api.md tells integrators to, so that our signing is checked by an implementation that is not ours."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass
class VerifyingReceiver:
    """Answers 401 unless ``Webhook(secret).verify`` accepts the request; ``fail_first`` answers 503 n times."""

    secret: str = ""
    fail_first: int = 0
    verified: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> Starlette:
        async def hook(request: Request) -> Response:
            body = await request.body()
            headers = dict(request.headers)
            try:
                Webhook(self.secret).verify(body, headers)
            except WebhookVerificationError as exc:
                with self.lock:
                    self.refused.append(str(exc))
                    self.answered.append(401)
                return Response("bad signature", status_code=401)
            with self.lock:
                self.verified.append((headers, body))
                status = 503 if self.fail_first > 0 else 200
                self.fail_first -= 1
                self.answered.append(status)
            return Response("ok", status_code=status)

        return Starlette(routes=[Route("/hook", hook, methods=["POST"])])
