"""/api/v1/shipments (and Billbee's path /api/v1/shipment/shipments): shipments of the account's orders."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from ... import readmodel
from ...accounts import UserInfo
from ...readmodel.shapes import shipment_json
from ...sync.hub import Hub
from .auth import Auth
from .common import MAX_ID, MAX_PAGE, MAX_PAGE_SIZE, paged, when
from .errors import ApiRoute


def router(hub: Hub, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1", tags=["Shipments"], route_class=ApiRoute)

    def list_shipments(
        user: UserInfo = Depends(auth.user),
        createdAtMin: str | None = Query(None, description="ISO 8601 with offset"),
        createdAtMax: str | None = Query(None),
        orderId: int | None = Query(None, ge=1, le=MAX_ID),
        minimumShipmentId: int | None = Query(None, ge=1, le=MAX_ID),
        page: int = Query(1, ge=1, le=MAX_PAGE),
        pageSize: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
    ) -> dict:
        p = readmodel.list_shipments(
            hub,
            user.account_id,
            order_id=orderId,
            created_from=when(createdAtMin, "createdAtMin"),
            created_to=when(createdAtMax, "createdAtMax"),
            min_id=minimumShipmentId,
            page=page,
            page_size=pageSize,
        )
        return paged(
            [shipment_json(x, x.order_id, x.order_number) for x in p.rows], page=page, page_size=pageSize, total=p.total
        )

    r.add_api_route("/shipments", list_shipments, methods=["GET"], summary="Shipments, newest first")
    r.add_api_route(
        "/shipment/shipments",
        list_shipments,
        methods=["GET"],
        summary="The same, at Billbee's path",
        operation_id="list_shipments_billbee_path",
    )
    return r
