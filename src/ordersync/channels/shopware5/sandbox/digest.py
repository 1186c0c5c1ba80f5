"""HTTP Digest authentication as Shopware 5's REST API does it (RFC 7616 / 2617, MD5, qop=auth).

Shopware 5 authenticates API calls with ``Zend_Auth_Adapter_Http`` configured for realm "Shopware REST-API",
digest domain "/" and a nonce timeout of 3600 s (shopware5/shopware, RestApi bootstrap). A request without
valid credentials gets 401 with ``WWW-Authenticate: Digest realm=..., domain="/", nonce=..., opaque=...,
algorithm="MD5", qop="auth"``; the client answers with ``response =
MD5(MD5(user:realm:key):nonce:nc:cnonce:qop:MD5(method:uri))``. Shopware accepts Basic with the same user name
and key too (``accept_schemes`` "basic digest", since 5.3.2) and so challenges with both schemes, Basic first.
This checker issues its own nonces, refuses unknown or expired ones (expired: ``stale=true``, so a client
retries without asking the user), refuses a nonce count used before with the same nonce (a replayed request),
checks that ``uri`` is the requested one and compares the response hash in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
import time

REALM = "Shopware REST-API"
NONCE_SECONDS = 3600
_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def parse_params(header: str) -> dict[str, str]:
    return {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3) for m in _PARAM.finditer(header)}


def basic_user(header: str | None, users: dict[str, str]) -> str | None:
    """The user of a valid ``Basic`` header (user name and API key), which Shopware accepts since 5.3.2."""
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        name, _, key = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    expected = users.get(name)
    return name if expected is not None and hmac.compare_digest(expected.encode(), key.encode()) else None


class DigestChecker:
    def __init__(self, users: dict[str, str], *, clock=time.monotonic) -> None:
        self.users = users  # user name -> API key
        self.clock = clock
        self.opaque = secrets.token_hex(16)
        self._nonces: dict[str, float] = {}
        self._seen: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def challenge(self, *, stale: bool = False) -> str:
        nonce = secrets.token_hex(16)
        with self._lock:
            self._nonces[nonce] = self.clock()
            self._seen[nonce] = set()
        return (
            f'Digest realm="{REALM}", domain="/", nonce="{nonce}", opaque="{self.opaque}", algorithm="MD5", '
            f'qop="auth"' + (", stale=true" if stale else "")
        )

    def expire_all(self) -> None:
        """Every nonce handed out so far is now too old (the sandbox's clock jumped an hour)."""
        with self._lock:
            for nonce in self._nonces:
                self._nonces[nonce] -= NONCE_SECONDS + 1

    def check(self, method: str, uri: str, header: str | None) -> str | None:
        """None if the request is authenticated, else why not: "missing", "stale" or "invalid"."""
        if not header or header[:7].lower() != "digest ":
            return "missing"
        p = parse_params(header[7:])
        if any(k not in p for k in ("username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce")):
            return "invalid"
        if p["realm"] != REALM or p["qop"] != "auth" or p.get("algorithm", "MD5").upper() != "MD5":
            return "invalid"
        if p.get("opaque") not in (None, self.opaque) or p["uri"] != uri:
            return "invalid"
        key = self.users.get(p["username"])
        with self._lock:
            issued = self._nonces.get(p["nonce"])
            if issued is None:
                return "invalid"
            if self.clock() - issued > NONCE_SECONDS:
                return "stale"
            seen = self._seen[p["nonce"]]
            if p["nc"] in seen:
                return "invalid"
        if key is None:
            return "invalid"
        ha1 = md5(f"{p['username']}:{REALM}:{key}")
        ha2 = md5(f"{method}:{p['uri']}")
        expected = md5(f"{ha1}:{p['nonce']}:{p['nc']}:{p['cnonce']}:auth:{ha2}")
        if not hmac.compare_digest(expected, p["response"].lower()):
            return "invalid"
        with self._lock:
            seen.add(p["nc"])
        return None
