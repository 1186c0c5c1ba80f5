"""What the hub answers on a connector's webhook address besides "200, stored": challenge handshakes on GET
and the reply a platform expects for an accepted delivery.

Some platforms check an endpoint before (and while) delivering to it: eBay sends
``GET <endpoint>?challenge_code=X`` and expects ``200``, ``Content-Type: application/json`` and
``{"challengeResponse": hex(SHA-256(X + verificationToken + endpoint))}``, the endpoint being exactly the
URL registered with eBay (eBay's marketplace-account-deletion docs; the token is 32 to 80 characters of
letters, digits, ``_`` and ``-``). A connector declares such a handshake as data (:class:`HashChallenge`)
on ``Connector.webhook_challenge``; the hub routes GET on the webhook address to it, and answers 405 for a
connector that declares none.

Platforms also differ in what an accepted delivery should be answered with (eBay's notification SDKs answer
204, others want 200 with a body): ``Connector.webhook_reply`` holds a :class:`WebhookReply` for that; without
one the hub keeps its default (200 with a small JSON status).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_TOKEN = re.compile(r"[A-Za-z0-9_\-]{32,80}")


@dataclass(frozen=True, slots=True)
class WebhookReply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)


class ChallengeRefused(ValueError):
    """The GET is not a challenge this connector can answer; ``status`` is the 4xx the hub sends."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True, slots=True)
class HashChallenge:
    """Answer ``?{param}=CODE`` with ``{response_key: hexdigest(CODE + token + endpoint URL)}`` (eBay).

    ``token_setting`` names the connection setting (or connector-state key) that holds the verification
    token the seller entered at the platform."""

    param: str = "challenge_code"
    response_key: str = "challengeResponse"
    token_setting: str = "verification_token"
    digest: str = "sha256"

    def answer(self, query: Mapping[str, str], token: str, endpoint_url: str) -> WebhookReply:
        code = query.get(self.param, "")
        if not code:
            raise ChallengeRefused(f"the query parameter {self.param!r} is missing")
        if len(code) > 512:
            raise ChallengeRefused(f"the query parameter {self.param!r} is longer than 512 characters")
        if not _TOKEN.fullmatch(token or ""):
            raise ChallengeRefused(
                f"this connection has no usable {self.token_setting} (32 to 80 letters, "
                "digits, _ or -); enter the one given to the platform",
                409,
            )
        answer = hashlib.new(self.digest, (code + token + endpoint_url).encode()).hexdigest()
        return WebhookReply(200, json.dumps({self.response_key: answer}).encode())
