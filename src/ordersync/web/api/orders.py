"""/api/v1/orders: list, get, change state, add a shipment, send a message, tags.

Changes go through ``sync.actions`` (they write the channel's outbox entries in the same transaction) after
the order is found within the caller's account; an order of another account is "not found".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query
from pydantic import ConfigDict, Field, field_validator
from sqlalchemy import or_, select

from ... import readmodel
from ...accounts import UserInfo
from ...domain import OrderState
from ...domain.links import link_problem
from ...readmodel.shapes import order_detail_json, order_summary_json, shipment_json
from ...store.models import OrderRow
from ...sync import acknowledgements, actions, fulfilment
from ...sync.hub import Hub
from .auth import Auth
from .common import MAX_ID, MAX_PAGE, MAX_PAGE_SIZE, ApiBody, Id, paged, result, when
from .errors import ApiError, ApiRoute, not_found


class OrderStateUpdate(ApiBody):
    model_config = ConfigDict(extra="forbid")
    NewStateId: int = Field(
        ge=1, le=18, description="the order state id (1-17 Billbee's numbering, 18 partially shipped)"
    )
    Comment: str = Field("", max_length=2000, description="passed to the channel where it takes one")


class LineQuantity(ApiBody):
    model_config = ConfigDict(extra="forbid")
    TransactionId: str = Field(
        min_length=1, max_length=100, description="the order line (OrderItems[].TransactionId) or its SKU"
    )
    Quantity: Decimal = Field(gt=0, le=1_000_000, description="how many of the line")


class CancelLines(ApiBody):
    model_config = ConfigDict(extra="forbid")
    Lines: list[LineQuantity] = Field(min_length=1, max_length=500)
    Reason: str = Field("", max_length=2000, description="why, shown in the order's history")


class Acknowledge(ApiBody):
    model_config = ConfigDict(extra="forbid")
    Accept: bool = Field(description="true accepts the order, false rejects it")
    Reason: str = Field("", max_length=500, description="required for a rejection")


class AddShipment(ApiBody):
    model_config = ConfigDict(extra="forbid")
    Lines: list[LineQuantity] = Field(
        [],
        max_length=500,
        description="the lines and quantities this parcel ships; none: the whole order (what is still open of it)",
    )
    ShippingId: str = Field(min_length=1, max_length=100, description="the tracking number")
    Shipper: str = Field(min_length=1, max_length=100, description="the carrier, e.g. DHL")
    TrackingUrl: str = Field("", max_length=2000, description="an http(s) link to the carrier's tracking page")
    Comment: str = Field("", max_length=2000, description="accepted for Billbee compatibility; not stored")

    @field_validator("TrackingUrl")
    @classmethod
    def _http_only(cls, value: str) -> str:
        value = value.strip()
        if (problem := link_problem(value)) is not None:
            raise ValueError(problem)
        return value


MAX_SUBJECT, MAX_MESSAGE = 200, 10_000  # as the web UI's message form


class TranslatedText(ApiBody):
    Text: str = Field(max_length=MAX_MESSAGE)
    LanguageCode: str = Field("", max_length=10)


class SendMessage(ApiBody):
    model_config = ConfigDict(extra="forbid")
    Subject: str | list[TranslatedText] = Field("", max_length=MAX_SUBJECT)
    Body: str | list[TranslatedText] = Field(
        max_length=MAX_MESSAGE,
        description="the message (at most 10,000 characters); a string or Billbee's translated texts",
    )
    SendMode: int | None = Field(None, description="accepted for Billbee compatibility; the channel decides")
    AlternativeMail: str | None = Field(None, description="accepted for Billbee compatibility; not used")


class OrderTags(ApiBody):
    model_config = ConfigDict(extra="forbid")
    Tags: list[str] = Field(max_length=50)


def _text(value: str | list[TranslatedText]) -> str:
    return value if isinstance(value, str) else (value[0].Text if value else "")


def router(hub: Hub, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1/orders", tags=["Orders"], route_class=ApiRoute)

    def owned(user: UserInfo, order_id: int) -> readmodel.OrderDetail:
        detail = readmodel.get_order(hub, user.account_id, order_id)
        if detail is None:
            raise not_found("order", order_id)
        return detail

    @r.get("", summary="List orders, newest first, optionally filtered")
    def list_orders(
        user: UserInfo = Depends(auth.user),
        minOrderDate: str | None = Query(None, description="created at or after (ISO 8601 with offset)"),
        maxOrderDate: str | None = Query(None, description="created at or before"),
        modifiedAtMin: str | None = Query(None, description="changed in the hub at or after"),
        modifiedAtMax: str | None = Query(None, description="changed in the hub at or before"),
        orderStateId: Annotated[list[int], Query(description="state ids (repeatable)")] = [],  # noqa: B006
        shopId: Annotated[list[int], Query(description="connection ids (repeatable)")] = [],  # noqa: B006
        tag: str | None = Query(None, max_length=100),
        search: str | None = Query(None, max_length=200, description="number, external id, buyer, e-mail, SKU"),
        sort: str = Query("-created", description="created, modified, number, total or state; - descends"),
        page: int = Query(1, ge=1, le=MAX_PAGE),
        pageSize: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
    ) -> dict:
        for i, conn in enumerate(shopId):
            if not 1 <= conn <= MAX_ID:
                raise ApiError(
                    400,
                    "invalid_request",
                    f"query parameter shopId: {conn} is not a connection id (1 to {MAX_ID})",
                    field=f"shopId.{i}",
                    where="query",
                )
        for i, state in enumerate(orderStateId):
            if not 1 <= state <= 17:
                raise ApiError(
                    400,
                    "invalid_request",
                    f"query parameter orderStateId: {state} is not a state id (1-17)",
                    field=f"orderStateId.{i}",
                    where="query",
                )
        f = readmodel.OrderFilter(
            states=tuple(orderStateId),
            connection_ids=tuple(shopId),
            created_from=when(minOrderDate, "minOrderDate"),
            created_to=when(maxOrderDate, "maxOrderDate"),
            modified_from=when(modifiedAtMin, "modifiedAtMin"),
            modified_to=when(modifiedAtMax, "modifiedAtMax"),
            text=search or "",
            tag=tag or "",
        )
        if sort.lstrip("-+") not in readmodel.orders.SORT_KEYS:
            raise ApiError(
                400,
                "invalid_request",
                f"query parameter sort: unknown sort {sort!r}; use one of "
                f"{', '.join(readmodel.orders.SORT_KEYS)} (prefix - for descending)",
                field="sort",
                where="query",
            )
        result_page = readmodel.list_orders(hub, user.account_id, f, page=page, page_size=pageSize, sort=sort)
        return paged(
            [order_summary_json(o) for o in result_page.rows], page=page, page_size=pageSize, total=result_page.total
        )

    @r.get("/findbyextref/{extRef}", summary="One order by its number or id on the channel")
    def find_by_ext_ref(extRef: str, user: UserInfo = Depends(auth.user)) -> dict:
        with hub.db.session() as s:
            ids = s.scalars(
                select(OrderRow.id)
                .where(
                    OrderRow.account_id == user.account_id,
                    or_(OrderRow.number == extRef, OrderRow.external_id == extRef),
                )
                .limit(2)
            ).all()
        if not ids:
            raise ApiError(404, "not_found", f"no order with the number or external id {extRef!r}")
        if len(ids) > 1:
            raise ApiError(409, "ambiguous", f"{extRef!r} matches orders of several channels; use the id")
        return result(order_detail_json(owned(user, ids[0])))

    @r.get("/{id}", summary="One order with items, addresses, payments, shipments and history")
    def get_order(id: Id, user: UserInfo = Depends(auth.user)) -> dict:
        return result(order_detail_json(owned(user, id)))

    @r.put("/{id}/orderstate", summary="Change the order's state; the channel is updated by the outbox")
    def set_state(id: Id, body: OrderStateUpdate, user: UserInfo = Depends(auth.writer)) -> dict:
        owned(user, id)
        state = OrderState(body.NewStateId)
        changed = actions.set_state(hub, id, state, comment=body.Comment, account=user.account_name)
        return result({"BillBeeOrderId": id, "State": int(state), "StateName": state.name_en, "Changed": changed})

    @r.post("/{id}/shipment", status_code=201, summary="Add a shipment (carrier, tracking) and mark it shipped")
    def add_shipment(id: Id, body: AddShipment, user: UserInfo = Depends(auth.writer)) -> dict:
        owned(user, id)
        made = actions.ship(
            hub,
            id,
            carrier=body.Shipper,
            tracking_number=body.ShippingId,
            tracking_url=body.TrackingUrl,
            account=user.account_name,
            lines=[(x.TransactionId, x.Quantity) for x in body.Lines],
        )
        return result(shipment_json(next(x for x in owned(user, id).shipments if x.id == made)))

    @r.post(
        "/{id}/acknowledge",
        status_code=201,
        summary="Accept or reject the order towards a channel that requires it (once per order)",
    )
    def acknowledge(id: Id, body: Acknowledge, user: UserInfo = Depends(auth.writer)) -> dict:
        owned(user, id)
        if not acknowledgements.acknowledge(hub, id, accept=body.Accept, reason=body.Reason, account=user.account_name):
            raise ApiError(409, "conflict", f"order {id} was already acknowledged")
        return result(order_detail_json(owned(user, id))["Acknowledgement"])

    @r.post(
        "/{id}/line-cancellations",
        status_code=201,
        summary="Cancel quantities of single lines (they will not be shipped)",
    )
    def cancel_lines(id: Id, body: CancelLines, user: UserInfo = Depends(auth.writer)) -> dict:
        owned(user, id)
        rows = fulfilment.cancel_lines(
            hub, id, [(x.TransactionId, x.Quantity) for x in body.Lines], reason=body.Reason, account=user.account_name
        )
        made = {r.id for r in rows}
        return result([c for c in order_detail_json(owned(user, id))["LineCancellations"] if c["Id"] in made])

    @r.post("/{id}/send-message", summary="Send a message to the buyer (through the channel or by e-mail)")
    def send_message(id: Id, body: SendMessage, user: UserInfo = Depends(auth.writer)) -> dict:
        owned(user, id)
        text = _text(body.Body)
        if not text.strip():
            raise ApiError(400, "invalid_request", "body field Body: the message is empty", field="Body", where="body")
        actions.send_message(hub, id, subject=_text(body.Subject), text=text, account=user.account_name)
        return result({"BillBeeOrderId": id, "Sent": True})

    @r.get("/{id}/tags", summary="The order's tags")
    def get_tags(id: Id, user: UserInfo = Depends(auth.user)) -> dict:
        return result(owned(user, id).tags)

    @r.post("/{id}/tags", summary="Add tags (tags already there are kept)")
    def add_tags(id: Id, body: OrderTags, user: UserInfo = Depends(auth.writer)) -> dict:
        owned(user, id)
        return result(readmodel.set_tags(hub, user.account_id, id, body.Tags))

    @r.put("/{id}/tags", summary="Replace all tags")
    def replace_tags(id: Id, body: OrderTags = Body(), user: UserInfo = Depends(auth.writer)) -> dict:
        owned(user, id)
        return result(readmodel.set_tags(hub, user.account_id, id, body.Tags, replace=True))

    @r.delete("/{id}/tags/{tag}", summary="Remove one tag")
    def remove_tag(id: Id, tag: str, user: UserInfo = Depends(auth.writer)) -> dict:
        if tag not in owned(user, id).tags:
            raise ApiError(404, "not_found", f"order {id} has no tag {tag!r}")
        return result(readmodel.remove_tag(hub, user.account_id, id, tag))

    return r
