"""REST API authentication as WooCommerce's ``WC_REST_Authentication`` performs it.

* Over HTTPS (``is_ssl()``; the ``https_offload`` option stands for a TLS proxy WordPress trusts): the
  ``consumer_key``/``consumer_secret`` query parameters, else HTTP Basic with key and secret. An unknown key
  is not an error here - the request simply stays anonymous - but a wrong secret is ("Consumer secret is
  invalid."). Over plain HTTP Basic and query keys are ignored, so such a request is anonymous.
* Then OAuth 1.0a one-legged, over HTTP or HTTPS, from query, form body and an ``Authorization: OAuth``
  header. Checks, in WooCommerce's order: all five ``oauth_*`` parameters present, consumer key known,
  method HMAC-SHA1/HMAC-SHA256, signature, timestamp within 15 minutes, nonce unused.
* The signature base string is ``METHOD&enc(home_url + path)&params`` where the URL uses https when
  ``is_ssl()`` and each parameter is ``enc(enc(key) + "=" + enc(value))``, joined by ``%26``, keys sorted with
  ``strcmp``; array parameters (``a[]=x``) are signed as ``a[0]=x`` (PHP's view of them). The key is
  ``consumer_secret + "&"``. ``enc`` is PHP's rawurlencode (RFC 3986).
* WooCommerce remembers used nonces keyed by timestamp, so a second nonce with the same timestamp replaces
  the first one in its memory; that is reproduced.

An anonymous request reaches the route's permission check, which answers 401 ``woocommerce_rest_cannot_view``
(or ``_cannot_edit`` ...); that part lives with the routes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import threading
import time
from typing import Any
from urllib.parse import quote, unquote, unquote_plus

from .params import WCError

OAUTH_PARAMS = ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method")
WINDOW = 15 * 60


def enc(value: str) -> str:
    """PHP rawurlencode: everything but ALPHA / DIGIT / - . _ ~ is percent-encoded."""
    return quote(value, safe="")


def _fail(message: str, code: str = "woocommerce_rest_authentication_error") -> WCError:
    return WCError(401, code, message)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == "0"  # PHP empty()


def base_string(method: str, url: str, params: dict[str, Any]) -> str:
    """The string WooCommerce signs (``oauth_signature`` already removed from ``params``)."""
    parts = []
    for key in sorted(params, key=lambda k: k.encode()):
        value = params[key]
        if isinstance(value, dict):
            parts += [enc(f"{enc(key)}%5B{inner}%5D={enc(str(v))}") for inner, v in value.items()]
        else:
            parts.append(enc(f"{enc(key)}={enc(str(value))}"))
    return f"{method.upper()}&{enc(url)}&{'%26'.join(parts)}"


def oauth_header_params(header: str) -> dict[str, str]:
    if not header.startswith("OAuth "):
        return {}
    return {m[0]: unquote_plus(m[2] or m[3]) for m in re.findall(r'(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))', header)}


class Authenticator:
    """Checks one sandbox's read/write API key; keeps the nonces WooCommerce would keep in its key row."""

    def __init__(self, consumer_key: str, consumer_secret: str, *, https: bool = False) -> None:
        self.consumer_key, self.consumer_secret, self.https = consumer_key, consumer_secret, https
        self._nonces: dict[int, str] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._nonces.clear()

    def authenticate(
        self,
        *,
        method: str,
        scheme: str,
        host: str,
        path: str,
        query: dict[str, Any],
        form: dict[str, Any],
        headers: dict[str, str],
    ) -> bool:
        """True when the request authenticates, False when it is anonymous; WCError when an attempt failed."""
        ssl = self.https or scheme == "https"
        authorization = headers.get("authorization", "")
        if ssl and self._basic(query, authorization):
            return True
        params = {**query, **form, **oauth_header_params(authorization.strip())}
        missing = [p for p in OAUTH_PARAMS if _empty(params.get(p))]
        if len(missing) == len(OAUTH_PARAMS):
            return False
        if missing:
            noun = "parameter" if len(missing) == 1 else "parameters"
            raise _fail(
                f"Missing OAuth {noun} {', '.join(missing)}", "woocommerce_rest_authentication_missing_parameter"
            )
        if not hmac.compare_digest(str(params["oauth_consumer_key"]), self.consumer_key):
            raise _fail("Consumer key is invalid.")
        self._check_signature(method, f"{'https' if ssl else 'http'}://{host}{path}", params)
        self._check_timestamp_and_nonce(params["oauth_timestamp"], params["oauth_nonce"])
        return True

    def _basic(self, query: dict[str, Any], authorization: str) -> bool:
        key, secret = query.get("consumer_key"), query.get("consumer_secret")
        if _empty(key) or _empty(secret):
            key = secret = None
            if authorization[:6].lower() == "basic ":
                try:
                    key, _, secret = base64.b64decode(authorization[6:].strip()).decode("utf-8").partition(":")
                except (binascii.Error, UnicodeDecodeError):
                    key = secret = None
        if _empty(key) or _empty(secret) or not isinstance(key, str) or key != self.consumer_key:
            return False  # unknown key: anonymous, the permission check answers
        if not hmac.compare_digest(str(secret), self.consumer_secret):
            raise _fail("Consumer secret is invalid.")
        return True

    def _check_signature(self, method: str, url: str, params: dict[str, Any]) -> None:
        offered = unquote(str(params["oauth_signature"]).replace(" ", "+"))
        unsigned = {k: v for k, v in params.items() if k != "oauth_signature"}
        sig_method = unsigned["oauth_signature_method"]
        if sig_method not in ("HMAC-SHA1", "HMAC-SHA256"):
            raise _fail("Invalid signature - signature method is invalid.")
        digest = hashlib.sha1 if sig_method == "HMAC-SHA1" else hashlib.sha256
        expected = hmac.new(
            f"{self.consumer_secret}&".encode(), base_string(method, url, unsigned).encode(), digest
        ).digest()
        if not hmac.compare_digest(base64.b64encode(expected).decode(), offered):
            raise _fail("Invalid signature - provided signature does not match.")

    def _check_timestamp_and_nonce(self, timestamp: Any, nonce: Any) -> None:
        now = int(time.time())
        try:
            ts = int(str(timestamp))
        except ValueError:
            raise _fail("Invalid timestamp.") from None
        if ts < now - WINDOW or ts > now + WINDOW:
            raise _fail("Invalid timestamp.")
        with self._lock:
            if str(nonce) in self._nonces.values():
                raise _fail("Invalid nonce - nonce has already been used.")
            self._nonces[ts] = str(nonce)
            for old in [t for t in self._nonces if t < now - WINDOW]:
                del self._nonces[old]
