"""Sessions, CSRF and security headers for the seller's web UI.

The session lives in a signed cookie (itsdangerous), so no session table is needed and a restart keeps
everyone logged in: the signing key is derived from the hub's master key, never stored on its own. The
cookie carries the user's session stamp, which logout and password change rotate in the database, so an
earlier cookie (also a copied one) stops working at once. The
cookie is HttpOnly and SameSite=Lax, and Secure whenever the request came over HTTPS (directly or as the
hub's public URL says). Every form carries the session's CSRF token; every POST is checked against it.

The middleware only touches the UI's own paths: the REST API (Bearer keys) and webhook intake never get a
cookie, and their responses stay as their routers make them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from http.cookies import SimpleCookie

from itsdangerous import BadSignature, URLSafeTimedSerializer

from ...store.crypto import load_or_create_key
from ...sync.hub import Hub

COOKIE = "ordersync_session"
MAX_AGE = 14 * 24 * 3600
SKIP_PREFIXES = ("/api/", "/webhooks/", "/healthz")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]


def session_key(hub: Hub) -> bytes:
    """A key only for cookies, derived from the master key (the first one, if several are configured)."""
    master = load_or_create_key(hub.config.master_key, hub.config.master_key_file).split(",")[0].strip()
    return hmac.new(master.encode(), b"ordersync web session v1", hashlib.sha256).digest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(session: dict, sent: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and sent) and hmac.compare_digest(str(expected), str(sent))


def _is_https(scope: dict, hub: Hub) -> bool:
    if scope.get("scheme") == "https":
        return True
    return hub.config.base_url.startswith("https://")


class UISessionMiddleware:
    """Loads the signed session cookie into ``scope["session"]``, writes it back when it changed, and adds
    the security headers to every UI response."""

    def __init__(self, app, hub: Hub) -> None:
        self.app, self.hub = app, hub
        self.signer = URLSafeTimedSerializer(session_key(hub), salt="ordersync.session")

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(SKIP_PREFIXES):
            await self.app(scope, receive, send)
            return
        session = self._load(scope)
        initial = json.dumps(session, sort_keys=True)
        scope["session"] = session
        https = _is_https(scope, self.hub)

        async def send_wrapper(message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() not in dict(HEADERS)]
                headers += HEADERS
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                is_static = scope["path"].startswith("/static/")
                if not is_static:
                    headers.append((b"cache-control", b"no-store"))
                current = scope["session"]
                if json.dumps(current, sort_keys=True) != initial:
                    headers.append((b"set-cookie", self._cookie(current, https).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_wrapper)

    def _load(self, scope) -> dict:
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                jar = SimpleCookie()
                try:
                    jar.load(value.decode("latin-1"))
                except Exception:  # noqa: BLE001, S112 - a garbled cookie header is just no session
                    continue
                if COOKIE in jar:
                    try:
                        data = self.signer.loads(jar[COOKIE].value, max_age=MAX_AGE)
                    except BadSignature:
                        return {}
                    return data if isinstance(data, dict) else {}
        return {}

    def _cookie(self, session: dict, https: bool) -> str:
        flags = "; Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if https else "")
        if not session:
            return f"{COOKIE}=; Max-Age=0{flags}"
        return f"{COOKIE}={self.signer.dumps(session)}; Max-Age={MAX_AGE}{flags}"
