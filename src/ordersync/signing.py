"""One signing recipe for every request the hub sends out (integrator webhooks, HTTP forwards): Standard Webhooks.

Each request carries ``webhook-id`` (the same on every retry of one delivery, so a receiver can drop
duplicates), ``webhook-timestamp`` (Unix seconds of this attempt) and ``webhook-signature`` =
``v1,`` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{raw body}")), computed by the ``standardwebhooks``
package, so that any Standard Webhooks library can check it (docs/api.md shows how).

Secrets: new ones are made and shown in the standard ``whsec_<base64 key>`` form. A stored secret already in
that form is used as every Standard Webhooks library reads it; any other secret stored before (text of 16+
characters) keeps working: its key is the text's UTF-8 bytes, and its standard form is ``whsec_`` + base64
of that text (:func:`whsec`).

Deprecated, sent for one more release: ``X-Ordersync-Signature`` (``sha256=`` + hex HMAC-SHA256 keyed with the
secret's text as shown to the integrator) over the raw body (webhooks) or over ``timestamp + "." + body``
(forwards), with ``X-Ordersync-Timestamp``. The ``legacy_*`` functions are that old recipe.
"""

from __future__ import annotations

import base64
import binascii
import secrets as pysecrets
import time
from datetime import UTC, datetime
from typing import Literal

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from .channels.sdk.signatures import hmac_sha256_hex, verify_signature

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
SECRET_PREFIX = "whsec_"
MIN_SECRET_LENGTH = 16
#: deprecated: sent alongside the standard headers for one release, then dropped
LEGACY_SIGNATURE_HEADER = "X-Ordersync-Signature"
LEGACY_TIMESTAMP_HEADER = "X-Ordersync-Timestamp"
LEGACY_TOLERANCE_SECONDS = 300


def new_secret() -> str:
    """A fresh secret, in the form integrators' Standard Webhooks libraries take as it is."""
    return SECRET_PREFIX + base64.b64encode(pysecrets.token_bytes(32)).decode("ascii")


def _standard_key(secret: str) -> bytes | None:
    """The key a Standard Webhooks library reads from a ``whsec_`` secret; None when it is no such secret."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    try:
        return base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True) or None
    except (binascii.Error, ValueError):
        return None


def check_secret(secret: str) -> str:
    """A secret an operator or integrator gives: 16+ characters; one starting ``whsec_`` must go on in base64."""
    if len(secret) < MIN_SECRET_LENGTH:
        raise ValueError(f"the signing secret must be at least {MIN_SECRET_LENGTH} characters long")
    if secret.startswith(SECRET_PREFIX) and _standard_key(secret) is None:
        raise ValueError("a secret starting with whsec_ must go on in base64 (the Standard Webhooks form)")
    return secret


def whsec(secret: str) -> str:
    """The Standard Webhooks form of a stored secret.

    A ``whsec_<base64>`` secret is that form already; any other (older) secret becomes ``whsec_`` + base64 of
    its UTF-8 text, so its key stays the bytes the old header was keyed with."""
    if _standard_key(secret) is not None:
        return secret
    return SECRET_PREFIX + base64.b64encode(secret.encode("utf-8")).decode("ascii")


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value for one attempt."""
    return Webhook(whsec(secret)).sign(msg_id, datetime.fromtimestamp(timestamp, tz=UTC), body)


def headers(
    secret: str, msg_id: str, body: bytes, *, legacy: Literal["body", "timestamp"], now: float | None = None
) -> dict[str, str]:
    """All signature headers for one attempt: the standard three and the deprecated pair.

    ``legacy`` chooses which old recipe the deprecated header keeps: "body" (webhooks) or "timestamp" (forwards)."""
    timestamp = int(time.time() if now is None else now)
    stamp = str(timestamp)
    old = legacy_body_signature(secret, body) if legacy == "body" else legacy_timestamp_signature(secret, stamp, body)
    return {
        ID_HEADER: msg_id,
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: sign(secret, msg_id, timestamp, body),
        LEGACY_TIMESTAMP_HEADER: stamp,
        LEGACY_SIGNATURE_HEADER: old,
    }


def verify(secret: str, body: bytes, received: dict[str, str]) -> bool:
    """A receiver's check (signature and a timestamp within five minutes), done by the standardwebhooks package."""
    try:
        Webhook(whsec(secret)).verify(body, dict(received), json_parse=False)
    except WebhookVerificationError:
        return False
    return True


def legacy_body_signature(secret: str, body: bytes) -> str:
    """Deprecated webhook recipe: ``sha256=`` + hex HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac_sha256_hex(secret, body)


def legacy_verify_body(secret: str, body: bytes, header: str | None) -> bool:
    """Deprecated: a receiver's check of the old webhook header."""
    return verify_signature(legacy_body_signature(secret, body), header)


def legacy_timestamp_signature(secret: str, timestamp: str, body: bytes) -> str:
    """Deprecated forward recipe: ``sha256=`` + hex HMAC-SHA256 of ``timestamp + "." + raw body``."""
    return "sha256=" + hmac_sha256_hex(secret, timestamp.encode("ascii") + b"." + body)


def legacy_verify_timestamp(
    secret: str,
    timestamp: str | None,
    given: str | None,
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = LEGACY_TOLERANCE_SECONDS,
) -> bool:
    """Deprecated: a receiver's check of the old forward header (signature matches, timestamp recent)."""
    if not timestamp or not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        return False
    return verify_signature(legacy_timestamp_signature(secret, timestamp, body), given)
