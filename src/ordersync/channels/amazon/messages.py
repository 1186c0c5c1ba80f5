"""Buyer messages through the Messaging API (messaging.json): per-order template actions, never free chat.

``getMessagingActionsForOrder`` (``GET /messaging/v1/orders/{id}?marketplaceIds=…``) lists in
``_links.actions[].name`` the message types Amazon allows for that order now; only those are sent, each to
``POST /messaging/v1/orders/{id}/messages/{type}`` with ``{"text": …}`` (201, empty body). The types that
carry text, with their ``maxLength`` from the spec, are in :data:`TEXT_TYPES`. ``legalDisclosure``,
``warranty`` and ``invoice`` carry only attachments uploaded through the Uploads API, which the hub's
messages (subject and text) do not have: they are refused with that reason. Free text is allowed only
inside a template (the spec: "Do not include HTML or email addresses"; only links related to the type), so
a text with HTML or an e-mail address is refused before it is sent.

Which type a message goes as: the subject names it (``confirmDeliveryDetails`` or its English or German
label below), else the connection's setting ``message_type``.

Amazon offers no way to read what was sent, so a send whose answer is lost cannot be checked: the
connector declares ``at_most_once = {"message"}`` and the engine leaves such a send for the seller to check
instead of sending it again.
"""

from __future__ import annotations

import re

#: message type -> the text's maxLength (messaging.json, Create…Request.text)
TEXT_TYPES: dict[str, int] = {
    "confirmDeliveryDetails": 2000,
    "confirmOrderDetails": 2000,
    "confirmServiceDetails": 2000,
    "unexpectedProblem": 2000,
    "confirmCustomizationDetails": 800,
    "digitalAccessKey": 400,
}
#: types Amazon documents that carry attachments only (Uploads API): not sent by the hub
ATTACHMENT_TYPES = ("legalDisclosure", "warranty", "invoice")
#: a subject may name the type by these labels too (English and German, lower case)
LABELS: dict[str, str] = {
    "delivery details": "confirmDeliveryDetails",
    "lieferdetails": "confirmDeliveryDetails",
    "order details": "confirmOrderDetails",
    "bestelldetails": "confirmOrderDetails",
    "service details": "confirmServiceDetails",
    "servicedetails": "confirmServiceDetails",
    "unexpected problem": "unexpectedProblem",
    "unerwartetes problem": "unexpectedProblem",
    "customization details": "confirmCustomizationDetails",
    "personalisierung": "confirmCustomizationDetails",
    "digital access key": "digitalAccessKey",
    "digitaler zugangsschlüssel": "digitalAccessKey",
}
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


class MessageRefused(ValueError):
    """The message cannot go to Amazon as it is; the text says why (shown to the seller)."""


def message_type(subject: str, default: str) -> str:
    """The type the subject names (its name or label), else ``default``."""
    wanted = subject.strip()
    by_name = {name.lower(): name for name in (*TEXT_TYPES, *ATTACHMENT_TYPES)}
    return by_name.get(wanted.lower()) or LABELS.get(wanted.lower()) or default


def check(kind: str, text: str, allowed: list[str]) -> dict[str, str]:
    """The request body for ``kind``, or MessageRefused saying why Amazon would not take it."""
    if kind in ATTACHMENT_TYPES:
        raise MessageRefused(
            f"Amazon's {kind} message carries only uploaded attachments, which the hub does not "
            "send; send it in Seller Central"
        )
    if kind not in TEXT_TYPES:
        raise MessageRefused(f"{kind!r} is not a message type of Amazon's Messaging API")
    if kind not in allowed:
        offered = ", ".join(a for a in allowed if a in TEXT_TYPES) or "none with text"
        raise MessageRefused(f"Amazon does not allow a {kind} message for this order now (allowed: {offered})")
    body = text.strip()
    if not body:
        raise MessageRefused("the message has no text")
    if len(body) > TEXT_TYPES[kind]:
        raise MessageRefused(f"the text has {len(body)} characters; Amazon takes at most {TEXT_TYPES[kind]} for {kind}")
    if _HTML.search(body) or _EMAIL.search(body):
        raise MessageRefused("Amazon refuses HTML and e-mail addresses in buyer messages; remove them")
    return {"text": body}


def allowed_types(answer: dict) -> list[str]:
    """The names in ``_links.actions`` of a getMessagingActionsForOrder answer."""
    links = answer.get("_links") if isinstance(answer, dict) else None
    actions = links.get("actions") if isinstance(links, dict) else None
    names = []
    for action in actions or []:
        if isinstance(action, dict):  # LinkObject: href required, name optional
            name = action.get("name") or str(action.get("href") or "").split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
            if name:
                names.append(str(name))
    return names
