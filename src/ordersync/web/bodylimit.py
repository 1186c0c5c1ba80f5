"""Request bodies are capped before they are read (issue 16 item 15): four 400 MB posts once took the server
to 3 GB because every route read the whole body before looking at its size, token or key.

A declared ``Content-Length`` above the cap is refused with 413 at once; a body sent without one (chunked) is
counted while it streams and refused as soon as it passes the cap. The caps are the operator's:
ORDERSYNC_MAX_WEBHOOK_BYTES for webhook intake, ORDERSYNC_CSV_MAX_MEGABYTES for CSV uploads,
ORDERSYNC_MAX_REQUEST_BYTES for everything else.
"""

from __future__ import annotations

import json
import re

from ..config import csv_max_megabytes, max_request_bytes, max_webhook_bytes
from .asgi import HttpMiddleware

_CSV_UPLOAD = re.compile(r"^(/api/v1/connections/[^/]+/imports/csv|/settings/shops/[^/]+/import)/?$")
_MULTIPART_SLACK = 64 * 1024  # the form around an uploaded file


class BodyTooLarge(Exception):
    pass


def limit_for(path: str) -> tuple[int, str]:
    """The cap for a path and the setting that sets it."""
    if path.startswith("/webhooks/"):
        return max_webhook_bytes(), "ORDERSYNC_MAX_WEBHOOK_BYTES"
    if _CSV_UPLOAD.match(path):
        return csv_max_megabytes() * 1024 * 1024 + _MULTIPART_SLACK, "ORDERSYNC_CSV_MAX_MEGABYTES"
    return max_request_bytes(), "ORDERSYNC_MAX_REQUEST_BYTES"


class BodyLimit(HttpMiddleware):
    """ASGI middleware; see the module's docstring."""

    async def http(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        limit, setting = limit_for(path)
        declared = next((v for k, v in scope.get("headers", ()) if k == b"content-length"), None)
        if declared is not None:
            text = declared.decode("latin-1").strip()
            if not text.isdigit():
                await _refuse(
                    send,
                    path,
                    400,
                    "invalid_request",
                    f"the Content-Length header {text[:40]!r} is not a number of bytes",
                )
                return
            if int(text) > limit:
                await _refuse(send, path, 413, "too_large", _too_large(int(text), limit, setting))
                return
        received = 0
        started = refused = False

        async def counted_receive():
            # past the cap: answer 413 now and tell the app the client is gone (FastAPI turns any exception
            # raised while reading a body into its own 400, so raising would not reach the client)
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if not started:
                        refused = True
                        await _refuse(send, path, 413, "too_large", _too_large(None, limit, setting))
                        return {"type": "http.disconnect"}
                    raise BodyTooLarge
            return message

        async def watched_send(message):
            nonlocal started
            if refused:
                return  # the 413 is the answer
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except Exception:
            if not refused:
                raise


def _too_large(size: int | None, limit: int, setting: str) -> str:
    sent = f"{size:,} bytes" if size is not None else "more than that"
    return (
        f"the request body is too large: at most {limit:,} bytes are accepted here and this one has {sent} "
        f"(the hub's operator sets the limit with {setting})"
    )


async def _refuse(send, path: str, status: int, code: str, message: str) -> None:
    if path.startswith("/api/"):
        body = {"ErrorMessage": message, "ErrorCode": status, "Error": code, "Errors": []}
    elif path.startswith("/webhooks/"):
        body = {"status": message}
    else:
        body = None
    if body is None:
        payload, kind = message.encode(), b"text/plain; charset=utf-8"
    else:
        payload, kind = json.dumps(body).encode(), b"application/json"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
