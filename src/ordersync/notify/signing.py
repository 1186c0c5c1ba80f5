"""Signing outgoing webhooks: HMAC-SHA256 over the raw request body, hex-encoded.

Receivers recompute ``hmac_sha256_hex(secret, raw_body)`` and compare it in constant time with the value
after ``sha256=`` in the ``X-Ordersync-Signature`` header (docs/api.md has the recipe). The body itself
carries the event id and time, so a receiver can drop replays by id.
"""

from __future__ import annotations

from ..channels.sdk.signatures import hmac_sha256_hex, verify_signature

SIGNATURE_HEADER = "X-Ordersync-Signature"
TIMESTAMP_HEADER = "X-Ordersync-Timestamp"
EVENT_HEADER = "X-Ordersync-Event"
EVENT_ID_HEADER = "X-Ordersync-Event-Id"
DELIVERY_HEADER = "X-Ordersync-Delivery"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac_sha256_hex(secret, body)


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """What a receiver does; used by the tests exactly as documented."""
    return verify_signature(signature(secret, body), header)
