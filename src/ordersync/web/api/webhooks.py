"""/api/v1/webhooks: integrators subscribe to events; every delivery and attempt can be inspected.

The secret signs every delivery (docs/api.md, "Verifying a webhook"); it is returned once, when the
subscription is made or the secret is replaced, and never again.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query
from pydantic import ConfigDict, Field

from ...accounts import UserInfo
from ...notify import EVENT_TYPES
from ...notify import subscriptions as subs
from ...notify.delivery import RETRY_DELAYS
from ...readmodel.shapes import ts
from ...sync.hub import Hub
from .auth import Auth
from .common import MAX_PAGE, MAX_PAGE_SIZE, ApiBody, Id, paged, result
from .errors import ApiRoute, not_found


class WebHookCreate(ApiBody):
    model_config = ConfigDict(extra="forbid")
    WebHookUri: str = Field(min_length=1, max_length=2000, description="http(s) URL that receives the POSTs")
    Filters: list[str] = Field(min_length=1, description=f"events: {', '.join(EVENT_TYPES)}, or *")
    Description: str = Field("", max_length=200)
    Secret: str | None = Field(
        None,
        min_length=16,
        max_length=200,
        description="the signing secret (whsec_<base64>, or 16+ characters); "
        "generated in the Standard Webhooks whsec_ form when left out",
    )
    IsPaused: bool = False


class WebHookUpdate(ApiBody):
    model_config = ConfigDict(extra="forbid")
    WebHookUri: str | None = Field(None, min_length=1, max_length=2000)
    Filters: list[str] | None = Field(None, min_length=1)
    Description: str | None = Field(None, max_length=200)
    Secret: str | None = Field(None, min_length=16, max_length=200, description="replaces the signing secret")
    IsPaused: bool | None = None


def _json(info: subs.SubscriptionInfo) -> dict:
    out = {
        "Id": info.id,
        "WebHookUri": info.url,
        "Filters": info.events,
        "Description": info.description,
        "IsPaused": not info.active,
        "CreatedAt": ts(info.created_at),
        "UpdatedAt": ts(info.updated_at),
    }
    if info.secret:
        out["Secret"] = info.secret
    return out


def _delivery_json(d: subs.DeliveryInfo) -> dict:
    out = {
        "Id": d.id,
        "WebHookId": d.subscription_id,
        "EventId": d.event_id,
        "EventType": d.event_type,
        "Status": d.status,
        "Attempts": d.attempts,
        "NextAttemptAt": ts(d.next_attempt_at),
        "LastError": d.last_error,
        "CreatedAt": ts(d.created_at),
        "DeliveredAt": ts(d.delivered_at),
    }
    if d.attempt_log is not None:
        out["Body"] = d.body
        out["AttemptLog"] = [
            {
                "Id": a.id,
                "At": ts(a.at),
                "Ok": a.ok,
                "StatusCode": a.status_code,
                "DurationMs": a.duration_ms,
                "Error": a.error,
                "NextAttemptAt": ts(a.next_attempt_at),
            }
            for a in d.attempt_log
        ]
    return out


def router(hub: Hub, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1/webhooks", tags=["Webhooks"], route_class=ApiRoute)

    def own(user: UserInfo, sub_id: int) -> subs.SubscriptionInfo:
        try:
            return subs.get(hub, user.account_id, sub_id)
        except LookupError:
            raise not_found("webhook", sub_id) from None

    @r.get("/filters", summary="The events one can subscribe to, and the retry schedule")
    def filters(user: UserInfo = Depends(auth.user)) -> dict:
        return result({"Filters": list(EVENT_TYPES), "RetryDelaysSeconds": list(RETRY_DELAYS)})

    @r.get("", summary="The account's webhook subscriptions")
    def list_webhooks(user: UserInfo = Depends(auth.user)) -> list[dict]:
        return [_json(x) for x in subs.list_subscriptions(hub, user.account_id)]

    @r.post("", status_code=201, summary="Subscribe; the answer holds the signing secret, shown this once")
    def create(body: WebHookCreate, user: UserInfo = Depends(auth.writer)) -> dict:
        return _json(
            subs.create(
                hub,
                user.account_id,
                body.WebHookUri,
                body.Filters,
                description=body.Description,
                secret=body.Secret,
                active=not body.IsPaused,
            )
        )

    @r.get("/{id}", summary="One subscription")
    def get_webhook(id: Id, user: UserInfo = Depends(auth.user)) -> dict:
        return _json(own(user, id))

    @r.put("/{id}", summary="Change a subscription (fields left out stay as they are)")
    def update_webhook(id: Id, body: WebHookUpdate, user: UserInfo = Depends(auth.writer)) -> dict:
        own(user, id)
        return _json(
            subs.update(
                hub,
                user.account_id,
                id,
                url=body.WebHookUri,
                events=body.Filters,
                description=body.Description,
                secret=body.Secret,
                active=None if body.IsPaused is None else not body.IsPaused,
            )
        )

    @r.delete("/{id}", summary="Delete a subscription and its delivery log")
    def delete_webhook(id: Id, user: UserInfo = Depends(auth.writer)) -> dict:
        own(user, id)
        subs.delete(hub, user.account_id, id)
        return result({"Id": id, "Deleted": True})

    @r.get("/{id}/deliveries", summary="Deliveries, newest first, with their status and attempt count")
    def deliveries(
        id: Id,
        user: UserInfo = Depends(auth.user),
        status: Literal["pending", "sending", "done", "dead"] | None = Query(None),
        page: int = Query(1, ge=1, le=MAX_PAGE),
        pageSize: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
    ) -> dict:
        own(user, id)
        rows, total = subs.deliveries(hub, user.account_id, id, status=status, page=page, page_size=pageSize)
        return paged([_delivery_json(d) for d in rows], page=page, page_size=pageSize, total=total)

    @r.get("/{id}/deliveries/{deliveryId}", summary="One delivery with its body and every attempt")
    def delivery(id: Id, deliveryId: Id, user: UserInfo = Depends(auth.user)) -> dict:
        own(user, id)
        try:
            return result(_delivery_json(subs.delivery(hub, user.account_id, id, deliveryId)))
        except LookupError:
            raise not_found("delivery", deliveryId) from None

    @r.post("/{id}/deliveries/{deliveryId}/redeliver", summary="Send a delivery again now (e.g. a dead one)")
    def redeliver(id: Id, deliveryId: Id, user: UserInfo = Depends(auth.writer)) -> dict:
        own(user, id)
        try:
            return result(_delivery_json(subs.redeliver(hub, user.account_id, id, deliveryId)))
        except LookupError:
            raise not_found("delivery", deliveryId) from None

    return r
