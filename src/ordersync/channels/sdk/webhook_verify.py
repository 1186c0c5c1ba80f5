"""Webhook verification schemes a connector declares as data instead of writing its own check.

Three families cover the platforms in ``shared/specs``:

* :class:`HmacScheme` - a shared secret and HMAC over a canonical string: the raw body (WooCommerce,
  Shopify, Shopware 6), ``id.timestamp.body`` (Standard Webhooks, Etsy), ``METHOD\\nURI\\nBODY\\nTS``
  (Kaufland's request signing); hex or base64, a prefix such as ``sha256=``, several signatures in one header
  during a secret rotation, and a window around a signed timestamp.
* :class:`EcdsaScheme` - the platform signs with a private key and publishes the public half by key id
  (eBay's ``X-EBAY-SIGNATURE``); keys come from :mod:`.public_keys`, cached.
* :class:`JwtScheme` - a compact JWS in a header or as the whole body, checked against a key set with
  ``exp``/``iat``/``aud``/``iss`` (PyJWT does the cryptography; only asymmetric algorithms are allowed, so a
  public key can never be used as an HMAC secret).

Every check compares in constant time, and every failure raises
:class:`~.errors.WebhookRejected` with a reason the hub logs and answers (401; 400 for a malformed envelope).
A key that could not be fetched raises :class:`~.public_keys.WebhookDeferred` (503): retry later, never
accept. Replays: a timestamp outside the scheme's tolerance is rejected; ``reject_replays`` also refuses the
same signed delivery twice within the window (only for schemes whose sender signs each attempt afresh -
WooCommerce and Shopify resend identical retries, which the hub's delivery-id dedupe answers instead). The
replay memory is per process; across workers the hub's unique (connection, delivery id) is the guard.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .errors import WebhookRejected
from .public_keys import PublishedKey, WebhookDeferred
from .signatures import verify_signature

__all__ = ["Delivery", "EcdsaScheme", "HmacScheme", "JwtScheme", "ReplayMemory", "Verified", "WebhookDeferred"]

_DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}
_PLACEHOLDER = re.compile(r"\{(body|timestamp|method|url|header:[A-Za-z0-9_\-]+)\}")


@dataclass(frozen=True, slots=True)
class Delivery:
    """The request as the hub received it; header names lower-case."""

    headers: Mapping[str, str]
    body: bytes
    method: str = "POST"
    url: str = ""

    @classmethod
    def of(cls, headers: Mapping[str, str], body: bytes, method: str = "POST", url: str = "") -> Delivery:
        return cls({k.lower(): v for k, v in headers.items()}, body, method.upper(), url)

    def header(self, name: str) -> str:
        return (self.headers.get(name.lower()) or "").strip()


@dataclass(frozen=True, slots=True)
class Verified:
    """What a scheme established: when the sender signed (if it says), with which key, and the JWT claims."""

    signed_at: datetime | None = None
    key_id: str = ""
    claims: Mapping[str, Any] = field(default_factory=dict)


class ReplayMemory:
    """Signatures seen within their tolerance window, forgotten after it (so it stays small)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def check_and_add(self, signature: str, keep_for: float) -> None:
        with self._lock:
            now = self.clock()
            if len(self._seen) > 10_000:
                self._seen = {k: until for k, until in self._seen.items() if until > now}
            if self._seen.get(signature, 0.0) > now:
                raise WebhookRejected("replayed: this signed delivery was accepted before")
            self._seen[signature] = now + keep_for


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def parse_signed_time(value: Any, fmt: str) -> datetime:
    """A signed timestamp as ``unix`` seconds, ``unix_ms`` or ``iso`` 8601 (a zone required)."""
    try:
        if fmt == "unix":
            return datetime.fromtimestamp(float(value), UTC)
        if fmt == "unix_ms":
            return datetime.fromtimestamp(float(value) / 1000, UTC)
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (TypeError, ValueError, OverflowError, OSError):
        raise WebhookRejected(f"the signed timestamp {str(value)[:40]!r} is not a {fmt} time", 400) from None
    if parsed.tzinfo is None:
        raise WebhookRejected(f"the signed timestamp {str(value)[:40]!r} names no time zone", 400)
    return parsed


def check_fresh(signed_at: datetime, tolerance: float, now: datetime | None) -> None:
    age = (_now(now) - signed_at).total_seconds()
    if abs(age) > tolerance:
        when = "in the future" if age < 0 else "old"
        raise WebhookRejected(f"expired: signed {abs(int(age))} s {when}, more than the {int(tolerance)} s allowed")


@dataclass(frozen=True)
class HmacScheme:
    """HMAC over a canonical string built from ``canonical``: literal text with ``{body}``, ``{timestamp}``
    (the value of ``timestamp_header``), ``{method}``, ``{url}`` and ``{header:NAME}`` filled in, as bytes.

    ``signature_header`` may carry several signatures split by ``separator`` (any one matching is enough);
    each must start with ``prefix`` (e.g. ``sha256=`` or ``v1,``), which is removed before comparing."""

    signature_header: str
    canonical: str = "{body}"
    encoding: str = "base64"  # or "hex"
    digest: str = "sha256"
    prefix: str = ""
    separator: str = ""
    timestamp_header: str = ""
    timestamp_format: str = "unix"
    tolerance: float = 300.0
    reject_replays: bool = False
    replays: ReplayMemory = field(default_factory=ReplayMemory, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.encoding not in ("base64", "hex") or self.digest not in _DIGESTS:
            raise ValueError(f"HmacScheme: encoding {self.encoding!r} / digest {self.digest!r} not supported")
        if "{timestamp}" in self.canonical and not self.timestamp_header:
            raise ValueError("HmacScheme: {timestamp} in the canonical string needs timestamp_header")
        if self.reject_replays and not self.timestamp_header:
            raise ValueError("HmacScheme: reject_replays needs a signed timestamp, or genuine retries are refused")
        stray = _PLACEHOLDER.sub("", self.canonical)
        if "{" in stray or "}" in stray:
            raise ValueError(f"HmacScheme: unknown placeholder in {self.canonical!r}")

    def sign(self, secret: str | bytes, delivery: Delivery) -> str:
        """The signature the sender computes for ``delivery`` (also what sandboxes send)."""
        import hmac

        key = secret.encode() if isinstance(secret, str) else secret
        mac = hmac.new(key, self.message(delivery), _DIGESTS[self.digest]).digest()
        return mac.hex() if self.encoding == "hex" else base64.b64encode(mac).decode("ascii")

    def message(self, delivery: Delivery) -> bytes:
        out, pos = [], 0
        for m in _PLACEHOLDER.finditer(self.canonical):
            out.append(self.canonical[pos : m.start()].encode())
            name = m.group(1)
            if name == "body":
                out.append(delivery.body)
            elif name == "timestamp":
                out.append(delivery.header(self.timestamp_header).encode())
            elif name == "method":
                out.append(delivery.method.encode())
            elif name == "url":
                out.append(delivery.url.encode())
            else:
                out.append(delivery.header(name.split(":", 1)[1]).encode())
            pos = m.end()
        out.append(self.canonical[pos:].encode())
        return b"".join(out)

    def verify(self, delivery: Delivery, secret: str | bytes | None, *, now: datetime | None = None) -> Verified:
        given = delivery.header(self.signature_header)
        if not given:
            raise WebhookRejected(f"missing {self.signature_header} header")
        if not secret:
            raise WebhookRejected("this connection holds no webhook secret to check signatures with")
        signed_at = None
        if self.timestamp_header:
            stamp = delivery.header(self.timestamp_header)
            if not stamp:
                raise WebhookRejected(f"missing {self.timestamp_header} header")
            signed_at = parse_signed_time(stamp, self.timestamp_format)
        expected = self.sign(secret, delivery)
        candidates = given.split(self.separator) if self.separator else [given]
        matched = ""
        for candidate in candidates:
            candidate = candidate.strip()
            if self.prefix and not candidate.startswith(self.prefix):
                continue
            candidate = candidate[len(self.prefix) :]
            if self.encoding == "hex":
                candidate = candidate.lower()
            if verify_signature(expected, candidate):
                matched = candidate
        if not matched:
            raise WebhookRejected(f"{self.signature_header} does not match the body")
        if signed_at is not None:  # checked after the signature: the time is only trusted once it is signed
            check_fresh(signed_at, self.tolerance, now)
            if self.reject_replays:
                self.replays.check_and_add(f"{self.signature_header}:{matched}", 2 * self.tolerance)
        return Verified(signed_at=signed_at)


def _json_pointer(data: Any, pointer: str) -> Any:
    for part in pointer.strip("/").split("/") if pointer.strip("/") else []:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _b64decode(text: str) -> bytes:
    text = text.strip()
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


@dataclass(frozen=True)
class EcdsaScheme:
    """A base64 JSON envelope ``{alg, kid, signature, digest}`` in ``signature_header`` (eBay's
    ``X-EBAY-SIGNATURE``); the DER-encoded ECDSA ``signature`` is checked with the platform's public key for
    ``kid`` and the hash the key's publication names (eBay: SHA1), falling back to ``default_digest``.

    What is checked against what: the raw body first; if that fails and the body is JSON, its compact
    re-serialisation - eBay's own SDKs (PHP ``json_encode``, Node ``JSON.stringify``) verify the re-encoded
    parsed message, not the bytes received, and which of the two eBay signs is not stated in its docs
    (unverified). Both describe the same JSON content, so the fallback admits no content that was not signed.
    Also unverified: the exact spelling of ``alg`` (compared case-insensitively with "ecdsa") and whether a
    redelivery carries a new signature. ``signed_time`` (a JSON pointer into the signed body, e.g.
    ``/notification/publishDate``) enables the freshness check; eBay retries over hours, so its tolerance
    must be generous (unverified how long eBay retries)."""

    signature_header: str = "X-EBAY-SIGNATURE"
    default_digest: str = "sha1"
    signed_time: str = ""
    signed_time_format: str = "iso"
    tolerance: float = 86400.0
    reject_replays: bool = False
    replays: ReplayMemory = field(default_factory=ReplayMemory, compare=False, repr=False)

    def envelope(self, delivery: Delivery) -> dict[str, str]:
        raw = delivery.header(self.signature_header)
        if not raw:
            raise WebhookRejected(f"missing {self.signature_header} header")
        try:
            data = json.loads(_b64decode(raw))
        except (ValueError, binascii.Error):
            raise WebhookRejected(f"{self.signature_header} is not base64-encoded JSON", 400) from None
        if not isinstance(data, dict) or not all(
            isinstance(data.get(k), str) and data[k] for k in ("kid", "signature")
        ):
            raise WebhookRejected(f"{self.signature_header} lacks kid or signature", 400)
        if str(data.get("alg") or "ecdsa").lower() != "ecdsa":
            raise WebhookRejected(f"{self.signature_header} names algorithm {str(data['alg'])[:20]!r}, not ECDSA")
        return data

    def verify(
        self, delivery: Delivery, key_for: Callable[[str], PublishedKey], *, now: datetime | None = None
    ) -> Verified:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        envelope = self.envelope(delivery)
        try:
            signature = _b64decode(envelope["signature"])
        except (ValueError, binascii.Error):
            raise WebhookRejected("the signature is not base64", 400) from None
        published = key_for(envelope["kid"])  # WebhookRejected (unknown kid) or WebhookDeferred (fetch failed)
        if not isinstance(published.key, ec.EllipticCurvePublicKey):
            raise WebhookRejected(f"key {envelope['kid']!r} is not an elliptic-curve key")
        digest = (published.digest or self.default_digest).lower().replace("-", "")
        if digest not in _DIGESTS:
            raise WebhookRejected(f"key {envelope['kid']!r} names an unsupported digest {published.digest!r}")
        claimed = str(envelope.get("digest") or "").lower().replace("-", "")
        if claimed and claimed != digest:
            raise WebhookRejected(f"the signature claims digest {envelope['digest']!r}, the key uses {digest}")
        hash_types: dict[str, Callable[[], hashes.HashAlgorithm]] = {
            "sha1": hashes.SHA1,
            "sha256": hashes.SHA256,
            "sha512": hashes.SHA512,
        }
        algorithm = ec.ECDSA(hash_types[digest]())
        for message in self._signed_forms(delivery.body):
            try:
                published.key.verify(signature, message, algorithm)
                break
            except InvalidSignature:
                continue
        else:
            raise WebhookRejected(f"{self.signature_header} does not match the body")
        signed_at = None
        if self.signed_time:
            try:
                value = _json_pointer(json.loads(delivery.body), self.signed_time)
            except ValueError:
                value = None
            if value is None:
                raise WebhookRejected(f"the signed body has no time at {self.signed_time}", 400)
            signed_at = parse_signed_time(value, self.signed_time_format)
            check_fresh(signed_at, self.tolerance, now)
        if self.reject_replays:
            self.replays.check_and_add(f"{envelope['kid']}:{envelope['signature']}", 2 * self.tolerance)
        return Verified(signed_at=signed_at, key_id=envelope["kid"])

    @staticmethod
    def _signed_forms(body: bytes) -> list[bytes]:
        forms = [body]
        try:
            compact = json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode()
        except ValueError:
            return forms
        return forms if compact == body else [*forms, compact]


_ASYMMETRIC = re.compile(r"(RS|PS|ES)(256|384|512)|ES256K|EdDSA")


@dataclass(frozen=True)
class JwtScheme:
    """A compact JWS: in ``header`` (``Bearer`` stripped), or the whole body when ``header`` is empty.

    The key comes from ``key_for(kid)`` (a :class:`~.public_keys.PublicKeyCache` over a JWKS, or a fixed
    key). ``exp`` and ``iat`` are required; ``iat`` older than ``max_age`` is refused even if ``exp`` is far
    off. ``audience``/``issuer`` are checked when set (per call, ``audience`` may be the connection's webhook
    URL). A token in a header signs the body only through a claim: ``body_hash_claim`` names the claim that
    holds the body's hex SHA-256, and is then required. ``reject_replays`` requires ``jti`` and refuses a
    ``jti`` seen before within ``max_age``."""

    header: str = ""
    algorithms: tuple[str, ...] = ("ES256", "RS256")
    audience: str = ""
    issuer: str = ""
    body_hash_claim: str = ""
    max_age: float = 300.0
    leeway: float = 30.0
    reject_replays: bool = False
    replays: ReplayMemory = field(default_factory=ReplayMemory, compare=False, repr=False)

    def __post_init__(self) -> None:
        bad = [a for a in self.algorithms if not _ASYMMETRIC.fullmatch(a)]
        if bad or not self.algorithms:
            raise ValueError(f"JwtScheme: only asymmetric JWS algorithms are allowed, not {bad or 'none'}")

    def token(self, delivery: Delivery) -> str:
        if not self.header:
            return delivery.body.decode("ascii", "replace").strip()
        value = delivery.header(self.header)
        if value.lower().startswith("bearer "):
            value = value[7:].strip()
        if not value:
            raise WebhookRejected(f"missing {self.header} header")
        return value

    def verify(
        self,
        delivery: Delivery,
        key_for: Callable[[str], PublishedKey],
        *,
        audience: str = "",
        now: datetime | None = None,
    ) -> Verified:
        import jwt

        token = self.token(delivery)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as exc:
            raise WebhookRejected(f"not a compact JWS: {exc}", 400) from None
        if header.get("alg") not in self.algorithms:
            raise WebhookRejected(
                f"JWS algorithm {str(header.get('alg'))[:20]!r} is not one of {', '.join(self.algorithms)}"
            )
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise WebhookRejected("the JWS names no key id (kid)")
        published = key_for(kid)
        aud = audience or self.audience
        required = [
            "exp",
            "iat",
            *(["aud"] if aud else []),
            *(["iss"] if self.issuer else []),
            *(["jti"] if self.reject_replays else []),
            *([self.body_hash_claim] if self.body_hash_claim else []),
        ]
        try:
            claims = jwt.decode(
                token,
                published.key,
                algorithms=list(self.algorithms),
                audience=aud or None,
                issuer=self.issuer or None,
                leeway=self.leeway,
                options={"require": required, "verify_aud": bool(aud)},
            )
        except jwt.ExpiredSignatureError:
            raise WebhookRejected("expired: the token's exp has passed") from None
        except jwt.InvalidSignatureError:
            raise WebhookRejected("the JWS signature does not match") from None
        except jwt.InvalidTokenError as exc:
            raise WebhookRejected(f"token refused: {exc}") from None
        issued = parse_signed_time(claims["iat"], "unix")
        age = (_now(now) - issued).total_seconds()
        if age > self.max_age + self.leeway or age < -self.leeway:
            raise WebhookRejected(f"expired: issued {int(age)} s ago, more than the {int(self.max_age)} s allowed")
        if self.body_hash_claim and not verify_signature(
            hashlib.sha256(delivery.body).hexdigest(), str(claims[self.body_hash_claim])
        ):
            raise WebhookRejected(f"the body does not match the token's {self.body_hash_claim} claim")
        if self.reject_replays:
            self.replays.check_and_add(f"jti:{kid}:{claims['jti']}", self.max_age + 2 * self.leeway)
        return Verified(signed_at=issued, key_id=kid, claims=claims)
