"""Integrators' webhook subscriptions, always within one account.

The signing secret is generated in the Standard Webhooks ``whsec_`` form (or given by the integrator), shown once when the subscription is made
and stored sealed with the hub's secret box. A new subscription starts after the newest event: it gets
what happens from now on, not the hub's whole history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select

from .. import signing
from ..channels.sdk.urlguard import UrlRefused, refuse_private_literal
from ..domain.timeutil import utcnow
from ..hub import Hub, HubError
from ..store.models import OrderEvent, StockMovement
from ..store.models_accounts import (
    WebhookAttemptOut,
    WebhookDeliveryOut,
    WebhookSubscription,
)
from .events import parse_types


@dataclass
class SubscriptionInfo:
    id: int
    url: str
    events: list[str]
    description: str
    active: bool
    created_at: datetime
    updated_at: datetime
    secret: str | None = None  # only right after creation or when rotated


@dataclass
class AttemptInfo:
    id: int
    at: datetime
    ok: bool
    status_code: int | None
    duration_ms: int
    error: str | None
    next_attempt_at: datetime | None


@dataclass
class DeliveryInfo:
    id: int
    subscription_id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    body: str | None = None
    attempt_log: list[AttemptInfo] | None = None


def check_url(url: str) -> str:
    value = (url or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HubError(f"{url!r} is not an http(s) URL")
    if parts.username or parts.password:
        raise HubError("the webhook URL must not contain a user name or password; use the signature instead")
    try:
        refuse_private_literal(value)
    except UrlRefused as exc:
        raise HubError(f"WebHookUri {exc}") from None
    return value


def _check_secret(secret: str) -> str:
    if len(secret) < 16 or len(secret) > 200:
        raise HubError("the secret must be 16 to 200 characters long")
    try:
        return signing.check_secret(secret)
    except ValueError as exc:
        raise HubError(f"Secret: {exc}") from None


def _info(row: WebhookSubscription, secret: str | None = None) -> SubscriptionInfo:
    return SubscriptionInfo(
        row.id, row.url, row.events.split(","), row.description, row.active, row.created_at, row.updated_at, secret
    )


def _types(events) -> list[str]:
    try:
        return parse_types(events)
    except ValueError as exc:
        raise HubError(str(exc)) from None


def create(
    hub: Hub,
    account_id: int,
    url: str,
    events,
    *,
    description: str = "",
    secret: str | None = None,
    active: bool = True,
) -> SubscriptionInfo:
    url = check_url(url)
    types = _types(events)
    secret = _check_secret(secret) if secret else signing.new_secret()
    now = utcnow()
    with hub.db.session() as s:
        row = WebhookSubscription(
            account_id=account_id,
            url=url,
            events=",".join(types),
            secret=hub.secrets.seal({"secret": secret}),
            description=(description or "")[:200],
            active=active,
            order_event_cursor=s.scalar(select(func.max(OrderEvent.id))) or 0,
            stock_movement_cursor=s.scalar(select(func.max(StockMovement.id))) or 0,
            created_at=now,
            updated_at=now,
        )
        s.add(row)
        s.flush()
        return _info(row, secret)


def _own(s, account_id: int, sub_id: int) -> WebhookSubscription:
    row = s.get(WebhookSubscription, sub_id)
    if row is None or row.account_id != account_id:
        raise LookupError(f"no webhook subscription with id {sub_id}")
    return row


def list_subscriptions(hub: Hub, account_id: int) -> list[SubscriptionInfo]:
    with hub.db.session() as s:
        return [
            _info(r)
            for r in s.scalars(
                select(WebhookSubscription)
                .where(WebhookSubscription.account_id == account_id)
                .order_by(WebhookSubscription.id)
            )
        ]


def get(hub: Hub, account_id: int, sub_id: int) -> SubscriptionInfo:
    """Raises LookupError when the subscription is not this account's."""
    with hub.db.session() as s:
        return _info(_own(s, account_id, sub_id))


def update(
    hub: Hub,
    account_id: int,
    sub_id: int,
    *,
    url: str | None = None,
    events=None,
    description: str | None = None,
    active: bool | None = None,
    secret: str | None = None,
) -> SubscriptionInfo:
    url = check_url(url) if url is not None else None
    types = _types(events) if events is not None else None
    secret = _check_secret(secret) if secret else None
    with hub.db.session() as s:
        row = _own(s, account_id, sub_id)
        if url is not None:
            row.url = url
        if types is not None:
            row.events = ",".join(types)
        if description is not None:
            row.description = description[:200]
        if active is not None:
            row.active = active
        if secret:
            row.secret = hub.secrets.seal({"secret": secret})
        row.updated_at = utcnow()
        return _info(row, secret)


def delete(hub: Hub, account_id: int, sub_id: int) -> None:
    with hub.db.session() as s:
        s.delete(_own(s, account_id, sub_id))


def _delivery(d: WebhookDeliveryOut) -> DeliveryInfo:
    return DeliveryInfo(
        d.id,
        d.subscription_id,
        d.event_id,
        d.event_type,
        d.status,
        d.attempts,
        d.next_attempt_at if d.status == "pending" else None,
        d.last_error,
        d.created_at,
        d.delivered_at,
    )


def deliveries(
    hub: Hub, account_id: int, sub_id: int, *, status: str | None = None, page: int = 1, page_size: int = 50
) -> tuple[list[DeliveryInfo], int]:
    with hub.db.session() as s:
        _own(s, account_id, sub_id)
        conds = [WebhookDeliveryOut.subscription_id == sub_id]
        if status:
            conds.append(WebhookDeliveryOut.status == status)
        total = s.scalar(select(func.count()).select_from(WebhookDeliveryOut).where(*conds)) or 0
        rows = s.scalars(
            select(WebhookDeliveryOut)
            .where(*conds)
            .order_by(WebhookDeliveryOut.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
        return [_delivery(d) for d in rows], total


def delivery(hub: Hub, account_id: int, sub_id: int, delivery_id: int) -> DeliveryInfo:
    """One delivery with its body and every attempt; LookupError when it is not this account's."""
    with hub.db.session() as s:
        _own(s, account_id, sub_id)
        d = s.get(WebhookDeliveryOut, delivery_id)
        if d is None or d.subscription_id != sub_id:
            raise LookupError(f"no delivery with id {delivery_id}")
        info = _delivery(d)
        info.body = d.body
        info.attempt_log = [
            AttemptInfo(a.id, a.at, a.ok, a.status_code, a.duration_ms, a.error, a.next_attempt_at)
            for a in s.scalars(
                select(WebhookAttemptOut).where(WebhookAttemptOut.delivery_id == d.id).order_by(WebhookAttemptOut.id)
            )
        ]
        return info


def redeliver(hub: Hub, account_id: int, sub_id: int, delivery_id: int) -> DeliveryInfo:
    """Queue a delivery again now (a dead letter after the receiver was fixed, or a test)."""
    with hub.db.session() as s:
        _own(s, account_id, sub_id)
        d = s.get(WebhookDeliveryOut, delivery_id)
        if d is None or d.subscription_id != sub_id:
            raise LookupError(f"no delivery with id {delivery_id}")
        if d.status == "sending":
            raise HubError("this delivery is being sent right now")
        d.status, d.next_attempt_at, d.lease_until, d.attempts = "pending", utcnow(), None, 0
        return _delivery(d)
