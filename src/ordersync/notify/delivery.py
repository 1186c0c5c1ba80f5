"""Sending deliveries: signed, retried with exponential backoff, every attempt recorded.

A delivery is claimed (pending → sending, with a lease) before it is sent, so two workers never send it at
once, and one whose worker died is sent again after the lease. A 2xx answer settles it; anything else (or
no answer within ``TIMEOUT``) schedules the next attempt after ``RETRY_DELAYS[n]`` seconds, or the
receiver's ``Retry-After`` when that is longer; after the last one the delivery is dead (an integrator can
queue it again through the API). 410 Gone means the receiver is gone: the delivery is dead at once.
Redirects are not followed: the signature is for the configured URL. Every POST goes through the SDK's
URL guard (no delivery into the hub's own network unless the operator allows it), and an attempt records
the receiver's status code, never its answer's body: the delivery log must not let an integrator read
what a service answered.
"""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
from sqlalchemy import and_, delete, or_, select, update

from .. import signing
from ..channels.sdk.errors import ChannelError
from ..channels.sdk.retry import parse_retry_after
from ..channels.sdk.urlguard import default_policy, guarded_client
from ..domain.timeutil import utcnow
from ..hub import Hub
from ..store.models_accounts import (
    WebhookAttemptOut,
    WebhookDeliveryOut,
    WebhookSubscription,
)
from .fanout import fan_out

#: seconds to wait after failed attempt 1, 2, ...; the delivery is dead after len(RETRY_DELAYS) + 1 attempts
RETRY_DELAYS = (15, 60, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200)
TIMEOUT = 10.0
LEASE = timedelta(minutes=2)
BATCH = 100
USER_AGENT = "ordersync-webhooks/1"
KEEP_DONE = timedelta(days=30)
EVENT_HEADER = "X-Ordersync-Event"
EVENT_ID_HEADER = "X-Ordersync-Event-Id"
DELIVERY_HEADER = "X-Ordersync-Delivery"


def message_id(event_id: str) -> str:
    """The ``webhook-id``: the event's id, so every retry (and every subscriber) sees the same one."""
    return f"evt_{event_id}"


def retry_delay(attempts: int, retry_after: float | None = None) -> float | None:
    """Seconds until the next attempt after ``attempts`` failed ones; None when there is none left."""
    if attempts > len(RETRY_DELAYS):
        return None
    return max(float(RETRY_DELAYS[attempts - 1]), min(retry_after or 0.0, float(RETRY_DELAYS[-1])))


def _claim(hub: Hub, now) -> list[tuple[int, str, str, str, str, str]]:
    """(delivery id, url, secret, event type, event id, body) of due deliveries, claimed by this worker."""
    with hub.db.session() as s:
        rows = s.execute(
            select(WebhookDeliveryOut, WebhookSubscription)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDeliveryOut.subscription_id)
            .where(
                WebhookSubscription.active.is_(True),
                or_(
                    and_(WebhookDeliveryOut.status == "pending", WebhookDeliveryOut.next_attempt_at <= now),
                    and_(WebhookDeliveryOut.status == "sending", WebhookDeliveryOut.lease_until < now),
                ),
            )
            .order_by(WebhookDeliveryOut.id)
            .limit(BATCH)
        ).all()
        claimed = []
        for d, sub in rows:
            won = s.execute(
                update(WebhookDeliveryOut)  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                .where(
                    WebhookDeliveryOut.id == d.id,
                    WebhookDeliveryOut.status == d.status,
                    WebhookDeliveryOut.attempts == d.attempts,
                )
                .values(status="sending", lease_until=now + LEASE)
            ).rowcount
            if won:
                claimed.append(
                    (d.id, sub.url, hub.secrets.open(sub.secret)["secret"], d.event_type, d.event_id, d.body)
                )
        return claimed


def _send(
    client: httpx.Client, delivery_id: int, url: str, secret: str, event_type: str, event_id: str, body: str
) -> tuple[int | None, str | None, float | None]:
    raw = body.encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: event_type,
        EVENT_ID_HEADER: event_id,
        DELIVERY_HEADER: str(delivery_id),
        **signing.headers(secret, message_id(event_id), raw, legacy="body"),
    }
    try:
        response = client.post(url, content=raw, headers=headers)
    except (httpx.HTTPError, ChannelError) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:500] or type(exc).__name__, None
    if 200 <= response.status_code < 300:
        return response.status_code, None, None
    error = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    return response.status_code, error, parse_retry_after(response.headers.get("retry-after"))


def _settle(
    hub: Hub, delivery_id: int, status_code: int | None, error: str | None, retry_after: float | None, duration_ms: int
) -> bool:
    now = utcnow()
    with hub.db.session() as s:
        d = s.get_one(WebhookDeliveryOut, delivery_id)
        d.attempts += 1
        d.lease_until = None
        next_at = None
        if error is None:
            d.status, d.delivered_at, d.last_error = "done", now, None
        else:
            delay = None if status_code == 410 else retry_delay(d.attempts, retry_after)
            d.last_error = error
            if delay is None:
                d.status = "dead"
            else:
                d.status, next_at = "pending", now + timedelta(seconds=delay)
                d.next_attempt_at = next_at
        s.add(
            WebhookAttemptOut(
                delivery_id=delivery_id,
                at=now,
                ok=error is None,
                status_code=status_code,
                duration_ms=duration_ms,
                error=error,
                next_attempt_at=next_at,
            )
        )
    return error is None


def deliver_due(hub: Hub) -> int:
    """Fan out new events, then send every due delivery once. Returns how many were sent successfully.

    The scheduler calls this every few seconds; it is safe to run in several processes at once."""
    fan_out(hub)
    prune(hub)
    client = guarded_client(default_policy(timeout=TIMEOUT))  # always guarded: no client can be passed in
    delivered = 0
    try:
        while True:
            batch = _claim(hub, utcnow())
            for delivery_id, url, secret, event_type, event_id, body in batch:
                started = time.monotonic()
                status_code, error, retry_after = _send(client, delivery_id, url, secret, event_type, event_id, body)
                delivered += _settle(
                    hub, delivery_id, status_code, error, retry_after, int((time.monotonic() - started) * 1000)
                )
            if len(batch) < BATCH:
                return delivered
    finally:
        client.close()


def prune(hub: Hub, keep: timedelta = KEEP_DONE) -> int:
    """Forget delivered events after ``keep`` (their attempts go with them); dead ones stay until handled."""
    with hub.db.session() as s:
        return s.execute(
            delete(WebhookDeliveryOut).where(
                WebhookDeliveryOut.status == "done",  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                WebhookDeliveryOut.delivered_at < utcnow() - keep,
            )
        ).rowcount


def has_due(hub: Hub) -> bool:
    """Whether a delivery waits (for a scheduler that only wakes a worker when there is work)."""
    with hub.db.session() as s:
        return (
            s.scalar(
                select(WebhookDeliveryOut.id)
                .where(WebhookDeliveryOut.status == "pending", WebhookDeliveryOut.next_attempt_at <= utcnow())
                .limit(1)
            )
            is not None
        )
