"""The signature on HTTP forwards, and how a receiver checks it (see docs/messaging.md).

``X-Ordersync-Timestamp`` carries the Unix time of sending; ``X-Ordersync-Signature`` is
``sha256=`` + hex(HMAC-SHA256(secret, timestamp + "." + raw body)). Signing the timestamp with the body
lets a receiver refuse an old request replayed by someone who recorded it.
"""

from __future__ import annotations

import time

from ..channels.sdk.signatures import hmac_sha256_hex, verify_signature

SIGNATURE_HEADER = "X-Ordersync-Signature"
TIMESTAMP_HEADER = "X-Ordersync-Timestamp"
FORWARD_ID_HEADER = "X-Ordersync-Forward-Id"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac_sha256_hex(secret, timestamp.encode("ascii") + b"." + body)


def verify(secret: str, timestamp: str | None, given: str | None, body: bytes, *, now: float | None = None,
           tolerance: int = TOLERANCE_SECONDS) -> bool:
    """A receiver's check: the signature matches (constant time) and the timestamp is recent."""
    if not timestamp or not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        return False
    return verify_signature(signature(secret, timestamp, body), given)
