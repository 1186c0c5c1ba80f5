"""eBay's digital signatures for EU/UK sellers: HTTP message signatures (RFC 9421) on the calls eBay names.

[docs: "Digital Signatures for APIs" and eBay's verification service README] For sellers domiciled in the EU
or the UK eBay wants a signature on every method of the Finances API, Fulfillment ``issueRefund``, Trading
``GetAccount`` and six Post-Order methods, among them *Create Cancellation Request* - the only one of these
the connector calls (``client.cancel``). Other calls and other sellers may carry one; eBay ignores it there, so
the connector signs that call whenever the seller has entered a key, whatever the domicile (which the API
does not tell).

Headers: ``x-ebay-signature-key`` (the public key as JWE, from the Key Management API's ``createSigningKey``),
``Content-Digest`` (``sha-256=:<base64>:`` of the body; only with a body), ``Signature-Input``
(``sig1=("content-digest" "x-ebay-signature-key" "@method" "@path" "@authority");created=<unix seconds>``) and
``Signature`` (``sig1=:<base64>:``) over the signature base: one line ``"<component>": <value>`` per component
in that order, then ``"@signature-params": <the Signature-Input value after "sig1=">``, joined by newlines.
Ed25519 (recommended) signs the base itself; RSA uses RSASSA-PKCS1-v1_5 with SHA-256 [docs]. eBay refuses a
``created`` more than about five minutes off [3p: error 215114], so it is the moment of the call.

Unverified: the form of ``privateKey`` in eBay's answer (PEM, or base64 of the PKCS #8 DER without the PEM
lines: both are read); the exact error ids eBay answers for an unsigned or wrongly signed call (215120
"Signature validation failed" per eBay's developer forum).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from dataclasses import dataclass

import httpx
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from ordersync.channels.sdk.settings import SettingsError

COMPONENTS = ("content-digest", "x-ebay-signature-key", "@method", "@path", "@authority")
#: eBay's error ids that mean "this call needed a (valid) signature" [3p: developer forum; ids 215xxx]
SIGNATURE_ERRORS = range(215000, 215200)


@dataclass(frozen=True)
class SigningKey:
    jwe: str
    private: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey

    @classmethod
    def parse(cls, jwe: str, private_key: str) -> SigningKey:
        """The key from the settings ``signing_jwe`` and ``signing_private_key``; a clear error if unusable."""
        jwe, text = jwe.strip(), private_key.strip()
        if jwe.count(".") != 4:
            raise SettingsError("setting 'signing_jwe': eBay's public key as JWE has five parts separated by dots")
        try:
            if text.startswith("-----BEGIN"):
                key = serialization.load_pem_private_key(text.encode(), password=None)
            else:
                key = serialization.load_der_private_key(
                    base64.b64decode("".join(text.split()), validate=True), password=None
                )
        except (ValueError, TypeError, binascii.Error, UnsupportedAlgorithm):
            raise SettingsError(
                "setting 'signing_private_key': not a private key (PEM, or base64 of PKCS #8) "
                "as eBay's createSigningKey returns it"
            ) from None
        if not isinstance(key, ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey):
            raise SettingsError("setting 'signing_private_key': eBay signs with Ed25519 or RSA keys only")
        return cls(jwe, key)

    def sign(self, data: bytes) -> bytes:
        if isinstance(self.private, ed25519.Ed25519PrivateKey):
            return self.private.sign(data)
        return self.private.sign(data, padding.PKCS1v15(), hashes.SHA256())


def content_digest(body: bytes) -> str:
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def authority(url: httpx.URL) -> str:
    return url.host if url.port is None else f"{url.host}:{url.port}"


def headers_for(key: SigningKey, method: str, url: str, body: bytes, *, created: int | None = None) -> dict[str, str]:
    """The four headers for one call (``Content-Digest`` only when there is a body)."""
    target = httpx.URL(url)
    values = {
        "content-digest": content_digest(body) if body else "",
        "x-ebay-signature-key": key.jwe,
        "@method": method.upper(),
        "@path": target.raw_path.decode().split("?")[0],
        "@authority": authority(target),
    }
    names = [c for c in COMPONENTS if values[c]]
    params = "(" + " ".join(f'"{c}"' for c in names) + f");created={int(time.time()) if created is None else created}"
    base = "\n".join([*(f'"{c}": {values[c]}' for c in names), f'"@signature-params": {params}'])
    headers = {
        "x-ebay-signature-key": key.jwe,
        "Signature-Input": f"sig1={params}",
        "Signature": "sig1=:" + base64.b64encode(key.sign(base.encode())).decode() + ":",
    }
    if body:
        headers["Content-Digest"] = values["content-digest"]
    return headers
