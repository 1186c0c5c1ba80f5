"""Platforms' published signing keys, fetched by key id and kept for a while.

A platform that signs its notifications with a private key publishes the public half under a key id (eBay's
Notification API ``getPublicKey``, a JWKS document). Fetching it for every delivery would put the platform's
key server in the path of every webhook and let a flood of forged deliveries turn into a flood of fetches,
so a :class:`PublicKeyCache` keeps what it fetched for ``ttl`` seconds and remembers an unknown key id for
``negative_ttl`` seconds. One fetch runs at a time per cache (deliveries arriving meanwhile wait for it).

What goes wrong is sorted the way the hub must answer it:

* the platform says the key id does not exist (404), or the answer holds no such key: the delivery is
  rejected (:class:`~.errors.WebhookRejected`, 401) - a genuine sender uses ids that exist;
* the key server is unreachable, slow, rate-limited or answers 5xx, or our own credentials for it fail: the
  delivery is *deferred* (:class:`WebhookDeferred`, 503), so the platform retries it later; it is never
  accepted unverified. Fetches are tried once (the platform's own retry is the retry), so an intake thread
  never sleeps through a backoff.

Fetches go through a connector's :class:`~.http.ChannelHTTP`, so the URL guard and the retry policy apply.
Caches are shared per key endpoint (:func:`shared_cache`): the keys are the platform's, not a connection's,
and the hub's per-connection verifiers are rebuilt whenever a connection changes.
"""

from __future__ import annotations

import base64
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ChannelError, NotFoundError, WebhookRejected
from .retry import NO_RETRY

_KID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
_PEM_BODY = re.compile(r"-----BEGIN PUBLIC KEY-----(.*?)-----END PUBLIC KEY-----", re.S)


class WebhookDeferred(WebhookRejected):
    """The delivery could not be checked now (the platform's key server failed); answered 503 so the
    platform delivers it again later. Not an acceptance and not a verdict on the delivery."""

    retryable = True

    def __init__(self, reason: str) -> None:
        super().__init__(reason, status=503)


@dataclass(frozen=True, slots=True)
class PublishedKey:
    """One public key as the platform published it. ``digest`` is the hash the platform names for it
    (eBay: "SHA1"), empty when the key format carries none (JWKS: the JWS header names the algorithm)."""

    key: Any  # a cryptography public key object
    algorithm: str = ""
    digest: str = ""


#: fetch(kid) -> the keys one answer held, by key id (eBay: just ``kid``; a JWKS document: all of them)
Fetch = Callable[[str], Mapping[str, PublishedKey]]


class PublicKeyCache:
    def __init__(
        self, *, ttl: float = 3600.0, negative_ttl: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl, self.negative_ttl, self.clock = ttl, negative_ttl, clock
        self._keys: dict[str, tuple[float, PublishedKey]] = {}
        self._unknown: dict[str, float] = {}
        self._lock = threading.Lock()
        self.fetches = 0  # how many times the key server was asked (the cache's whole point)

    def get(self, kid: str, fetch: Fetch) -> PublishedKey:
        if not isinstance(kid, str) or not _KID.fullmatch(kid):
            raise WebhookRejected(f"the signature names no usable key id ({str(kid)[:40]!r})")
        with self._lock:
            now = self.clock()
            cached = self._keys.get(kid)
            if cached is not None and cached[0] > now:
                return cached[1]
            if self._unknown.get(kid, 0.0) > now:
                raise WebhookRejected(f"unknown signing key id {kid!r}")
            self.fetches += 1
            try:
                found = dict(fetch(kid))
            except NotFoundError:
                found = {}
            except ChannelError as exc:
                raise WebhookDeferred(f"the platform's public key {kid!r} could not be fetched: {exc}") from None
            now = self.clock()
            for key_id, key in found.items():
                self._keys[key_id] = (now + self.ttl, key)
            if kid not in found:
                self._unknown[kid] = now + self.negative_ttl
                raise WebhookRejected(f"unknown signing key id {kid!r}")
            self._unknown.pop(kid, None)
            return found[kid]

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()
            self._unknown.clear()


_shared: dict[str, PublicKeyCache] = {}
_shared_lock = threading.Lock()


def shared_cache(scope: str, **options: Any) -> PublicKeyCache:
    """The process-wide cache for one key endpoint (``scope``, e.g. its base URL); ``options`` apply when
    it is first made."""
    with _shared_lock:
        cache = _shared.get(scope)
        if cache is None:
            cache = _shared[scope] = PublicKeyCache(**options)
        return cache


def load_public_key(text: str) -> Any:
    """A public key from PEM text as platforms publish it: with or without line breaks inside the PEM
    armour (eBay's answer has none), or bare base64 DER."""
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    match = _PEM_BODY.search(text or "")
    body = match.group(1) if match else (text or "")
    try:
        return load_der_public_key(base64.b64decode("".join(body.split()), validate=True))
    except ValueError as exc:
        raise ValueError(f"not a public key: {exc}") from None


def notification_api_fetch(http: Any, path: str = "/commerce/notification/v1/public_key/{kid}") -> Fetch:
    """Fetch(kid) for eBay's Notification API ``getPublicKey``: ``{"algorithm", "digest", "key"}``.

    ``http`` is the connector's ChannelHTTP on the API host; it carries the application token the endpoint
    requires (client-credentials grant, per eBay's docs). A key the answer holds but we cannot load is
    treated as a failed fetch (deferred), not as an unknown id."""
    from urllib.parse import quote

    def fetch(kid: str) -> Mapping[str, PublishedKey]:
        data = http.request("GET", path.format(kid=quote(kid, safe="")), expect_json=True, retry=NO_RETRY).json()
        if not isinstance(data, dict) or not data.get("key"):
            return {}
        try:
            key = load_public_key(str(data["key"]))
        except ValueError as exc:
            raise ChannelError(f"public key {kid!r}: {exc}") from None
        return {kid: PublishedKey(key, str(data.get("algorithm") or ""), str(data.get("digest") or ""))}

    return fetch


def jwks_fetch(http: Any, path: str) -> Fetch:
    """Fetch(kid) for a JWKS document (RFC 7517): every key with a ``kid`` in it, so one fetch serves all
    the ids the platform rotates between. Keys of a type PyJWT cannot load are skipped."""
    import jwt

    def fetch(kid: str) -> Mapping[str, PublishedKey]:
        data = http.request("GET", path, expect_json=True, retry=NO_RETRY).json()
        keys = data.get("keys") if isinstance(data, dict) else None
        found: dict[str, PublishedKey] = {}
        for jwk in keys if isinstance(keys, list) else []:
            if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
                continue
            try:
                loaded = jwt.PyJWK(jwk)
            except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError):
                continue
            found[jwk["kid"]] = PublishedKey(loaded.key, str(jwk.get("alg") or loaded.algorithm_name or ""))
        return found

    return fetch
