"""TLS trust per connection: "verify TLS" and a CA bundle for shops whose certificate a private CA signed.

A shop on the intranet often has a certificate from the company's own CA. Switching verification off
would trust anyone on the path; giving the CA's certificate (PEM text) trusts exactly that CA, besides the
public ones, for every request of that connection.
"""

from __future__ import annotations

import re
import ssl

from cryptography import x509

_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\s+[A-Za-z0-9+/=\s]+?-----END \1-----")


class CaBundleError(ValueError):
    """The CA bundle is not a list of PEM certificates; the message says what is wrong."""


def check_ca_bundle(text: str) -> str:
    """The bundle, cleaned of surrounding blanks, if it holds one or more PEM certificates and nothing else."""
    text = (text or "").strip()
    if not text:
        return ""
    blocks = list(_BLOCK.finditer(text))
    if not blocks:
        raise CaBundleError(
            "the CA bundle holds no PEM certificate (text from -----BEGIN CERTIFICATE----- "
            "to -----END CERTIFICATE-----)"
        )
    for number, block in enumerate(blocks, 1):
        if block.group(1) != "CERTIFICATE":
            raise CaBundleError(
                f"the CA bundle's block {number} is a {block.group(1)}, not a CERTIFICATE (never paste a private key)"
            )
        try:
            x509.load_pem_x509_certificate(block.group(0).encode("ascii"))
        except ValueError as exc:
            raise CaBundleError(f"the CA bundle's certificate {number} does not parse: {exc}") from None
    leftover = _BLOCK.sub("", text).strip()
    if leftover:
        raise CaBundleError(f"the CA bundle has text outside its certificates: {leftover[:40]!r}")
    return "\n".join(b.group(0) for b in blocks) + "\n"


def ssl_verify(verify: bool = True, ca_pem: str = "") -> bool | ssl.SSLContext:
    """What httpx's ``verify`` gets: False, True (the public CAs) or a context that also trusts ``ca_pem``."""
    if not verify:
        return False
    if not ca_pem:
        return True
    context = ssl.create_default_context()
    context.load_verify_locations(cadata=check_ca_bundle(ca_pem))
    return context
