"""eBay's Key Management API and the digital signatures it wants from EU/UK sellers, on the sandbox's side.

[docs: Key Management API, "Digital Signatures for APIs", eBay's verification service README]
``POST /developer/key_management/v1/signing_key`` ``{"signingKeyCipher": "ED25519" | "RSA"}`` answers a
``SigningKey``: ``signingKeyId``, ``signingKeyCipher``, ``publicKey``, ``privateKey`` (only in this answer),
``jwe`` (the public key encrypted for eBay), ``creationTime`` and ``expirationTime`` (three years later), in
Unix seconds. eBay serves it on ``apiz.ebay.com``; the sandbox on its one address. Real JWEs are encrypted
for eBay; the sandbox's are opaque strings of the same five-part shape that it maps back to the public key.

A signed call carries ``x-ebay-signature-key`` (the JWE), ``Content-Digest`` (with a body), ``Signature-Input``
and ``Signature`` per RFC 9421; the base is one ``"<component>": <value>`` line per component named in
Signature-Input, then the ``"@signature-params"`` line. Ed25519 signs the base; RSA is PKCS #1 v1.5 with
SHA-256. Refusals [3p: eBay developer forum and Q&A pages; the ids are not in eBay's contracts]: 215114
when ``created`` is more than five minutes off, 215120 "Signature validation failed" for everything else;
their HTTP status (400 here) is unverified. The private key is answered as base64 of its PKCS #8 DER
(unverified: eBay's pages say to keep it "in PEM format").
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
import uuid
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from .errors import EbayError

KEYS_PATH = "/developer/key_management/v1/signing_key"
REQUIRED = ("x-ebay-signature-key", "@method", "@path", "@authority")
SKEW = 300
_INPUT = re.compile(r'^sig1=\(((?:"[^"]+"\s*)*)\);created=(\d+)$')


def refused(why: str, error_id: int = 215120) -> EbayError:
    return EbayError(
        400,
        error_id,
        "Signature validation failed" if error_id == 215120 else "Invalid timestamp in signature parameters",
        domain="API_SIGNATURE",
        long=why,
    )


class KeyManagement:
    def __init__(self) -> None:
        self.public: dict[str, Any] = {}  # jwe -> public key
        self.keys: dict[str, dict[str, Any]] = {}

    def create(self, cipher: str) -> dict[str, Any]:
        if cipher == "ED25519":
            private: Any = ed25519.Ed25519PrivateKey.generate()
        elif cipher == "RSA":
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            raise EbayError(400, 230004, f"Invalid signingKeyCipher: {cipher!r}", domain="API_KEY_MANAGEMENT")
        der = private.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        public = private.public_key()
        jwe = ".".join(
            base64.urlsafe_b64encode(secrets.token_bytes(n)).decode().rstrip("=") for n in (64, 32, 12, 160, 16)
        )
        now = int(time.time())
        key: dict[str, Any] = {
            "signingKeyId": str(uuid.uuid4()),
            "signingKeyCipher": cipher,
            "jwe": jwe,
            "publicKey": base64.b64encode(
                public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
            ).decode(),
            "creationTime": now,
            "expirationTime": now + 3 * 365 * 86400,
        }
        self.public[jwe] = public
        self.keys[key["signingKeyId"]] = key
        return {**key, "privateKey": base64.b64encode(der).decode()}

    def verify(self, method: str, path: str, authority: str, headers: Any, body: bytes) -> None:
        """Raise eBay's refusal unless the call carries a valid signature over the components eBay wants."""
        jwe, given_input, given = (headers.get(h, "") for h in ("x-ebay-signature-key", "signature-input", "signature"))
        if not (jwe and given_input and given):
            raise refused("x-ebay-signature-key, Signature-Input and Signature are required for this seller")
        match = _INPUT.match(given_input.strip())
        if match is None:
            raise refused("Signature-Input is not sig1=(<components>);created=<seconds>")
        names = re.findall(r'"([^"]+)"', match.group(1))
        wanted = REQUIRED + (("content-digest",) if body else ())
        if sorted(names) != sorted(wanted):
            raise refused(f"Signature-Input must cover {', '.join(wanted)}")
        if abs(time.time() - int(match.group(2))) > SKEW:
            raise refused("created is more than five minutes off", 215114)
        digest = "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"
        if body and headers.get("content-digest", "") != digest:
            raise refused("Content-Digest does not match the body")
        public = self.public.get(jwe)
        if public is None:
            raise refused("x-ebay-signature-key is not a key of this application")
        values = {
            "content-digest": digest,
            "x-ebay-signature-key": jwe,
            "@method": method.upper(),
            "@path": path,
            "@authority": authority,
        }
        base = "".join(f'"{n}": {values[n]}\n' for n in names) + f'"@signature-params": {given_input.strip()[5:]}'
        sig = given.strip()
        if not (sig.startswith("sig1=:") and sig.endswith(":")):
            raise refused("Signature is not sig1=:<base64>:")
        try:
            raw = base64.b64decode(sig[6:-1], validate=True)
            if isinstance(public, ed25519.Ed25519PublicKey):
                public.verify(raw, base.encode())
            else:
                public.verify(raw, base.encode(), padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError):
            raise refused("the signature does not match the request") from None
