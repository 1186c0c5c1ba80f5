"""eBay's OAuth endpoints: the consent page (auto-approving) and the token endpoint.

[docs: developer.ebay.com "Getting user access tokens"]: ``GET /oauth2/authorize?client_id&redirect_uri&
response_type=code&scope&state`` comes back to the redirect with ``code`` and ``state``; ``POST
/identity/v1/oauth2/token`` (HTTP Basic client auth, form body) grants ``authorization_code`` (access token
7200 s, refresh token 47 304 000 s), ``refresh_token`` (a new access token; the refresh token is not rotated) and
``client_credentials`` (an application token). A code is exchanged with the ``redirect_uri`` it was issued for. Errors are ``{"error", "error_description"}``: 401
``invalid_client``, 400 ``invalid_grant``, 400 ``unsupported_grant_type``.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

ACCESS_SECONDS, REFRESH_SECONDS = 7200, 47_304_000


class Tokens:
    def __init__(self, client_id: str, client_secret: str) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.lock = threading.Lock()
        self.codes: dict[str, tuple[float, str]] = {}  # code -> (expires, the redirect_uri it was issued for)
        self.refresh: dict[str, bool] = {}  # refresh token -> still valid
        self.access: dict[str, tuple[str, float]] = {}  # token -> (kind "user"|"app", expires monotonic)
        self.refreshes = 0
        self.seed_refresh = self._new_refresh()

    def _new_refresh(self) -> str:
        token = "v^1.1#i^1#r^1#" + secrets.token_urlsafe(24)
        self.refresh[token] = True
        return token

    def _new_access(self, kind: str) -> str:
        token = "v^1.1#i^1#p^3#" + secrets.token_urlsafe(24)
        self.access[token] = (kind, time.monotonic() + ACCESS_SECONDS)
        return token

    def kind_of(self, token: str) -> str | None:
        with self.lock:
            found = self.access.get(token)
        return found[0] if found and found[1] > time.monotonic() else None

    def expire_all(self) -> None:
        with self.lock:
            self.access.clear()

    def revoke_all(self) -> None:
        with self.lock:
            self.refresh = {t: False for t in self.refresh}

    async def authorize(self, request: Request) -> Response:
        q = request.query_params
        if q.get("client_id") != self.client_id or q.get("response_type") != "code" or not q.get("redirect_uri"):
            return JSONResponse(
                {
                    "error": "invalid_request",
                    "error_description": "client_id, response_type=code and redirect_uri are required",
                },
                status_code=400,
            )
        code = "v^1.1#i^1#f^0#" + secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = (time.monotonic() + 300, q["redirect_uri"])
        target = q["redirect_uri"]
        params = {"code": code, "expires_in": 299, **({"state": q["state"]} if "state" in q else {})}
        return RedirectResponse(target + ("&" if "?" in target else "?") + urlencode(params), status_code=302)

    async def token(self, request: Request) -> Response:
        if not self._client_ok(request.headers.get("authorization", "")):
            return JSONResponse(
                {"error": "invalid_client", "error_description": "client authentication failed"}, status_code=401
            )
        form = await request.form()
        grant = form.get("grant_type")
        with self.lock:
            if grant == "authorization_code":
                expires, issued_for = self.codes.pop(str(form.get("code")), (0.0, ""))
                if expires < time.monotonic() or form.get("redirect_uri") != issued_for:
                    return _invalid_grant(
                        "the provided authorization grant code is invalid or was issued to another client"
                    )
                return JSONResponse(
                    {
                        "access_token": self._new_access("user"),
                        "expires_in": ACCESS_SECONDS,
                        "refresh_token": self._new_refresh(),
                        "refresh_token_expires_in": REFRESH_SECONDS,
                        "token_type": "User Access Token",
                    }
                )
            if grant == "refresh_token":
                if not self.refresh.get(str(form.get("refresh_token"))):
                    return _invalid_grant(
                        "the provided authorization refresh token is invalid or was issued to another client"
                    )
                self.refreshes += 1
                return JSONResponse(
                    {
                        "access_token": self._new_access("user"),
                        "expires_in": ACCESS_SECONDS,
                        "token_type": "User Access Token",
                    }
                )
            if grant == "client_credentials":
                return JSONResponse(
                    {
                        "access_token": self._new_access("app"),
                        "expires_in": ACCESS_SECONDS,
                        "token_type": "Application Access Token",
                    }
                )
        return JSONResponse(
            {"error": "unsupported_grant_type", "error_description": f"grant type {grant!r} is not supported"},
            status_code=400,
        )

    def _client_ok(self, header: str) -> bool:
        if not header.startswith("Basic "):
            return False
        try:
            pair = base64.b64decode(header[6:]).decode()
        except ValueError:
            return False
        return secrets.compare_digest(pair, f"{self.client_id}:{self.client_secret}")


def _invalid_grant(text: str) -> Response:
    return JSONResponse({"error": "invalid_grant", "error_description": text}, status_code=400)
