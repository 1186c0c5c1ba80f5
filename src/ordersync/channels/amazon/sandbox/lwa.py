"""Login with Amazon as the sandbox's authorisation server.

``POST /auth/o2/token`` (form body, client id and secret in the body): ``grant_type=refresh_token`` answers
``{access_token: "Atza|…", token_type: "bearer", expires_in, refresh_token}``; LWA does not rotate the
refresh token, it answers the same one again. ``grant_type=authorization_code`` trades the code that the
consent page handed out. An unknown, revoked or foreign refresh token answers 400
``{"error": "invalid_grant", "error_description": …}``, a wrong client 401 ``invalid_client``.

``GET /apps/authorize/consent`` stands for Seller Central's consent page: it wants ``application_id`` (the app's id, not the LWA client id), approves at once and redirects
to ``redirect_uri`` with ``spapi_oauth_code`` (Amazon's name), ``code`` (the OAuth name the hub's callback
reads), ``state`` and ``selling_partner_id``.
"""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from .parts import SandboxParts

CLIENT_ID = "amzn1.application-oa2-client.sandbox0000000000000001"
CLIENT_SECRET = "amzn1.oa2-cs.v1.sandboxsecret"
SELLER_ID = "A3SANDBOXSELLER"
#: the app's id in Developer Central (amzn1.sp.solution…), which the consent page takes as application_id
APPLICATION_ID = "amzn1.sp.solution.sandbox-0000-0001"


class LwaServer(SandboxParts):
    """Mixed into the sandbox: tokens, expiry and revocation."""

    def reset_tokens(self) -> None:
        self.ttl = 3600.0
        self.access: dict[str, float] = {}  # access token -> monotonic expiry
        self.refresh_tokens: set[str] = {self.seller_refresh_token}
        self.codes: dict[str, str] = {}  # code -> redirect_uri
        self.token_refreshes = 0

    def access_ok(self, token: str) -> bool | None:
        """True: valid; False: known but expired/revoked; None: never issued."""
        expiry = self.access.get(token)
        if expiry is None:
            return None
        return expiry > time.monotonic()

    def _issue(self, refresh: str) -> dict[str, Any]:
        access = "Atza|" + secrets.token_urlsafe(24)
        self.access[access] = time.monotonic() + self.ttl
        return {"access_token": access, "token_type": "bearer", "expires_in": int(self.ttl), "refresh_token": refresh}

    async def lwa_token(self, request: Request) -> Response:
        form = await request.form()
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return JSONResponse({"error": "invalid_client", "error_description": "Client authentication failed"}, 401)
        grant = form.get("grant_type")
        with self._lock:
            if grant == "refresh_token":
                refresh = str(form.get("refresh_token", ""))
                if refresh not in self.refresh_tokens:
                    return JSONResponse(
                        {
                            "error": "invalid_grant",
                            "error_description": "The request has an invalid grant parameter : refresh_token",
                        },
                        400,
                    )
                self.token_refreshes += 1
                answer = self._issue(refresh)
            elif grant == "authorization_code":
                redirect = self.codes.pop(str(form.get("code", "")), None)
                if redirect is None or redirect != form.get("redirect_uri"):
                    return JSONResponse(
                        {
                            "error": "invalid_grant",
                            "error_description": "The request has an invalid grant parameter : code",
                        },
                        400,
                    )
                refresh = "Atzr|" + secrets.token_urlsafe(24)
                self.refresh_tokens.add(refresh)
                answer = self._issue(refresh)
            else:
                return JSONResponse({"error": "unsupported_grant_type"}, 400)
        self.ledger.record(f"lwa.{grant}", method="POST", path="/auth/o2/token")
        return JSONResponse(answer)

    async def consent(self, request: Request) -> Response:
        q = request.query_params
        if q.get("application_id") != APPLICATION_ID or not q.get("redirect_uri"):
            return JSONResponse({"error": "invalid_request"}, 400)
        code = "ANDaNDa" + secrets.token_urlsafe(12)
        with self._lock:
            self.codes[code] = q["redirect_uri"]
        query = {"spapi_oauth_code": code, "code": code, "state": q.get("state", ""), "selling_partner_id": SELLER_ID}
        return RedirectResponse(q["redirect_uri"] + "?" + urlencode(query), status_code=302)
