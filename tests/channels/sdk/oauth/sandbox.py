"""An OAuth 2 authorisation server with one protected resource, on the SDK's sandbox kit.

Authorize endpoint (redirects back with a code), token endpoint with the authorization-code (PKCE S256
checked), client-credentials and refresh-token grants, access tokens that expire after ``ttl`` seconds,
optional refresh-token rotation (the old refresh token stops working), and ``GET /api/me``, which answers 401
for an unknown or expired token (sent as ``Authorization: Bearer`` or, as Amazon's APIs take it,
``x-amz-access-token``). Clients authenticate with HTTP Basic or with id and secret in the form body. It imports nothing from the connector that uses it.

Control (``POST /_sandbox/orders``): ``{"action": "configure", "ttl": 2, "rotate": true}``,
``{"action": "grant_refresh_token", "token": "..."}``, ``{"action": "revoke"}`` (every refresh token and access token is voided), ``{"action": "expire"}`` (every
access token expires now), ``{"action": "state"}`` (counts, for tests).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ordersync.channels.sdk.sandbox import Sandbox

CLIENT_ID, CLIENT_SECRET = "demo-client", "demo-secret"


class OAuthSandbox(Sandbox):
    system = "oauthdemo"

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.reset_data()

    def reset_data(self) -> None:
        with self._lock:
            self.ttl, self.rotate = 3600.0, False
            self.codes: dict[str, dict[str, Any]] = {}
            self.access: dict[str, float] = {}  # token -> monotonic expiry
            self.refresh: set[str] = set()

    def settings_for(self, base_url: str) -> dict[str, Any]:
        return {"base_url": base_url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}

    def control_orders(self, body: dict[str, Any]) -> dict[str, Any]:
        action = body.get("action")
        with self._lock:
            if action == "configure":
                self.ttl = float(body.get("ttl", self.ttl))
                self.rotate = bool(body.get("rotate", self.rotate))
            elif action == "revoke":
                self.refresh.clear()
                self.access.clear()
            elif action == "grant_refresh_token":  # as a seller's self-authorisation in the vendor's console
                self.refresh.add(str(body["token"]))
            elif action == "expire":
                self.access = dict.fromkeys(self.access, 0.0)
            elif action != "state":
                raise ValueError(f"unknown action {action!r}")
            return {"ttl": self.ttl, "rotate": self.rotate, "refresh_tokens": len(self.refresh)}

    def routes(self) -> list[Route]:
        return [
            Route("/oauth/authorize", self.authorize),
            Route("/oauth/token", self.token, methods=["POST"]),
            Route("/api/me", self.me),
            Route("/api/stock/{product}", self.stock, methods=["PUT"]),
        ]

    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code" or not q.get("redirect_uri"):
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return JSONResponse({"error": "invalid_request", "error_description": "PKCE S256 required"}, 400)
        code = secrets.token_urlsafe(16)
        with self._lock:
            self.codes[code] = {
                "challenge": q["code_challenge"],
                "redirect_uri": q["redirect_uri"],
                "scope": q.get("scope", ""),
            }
        return RedirectResponse(
            q["redirect_uri"] + "?" + urlencode({"code": code, "state": q.get("state", "")}), status_code=302
        )

    def _client_ok(self, request: Request, form: Any) -> bool:
        header = request.headers.get("authorization", "")
        if header.startswith("Basic "):
            ident, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        else:
            ident, secret = form.get("client_id", ""), form.get("client_secret", "")
        return ident == CLIENT_ID and secret == CLIENT_SECRET

    def _issue(self, with_refresh: bool) -> dict[str, Any]:
        access = secrets.token_urlsafe(16)
        self.access[access] = time.monotonic() + self.ttl
        answer: dict[str, Any] = {"access_token": access, "token_type": "bearer", "expires_in": self.ttl}
        if with_refresh:
            refresh = secrets.token_urlsafe(16)
            self.refresh.add(refresh)
            answer["refresh_token"] = refresh
        return answer

    async def token(self, request: Request) -> Response:
        form = await request.form()
        if not self._client_ok(request, form):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        grant = form.get("grant_type")
        with self._lock:
            if grant == "authorization_code":
                entry = self.codes.pop(str(form.get("code", "")), None)
                verifier = str(form.get("code_verifier", "")).encode()
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
                if (
                    entry is None
                    or entry["redirect_uri"] != form.get("redirect_uri")
                    or entry["challenge"] != challenge
                ):
                    return JSONResponse({"error": "invalid_grant"}, status_code=400)
                answer = self._issue(with_refresh=True)
            elif grant == "client_credentials":
                answer = self._issue(with_refresh=False)
            elif grant == "refresh_token":
                refresh = str(form.get("refresh_token", ""))
                if refresh not in self.refresh:
                    return JSONResponse({"error": "invalid_grant"}, status_code=400)
                if self.rotate:
                    self.refresh.discard(refresh)
                answer = self._issue(with_refresh=self.rotate)
            else:
                return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        self.ledger.record(f"token.{grant}", method="POST", path="/oauth/token")
        return JSONResponse(answer)

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        token = header[7:] if header.lower().startswith("bearer ") else request.headers.get("x-amz-access-token", "")
        with self._lock:
            expiry = self.access.get(token)
        return expiry is not None and expiry > time.monotonic()

    async def me(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        return JSONResponse({"shop": "demo"})

    async def stock(self, request: Request) -> Response:
        if not self._authorised(request):
            return JSONResponse({"error": "invalid_token"}, status_code=401)
        body = await request.json()
        self.ledger.record(
            "stock.set", method="PUT", path=request.url.path, resource_id=request.path_params["product"], body=body
        )
        return JSONResponse({"quantity": body.get("quantity")})
