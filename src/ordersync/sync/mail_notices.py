"""Mail to the buyer through the outbox: messages, status and tracking notices on channels without an API.

Engine work (it writes outbox entries beside the order's change), so it lives in sync/ and uses mail/ for
composing and sending; mail/ never imports the engine.

The mail is rendered when the seller acts (a template error is reported to them at once) and written as an
outbox entry of kind ``mail`` in the same transaction as the change, so it inherits the outbox's rules:
sent after the order's earlier effects, retried with backoff, dead-lettered and retryable. SMTP itself is
at-least-once: a crash between the server's "250 OK" and our commit sends the mail again, with the same
Message-ID, which mail clients use to drop the duplicate.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..channels.sdk.errors import PermanentError
from ..channels.sdk.records import PushResult
from ..domain import OrderState
from ..domain.timeutil import utcnow
from ..hub import Hub, HubError
from ..mail import compose, smtp, templates
from ..store.models import OrderRow
from ..store.models_messaging import ConnectionMailSettings
from . import connections
from .outbox import enqueue

KIND = "mail"
#: states a buyer hears about by mail when notices are on (not internal ones such as archived or deleted)
NOTICE_STATES = frozenset(
    {
        OrderState.CONFIRMED,
        OrderState.PAID,
        OrderState.PACKED,
        OrderState.SHIPPED,
        OrderState.CANCELLED,
        OrderState.RECLAMATION,
        OrderState.RETURNED,
        OrderState.DEMAND_NOTE_1,
        OrderState.DEMAND_NOTE_2,
        OrderState.PAYMENT_REMINDER,
    }
)


def language_for(s: Session, config: smtp.SmtpConfig, connection_id: int | None) -> str:
    override = s.get(ConnectionMailSettings, connection_id) if connection_id else None
    return (override.language if override and override.language else None) or config.language


def notify_enabled(s: Session, hub: Hub, account_id: int, connection_id: int | None) -> bool:
    """Whether status/tracking notices go to the buyer by mail: the connection's setting, else the account's."""
    override = s.get(ConnectionMailSettings, connection_id) if connection_id else None
    if override is not None and override.notify_buyer_by_mail is not None:
        return override.notify_buyer_by_mail and smtp.load(hub, s, account_id) is not None
    config = smtp.load(hub, s, account_id)
    return bool(config and config.notify_buyer_by_mail)


def queue(s: Session, hub: Hub, order: OrderRow, kind: str, extra: dict[str, str] | None = None) -> str:
    """Render the ``kind`` template for the order's buyer and write the outbox entry. Returns the subject."""
    if order.connection_id is None:
        raise HubError(f"order {order.number}: its connection was removed, so nothing can be sent for it")
    if not order.buyer_email:
        raise HubError(f"order {order.number}: the buyer's e-mail address is unknown, so no mail can be sent")
    config = smtp.require(hub, s, order.account_id)
    language = language_for(s, config, order.connection_id)
    values = compose.order_values(s, order, language, config.from_name or config.from_address)
    values.update(extra or {})
    if kind == "message" and not values.get("subject"):
        values["subject"] = ("Ihre Bestellung " if language == "de" else "Your order ") + order.number
    subject, body = templates.get(s, order.account_id, kind, language).render(values)
    enqueue(
        s,
        account_id=order.account_id,
        connection_id=order.connection_id,
        kind=KIND,
        order_id=order.id,
        payload={
            "template": kind,
            "to": order.buyer_email,
            "subject": subject,
            "body": body,
            "language": language,
            "message_id": compose.new_message_id(config),
        },
    )
    return subject


def deliver(hub: Hub, account_id: int, payload: dict) -> PushResult:
    """Send one outbox mail (called by the dispatcher, outside any open session)."""
    with hub.db.session() as s:
        config = smtp.load(hub, s, account_id)
    if config is None:
        raise PermanentError("no SMTP server is set up for this account; set one with `ordersync mail smtp set`")
    message = compose.build(
        config,
        to=payload["to"],
        subject=payload["subject"],
        body=payload["body"],
        language=payload.get("language", config.language),
        message_id=payload["message_id"],
    )
    smtp.send(config, message)
    return PushResult(ok=True, remote_id=payload["message_id"], detail=f"mailed to {payload['to']}")


def history_params(payload: dict) -> dict:
    """The parameters of the history line a sent mail leaves (kind ``mail_sent``)."""
    return {
        "mail": payload.get("template", "mail"),
        "to": payload["to"],
        "subject": payload["subject"],
        "message_id": payload.get("message_id", ""),
    }


def set_connection_options(
    hub: Hub, connection: str, *, notify_buyer_by_mail: bool | None, language: str | None, account: str | None = None
) -> None:
    """Override the account's notice setting or language for one connection (None = use the account's)."""
    if language is not None and language not in templates.LANGUAGES:
        raise HubError(f"language {language!r}: use de or en")
    with hub.db.session() as s:
        conn = connections.find(s, hub, connection, account)
        row = s.get(ConnectionMailSettings, conn.id)
        if row is None:
            row = ConnectionMailSettings(connection_id=conn.id)
            s.add(row)
        row.notify_buyer_by_mail, row.language, row.updated_at = notify_buyer_by_mail, language, utcnow()
