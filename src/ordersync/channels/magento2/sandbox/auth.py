"""How Magento 2 decides who is calling, written down from Adobe's authentication docs (not from our client).

An activated integration has four credentials: consumer key and secret, access token and token secret.

* OAuth 1.0a (the default way since the integration token stopped being a bearer token): every request
  carries ``Authorization: OAuth oauth_consumer_key=.., oauth_token=.., oauth_signature_method=..,
  oauth_timestamp=.., oauth_nonce=.., oauth_version=1.0, oauth_signature=..``. Methods HMAC-SHA1 and
  HMAC-SHA256; the key is ``enc(consumer_secret)&enc(token_secret)``; the base string is RFC 5849's
  (method, the URL without query, the sorted query and oauth parameters; a JSON body is not signed). A nonce
  is good once per consumer, the timestamp must be near the server's clock. Every failure is a 401.
* Bearer: ``Authorization: Bearer <access token>`` works only where the admin switched on "Allow OAuth Access
  Tokens to be used as standalone Bearer tokens" (``oauth/consumer/enable_integration_as_bearer``), which is
  off by default; ``bearer_enabled`` is that switch.

A refused call answers 401 ``{"message": "The consumer isn't authorized to access %resources.",
"parameters": {"resources": "..."}}``, as Magento's REST layer does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading
import time
from urllib.parse import parse_qsl, quote, unquote

HASHES = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}
CLOCK_SKEW = 600  # seconds a timestamp may be off; Magento's exact window is not documented [assumed]
_PAIR = re.compile(r'\s*([A-Za-z_]+)="([^"]*)"\s*')


class Refused(Exception):
    """Authentication failed; ``reason`` is for the request log, the client only sees the 401."""


def _enc(value: str) -> str:
    return quote(value, safe="-._~")


def header_params(header: str) -> dict[str, str]:
    if not header.startswith("OAuth "):
        raise Refused("not an OAuth header")
    params = {}
    for part in header[6:].split(","):
        match = _PAIR.fullmatch(part)
        if match is None:
            raise Refused(f"malformed OAuth parameter {part!r}")
        params[match.group(1)] = unquote(match.group(2))
    return params


def base_string(method: str, url: str, query: str, oauth: dict[str, str]) -> str:
    pairs = parse_qsl(query, keep_blank_values=True) + [(k, v) for k, v in oauth.items() if k != "oauth_signature"]
    normalized = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in pairs))
    return "&".join((method.upper(), _enc(url), _enc(normalized)))


class Integration:
    """One activated integration's credentials and the OAuth nonces it has used."""

    def __init__(self, seed: int, *, bearer_enabled: bool = False) -> None:
        digest = hashlib.sha256(f"magento2-sandbox-integration-{seed}".encode()).hexdigest()
        self.consumer_key, self.consumer_secret = digest[:32], digest[32:64]
        again = hashlib.sha256(digest.encode()).hexdigest()
        self.access_token, self.token_secret = again[:32], again[32:64]
        self.bearer_enabled = bearer_enabled
        self._nonces: set[str] = set()
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._nonces.clear()

    def check(self, method: str, url: str, query: str, header: str) -> str:
        """The way the caller authenticated ("oauth1" or "bearer"); raises Refused otherwise."""
        if header.startswith("Bearer "):
            if not self.bearer_enabled:
                raise Refused("integration tokens are not accepted as bearer tokens in this shop")
            if not hmac.compare_digest(header[7:].strip(), self.access_token):
                raise Refused("unknown bearer token")
            return "bearer"
        oauth = header_params(header)
        missing = {
            "oauth_consumer_key",
            "oauth_token",
            "oauth_signature_method",
            "oauth_timestamp",
            "oauth_nonce",
            "oauth_signature",
        } - set(oauth)
        if missing:
            raise Refused(f"missing {', '.join(sorted(missing))}")
        if oauth.get("oauth_version", "1.0") != "1.0":
            raise Refused("oauth_version must be 1.0")
        if oauth["oauth_signature_method"] not in HASHES:
            raise Refused(f"signature method {oauth['oauth_signature_method']} is not supported")
        if oauth["oauth_consumer_key"] != self.consumer_key or oauth["oauth_token"] != self.access_token:
            raise Refused("unknown consumer key or token")
        if not oauth["oauth_timestamp"].isdigit() or abs(int(oauth["oauth_timestamp"]) - time.time()) > CLOCK_SKEW:
            raise Refused("timestamp refused")
        key = f"{_enc(self.consumer_secret)}&{_enc(self.token_secret)}".encode()
        digest = hmac.new(
            key, base_string(method, url, query, oauth).encode(), HASHES[oauth["oauth_signature_method"]]
        ).digest()
        if not hmac.compare_digest(base64.b64encode(digest).decode(), oauth["oauth_signature"]):
            raise Refused("signature invalid")
        with self._lock:
            if oauth["oauth_nonce"] in self._nonces:
                raise Refused("nonce used")
            self._nonces.add(oauth["oauth_nonce"])
        return "oauth1"
