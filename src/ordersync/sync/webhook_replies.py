"""The webhook address beyond POST intake: challenge handshakes on GET, and per-platform replies to accepted
deliveries (both declared by the connector, see channels.sdk.webhook_reply).

A GET is answered in this order, so the address stays the first secret: an unknown address is 404 (whether
or not its system has a handshake), a connector that declares no handshake 405, a malformed challenge 4xx
with the reason. The connector answering is the connection's cached verifier (sync.webhooks), built from
the connection's settings, so the token and the endpoint URL are the ones the seller registered.
"""

from __future__ import annotations

import json

from ..channels.registry import get_connector
from ..channels.sdk.connector import Connector
from ..channels.sdk.webhook_reply import ChallengeRefused, WebhookReply
from .hub import Hub
from .webhooks import _FIND, _verifier


def _status(status: int, message: str, **headers: str) -> WebhookReply:
    return WebhookReply(status, json.dumps({"status": message}).encode(), headers=headers)


def answer_challenge(hub: Hub, system: str, token: str, query: dict[str, str]) -> WebhookReply:
    if "\x00" in token or len(token) > 200:
        return _status(404, "unknown webhook address")
    with hub.db.engine.begin() as c:
        found = c.execute(_FIND, {"token": token}).first()
        if found is None or found.system != system:
            return _status(404, "unknown webhook address")
        try:
            cls = get_connector(system)
        except LookupError:  # the connector's plugin is gone; its address answers nothing
            return _status(404, "unknown webhook address")
        if cls.webhook_challenge is None and cls.answer_webhook_challenge is Connector.answer_webhook_challenge:
            return _status(405, f"{system} webhooks take POST only", Allow="POST")
        connector = _verifier(hub, c, found.id, found.updated_at)
    try:
        return connector.answer_webhook_challenge(query)
    except ChallengeRefused as exc:
        return _status(exc.status, str(exc))
    except NotImplementedError:
        return _status(405, f"{system} webhooks take POST only", Allow="POST")


def accepted_reply(system: str) -> WebhookReply | None:
    """The connector's declared reply to an accepted (or duplicate) delivery; None keeps the default."""
    try:
        return get_connector(system).webhook_reply
    except LookupError:
        return None
