"""OAuth 1.0a request signing (RFC 5849), as an ``httpx.Auth`` so any client can use it.

Built for WooCommerce, whose REST API refuses Basic auth over plain HTTP (the keys would travel in clear)
and instead wants a one-legged OAuth 1.0a signature: a consumer key and secret, no token. What
WooCommerce requires, read from its ``WC_REST_Authentication`` and REST API docs:

* parameters ``oauth_consumer_key``, ``oauth_timestamp``, ``oauth_nonce``, ``oauth_signature_method``
  and ``oauth_signature``; ``oauth_version`` is not required and the docs say to omit it;
* method ``HMAC-SHA1`` or ``HMAC-SHA256``, nothing else; we default to HMAC-SHA256;
* the key is ``consumer_secret + "&"`` (the empty token secret);
* the base string is ``METHOD&enc(url)&enc(params)``, where url is the store's home URL plus the request
  path without the query, and params are the query (and form-body) parameters plus the oauth ones,
  each key and value percent-encoded (RFC 3986), sorted, joined with ``=`` and ``&``; a JSON body is
  not signed;
* the timestamp must be within 15 minutes of the server's clock and a nonce may be used only once per
  key within that window, so every attempt (including retries) is signed afresh;
* the oauth parameters may go in the query string or, since WooCommerce 3.0, in an ``Authorization:
  OAuth`` header; the docs call the query string the more reliable (some PHP setups drop the header),
  so that is the default placement here;
* WooCommerce keys parameters in a PHP array, so a repeated parameter name keeps only its last value:
  send each name once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Generator, Iterable
from typing import Literal
from urllib.parse import parse_qsl, quote

import httpx

SignatureMethod = Literal["HMAC-SHA1", "HMAC-SHA256"]
_HASHES = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}
_DEFAULT_PORTS = {"http": 80, "https": 443}


def percent_encode(value: str) -> str:
    """RFC 3986 encoding: everything but ALPHA / DIGIT / "-" / "." / "_" / "~" (RFC 5849 3.6)."""
    return quote(value, safe="-._~")


def normalize_url(url: httpx.URL | str) -> str:
    """Base string URI (RFC 5849 3.4.1.2): lower-case scheme and host, default port dropped, no query."""
    url = httpx.URL(url) if isinstance(url, str) else url
    scheme, host = url.scheme.lower(), (url.host or "").lower()
    port = "" if url.port in (None, _DEFAULT_PORTS.get(scheme)) else f":{url.port}"
    path = url.raw_path.decode("ascii").split("?", 1)[0] or "/"
    return f"{scheme}://{host}{port}{path}"


def normalized_parameters(params: Iterable[tuple[str, str]]) -> str:
    """Parameters encoded, sorted by name then value, joined (RFC 5849 3.4.1.3.2)."""
    encoded = sorted((percent_encode(k), percent_encode(v)) for k, v in params)
    return "&".join(f"{k}={v}" for k, v in encoded)


def signature_base_string(method: str, url: httpx.URL | str, params: Iterable[tuple[str, str]]) -> str:
    return "&".join((method.upper(), percent_encode(normalize_url(url)), percent_encode(normalized_parameters(params))))


def request_parameters(request: httpx.Request) -> list[tuple[str, str]]:
    """Query parameters plus a form-encoded body's, decoded as forms are ('+' is a space)."""
    query = request.url.query.decode("ascii")
    params = parse_qsl(query, keep_blank_values=True)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        params += parse_qsl(request.read().decode("utf-8"), keep_blank_values=True)
    return params


def sign(
    base_string: str, consumer_secret: str, token_secret: str = "", method: SignatureMethod = "HMAC-SHA256"
) -> str:
    key = f"{percent_encode(consumer_secret)}&{percent_encode(token_secret)}"
    digest = hmac.new(key.encode(), base_string.encode(), _HASHES[method]).digest()
    return base64.b64encode(digest).decode("ascii")


class OAuth1Auth(httpx.Auth):
    """Signs each request; ``token``/``token_secret`` are empty for one-legged use (WooCommerce)."""

    requires_request_body = True  # a form body is part of the signature

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        *,
        token: str = "",
        token_secret: str = "",
        signature_method: SignatureMethod = "HMAC-SHA256",
        placement: Literal["query", "header"] = "query",
        include_version: bool = False,
        clock: Callable[[], float] = time.time,
        nonce: Callable[[], str] = lambda: secrets.token_hex(16),
    ) -> None:
        if signature_method not in _HASHES:
            raise ValueError(f"unsupported OAuth signature method {signature_method!r}")
        self.consumer_key = consumer_key
        self.consumer_secret = consumer_secret
        self.token = token
        self.token_secret = token_secret
        self.signature_method = signature_method
        self.placement = placement
        self.include_version = include_version
        self._clock = clock
        self._nonce = nonce

    def oauth_parameters(self) -> dict[str, str]:
        params = {
            "oauth_consumer_key": self.consumer_key,
            "oauth_nonce": self._nonce(),
            "oauth_signature_method": self.signature_method,
            "oauth_timestamp": str(int(self._clock())),
        }
        if self.token:
            params["oauth_token"] = self.token
        if self.include_version:
            params["oauth_version"] = "1.0"
        return params

    def signed_parameters(self, request: httpx.Request) -> dict[str, str]:
        """The oauth parameters for this request, signature included."""
        oauth = self.oauth_parameters()
        base = signature_base_string(request.method, request.url, request_parameters(request) + list(oauth.items()))
        oauth["oauth_signature"] = sign(base, self.consumer_secret, self.token_secret, self.signature_method)
        return oauth

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        oauth = self.signed_parameters(request)
        if self.placement == "header":
            fields = ", ".join(f'{k}="{percent_encode(v)}"' for k, v in oauth.items())
            request.headers["Authorization"] = f"OAuth {fields}"
        else:
            request.url = request.url.copy_merge_params(oauth)
        yield request
