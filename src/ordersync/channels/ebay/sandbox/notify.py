"""eBay's notification deliveries: an ECDSA key published by key id, signed JSON bodies, the endpoint check.

[docs + eBay's notification SDKs]: ``X-EBAY-SIGNATURE`` is base64 of ``{"alg": "ECDSA", "kid", "signature",
"digest": "SHA1"}`` where ``signature`` is the base64 DER ECDSA signature over the message; ``getPublicKey``
answers ``{"algorithm": "ECDSA", "digest": "SHA1", "key": "-----BEGIN PUBLIC KEY-----<base64>-----END PUBLIC
KEY-----"}`` (no line breaks). What exactly eBay signs (the bytes sent, or a re-serialisation) is not documented:
this sandbox signs the bytes it sends, which it writes with spaces after separators (not compact).
Destinations are checked on creation with ``GET <endpoint>?challenge_code=X``, expecting
``{"challengeResponse": hex(SHA-256(X + verificationToken + endpoint))}``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .store import iso


class Signer:
    def __init__(self) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.kid = str(uuid.uuid4())

    def public_key(self) -> dict[str, str]:
        der = self.private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        pem = "-----BEGIN PUBLIC KEY-----" + base64.b64encode(der).decode() + "-----END PUBLIC KEY-----"
        return {"algorithm": "ECDSA", "digest": "SHA1", "key": pem}

    def header(self, body: bytes) -> str:
        signature = self.private.sign(body, ec.ECDSA(hashes.SHA1()))
        envelope = {
            "alg": "ECDSA",
            "kid": self.kid,
            "signature": base64.b64encode(signature).decode(),
            "digest": "SHA1",
        }
        return base64.b64encode(json.dumps(envelope).encode()).decode()


def notification(topic: str, data: dict[str, Any]) -> bytes:
    now = iso(datetime.now(UTC))
    return json.dumps(
        {
            "metadata": {"topic": topic, "schemaVersion": "1.0", "deprecated": False},
            "notification": {
                "notificationId": str(uuid.uuid4()),
                "eventDate": now,
                "publishDate": now,
                "publishAttemptCount": 1,
                "data": data,
            },
        }
    ).encode()


def challenge_ok(endpoint: str, token: str, timeout: float = 10.0) -> tuple[bool, str]:
    """eBay's endpoint check: GET with a challenge code, the expected hash in the JSON answer."""
    code = secrets.token_hex(16)
    expected = hashlib.sha256((code + token + endpoint).encode()).hexdigest()
    try:
        answer = httpx.get(endpoint, params={"challenge_code": code}, timeout=timeout)
        got = answer.json().get("challengeResponse") if answer.status_code == 200 else None
    except (httpx.HTTPError, ValueError, AttributeError):
        return False, "the endpoint did not answer the challenge"
    return got == expected, "" if got == expected else f"challenge answered {answer.status_code} with a wrong hash"
