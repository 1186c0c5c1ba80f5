"""Mail templates: built-in German and English defaults that a seller may override per account and kind.

Placeholders are written ``{order_number}``; a literal brace is doubled (``{{``). Rendering knows the exact
set of placeholders and refuses anything else with the name and where it stood, so a typo in a template
fails when the seller saves it, not silently in a buyer's inbox.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.timeutil import utcnow
from ..store.models_messaging import MailTemplate

KINDS = ("message", "state", "tracking", "forward")
LANGUAGES = ("de", "en")

#: every placeholder a template may use, with what it stands for (shown by `ordersync mail templates list`)
PLACEHOLDERS: dict[str, str] = {
    "order_number": "the order number the buyer knows",
    "order_date": "the order date in the seller's time zone (DD.MM.YYYY in German, DD/MM/YYYY in English)",
    "buyer_name": "the buyer's name (invoice address)",
    "buyer_email": "the buyer's e-mail address",
    "items": "one line per item: quantity × title (SKU)",
    "total": "the order total with its currency, as the language writes it (1.234,56 € / €1,234.56)",
    "shipping_address": "the shipping address, one line",
    "state": "the order's state in the template's language",
    "carrier": "the carrier of the newest shipment",
    "tracking_number": "the tracking number of the newest shipment",
    "tracking_url": "the tracking URL of the newest shipment (may be empty)",
    "shop": "the name of the connection (the shop) the order came from",
    "channel": "the channel's system, e.g. woocommerce",
    "seller": "the sender name from the SMTP settings",
    "subject": "the subject the seller typed (messages only)",
    "message": "the text the seller typed (messages only)",
    "target": "the name of the forwarding target (forwards only)",
}

_DEFAULTS: dict[tuple[str, str], tuple[str, str]] = {
    ("message", "de"): (
        "{subject}",
        "Hallo {buyer_name},\n\n{message}\n\nViele Grüße\n{seller}\n\nIhre Bestellung {order_number} bei {shop}",
    ),
    ("message", "en"): (
        "{subject}",
        "Hello {buyer_name},\n\n{message}\n\nKind regards\n{seller}\n\nYour order {order_number} at {shop}",
    ),
    ("state", "de"): (
        "Ihre Bestellung {order_number}: {state}",
        "Hallo {buyer_name},\n\nder Status Ihrer Bestellung {order_number} vom {order_date} "
        "ist jetzt: {state}.\n\n{items}\n\nViele Grüße\n{seller}",
    ),
    ("state", "en"): (
        "Your order {order_number}: {state}",
        "Hello {buyer_name},\n\nyour order {order_number} of {order_date} is now: {state}.\n\n"
        "{items}\n\nKind regards\n{seller}",
    ),
    ("tracking", "de"): (
        "Ihre Bestellung {order_number} ist unterwegs",
        "Hallo {buyer_name},\n\nIhre Bestellung {order_number} wurde mit {carrier} "
        "verschickt.\nSendungsnummer: {tracking_number}\n{tracking_url}\n\n{items}\n\n"
        "Viele Grüße\n{seller}",
    ),
    ("tracking", "en"): (
        "Your order {order_number} is on its way",
        "Hello {buyer_name},\n\nyour order {order_number} has been shipped with {carrier}.\n"
        "Tracking number: {tracking_number}\n{tracking_url}\n\n{items}\n\nKind regards\n{seller}",
    ),
    ("forward", "de"): (
        "Bestellung {order_number} von {shop}",
        "Guten Tag,\n\nbitte liefern Sie die folgende Bestellung aus:\n\nBestellung "
        "{order_number} vom {order_date}\nLieferadresse: {shipping_address}\n\n{items}\n\n"
        "Die Bestellung liegt als CSV und PDF bei.\n\nViele Grüße\n{seller}",
    ),
    ("forward", "en"): (
        "Order {order_number} from {shop}",
        "Hello,\n\nplease fulfil the following order:\n\nOrder {order_number} of {order_date}\n"
        "Ship to: {shipping_address}\n\n{items}\n\nThe order is attached as CSV and PDF.\n\n"
        "Kind regards\n{seller}",
    ),
}


class TemplateError(ValueError):
    """A template uses a placeholder we do not know, or is malformed."""


@dataclass(frozen=True)
class Template:
    kind: str
    language: str
    subject: str
    body: str
    custom: bool

    def render(self, values: dict[str, str]) -> tuple[str, str]:
        where = f"{self.kind} template ({self.language})"
        subject = render(self.subject, values, f"{where}, subject")
        return " ".join(subject.split()), render(self.body, values, f"{where}, body")


def check_kind_language(kind: str, language: str) -> None:
    if kind not in KINDS:
        raise TemplateError(f"unknown template kind {kind!r}; use one of {', '.join(KINDS)}")
    if language not in LANGUAGES:
        raise TemplateError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")


def fields_of(text: str, where: str) -> list[str]:
    """The placeholders in ``text``; raises on malformed braces, attribute access or format specs."""
    names = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise TemplateError(f"{where}: {exc} (write a literal brace as {{{{ or }}}})") from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            raise TemplateError(
                f"{where}: unknown placeholder {{{name}}}; known are: " + ", ".join(sorted(PLACEHOLDERS))
            )
        if spec or conversion:
            raise TemplateError(f"{where}: placeholder {{{name}}} takes no format or conversion")
        names.append(name)
    return names


def render(text: str, values: dict[str, str], where: str = "template") -> str:
    fields_of(text, where)
    return text.format_map({k: values.get(k, "") for k in PLACEHOLDERS})


def default(kind: str, language: str) -> Template:
    check_kind_language(kind, language)
    subject, body = _DEFAULTS[(kind, language)]
    return Template(kind, language, subject, body, custom=False)


def get(s: Session, account_id: int, kind: str, language: str) -> Template:
    check_kind_language(kind, language)
    row = s.scalar(
        select(MailTemplate).where(
            MailTemplate.account_id == account_id, MailTemplate.kind == kind, MailTemplate.language == language
        )
    )
    if row is None:
        return default(kind, language)
    return Template(kind, language, row.subject, row.body, custom=True)


def put(s: Session, account_id: int, kind: str, language: str, subject: str | None, body: str | None) -> Template:
    """Override (or, with neither subject nor body, reset to the default) after checking the placeholders."""
    check_kind_language(kind, language)
    row = s.scalar(
        select(MailTemplate).where(
            MailTemplate.account_id == account_id, MailTemplate.kind == kind, MailTemplate.language == language
        )
    )
    if subject is None and body is None:
        if row is not None:
            s.delete(row)
        return default(kind, language)
    current = get(s, account_id, kind, language)
    subject = current.subject if subject is None else subject
    body = current.body if body is None else body
    fields_of(subject, f"{kind} template ({language}), subject")
    fields_of(body, f"{kind} template ({language}), body")
    if not subject.strip() or not body.strip():
        raise TemplateError(f"{kind} template ({language}): subject and body must not be empty")
    if row is None:
        row = MailTemplate(account_id=account_id, kind=kind, language=language)
        s.add(row)
    row.subject, row.body, row.updated_at = subject, body, utcnow()
    return Template(kind, language, subject, body, custom=True)


def all_templates(s: Session, account_id: int) -> list[Template]:
    return [get(s, account_id, k, lang) for k in KINDS for lang in LANGUAGES]
