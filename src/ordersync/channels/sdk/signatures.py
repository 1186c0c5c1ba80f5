"""Webhook and request signatures, compared in constant time.

Comparing a signature with ``==`` leaks, through timing, how many leading characters were right (the
mistake noted in frappe's ecommerce_integrations). :func:`verify_signature` uses ``hmac.compare_digest``
and treats a missing signature as a mismatch. OAuth 1.0a request signing lives in :mod:`.oauth1` and is
re-exported here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from .oauth1 import OAuth1Auth, percent_encode, signature_base_string

__all__ = [
    "OAuth1Auth",
    "hmac_sha256_base64",
    "hmac_sha256_hex",
    "percent_encode",
    "signature_base_string",
    "verify_signature",
]


def _bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def hmac_sha256_digest(secret: str | bytes, body: str | bytes) -> bytes:
    return hmac.new(_bytes(secret), _bytes(body), hashlib.sha256).digest()


def hmac_sha256_base64(secret: str | bytes, body: str | bytes) -> str:
    """base64(HMAC-SHA256(secret, body)): WooCommerce and Shopify webhooks, over the raw body bytes."""
    return base64.b64encode(hmac_sha256_digest(secret, body)).decode("ascii")


def hmac_sha256_hex(secret: str | bytes, body: str | bytes) -> str:
    """hex(HMAC-SHA256(secret, body)): e.g. Shopware 6 webhooks, Kaufland request signing."""
    return hmac_sha256_digest(secret, body).hex()


def verify_signature(expected: str | bytes, given: str | bytes | None) -> bool:
    """Constant-time equality; a missing or empty ``given`` never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(_bytes(expected).strip(), _bytes(given).strip())
