"""/api/v1/products: articles with their stock, and stock updates (absolute, as Billbee's updatestock).

A stock update goes through ``sync.stock.correct``: it records a movement with its reason and queues the
new availability for every channel listing the article, in one transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from fastapi import APIRouter, Body, Depends, Query
from pydantic import ConfigDict, Field

from ... import readmodel
from ...accounts import UserInfo
from ...readmodel.shapes import article_detail_json, article_summary_json, number
from ...sync import stock
from ...sync.hub import Hub, HubError
from .auth import Auth
from .common import MAX_ID, MAX_PAGE, MAX_PAGE_SIZE, ApiBody, paged, result
from .errors import ApiError, ApiRoute

MAX_QUANTITY = Decimal(1_000_000_000)  # far above any stock, far inside the amount column (NUMERIC(18, 4))


class UpdateStock(ApiBody):
    model_config = ConfigDict(extra="forbid")
    Sku: str = Field(min_length=1, max_length=100, description="the article's SKU")
    NewQuantity: Decimal = Field(
        ge=0, le=MAX_QUANTITY, description="the new absolute on-hand quantity (a whole number up to a billion)"
    )
    Reason: str = Field("", max_length=500)
    StockId: str | None = Field(None, max_length=50, description="the stock location (default: 'default')")
    BillbeeId: int | None = Field(None, description="when given, must be the id of the article with this SKU")
    OldQuantity: Decimal | None = Field(None, description="ignored, as in Billbee's API")
    DeltaQuantity: Decimal | None = Field(None, description="ignored, as in Billbee's API")
    ForceSendStockToShops: bool | None = Field(None, description="ignored: unchanged values are not re-sent")
    AutosubtractReservedAmount: bool | None = Field(None, description="ignored: reserved is always derived")


def router(hub: Hub, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1/products", tags=["Products"], route_class=ApiRoute)

    def update(user: UserInfo, body: UpdateStock, where: str) -> dict:
        article_id = readmodel.find_article(hub, user.account_id, body.Sku)
        if article_id is None:
            raise ApiError(
                404, "not_found", f"{where}Sku: no article with SKU {body.Sku!r}", field=f"{where}Sku", where="body"
            )
        if body.BillbeeId is not None and body.BillbeeId != article_id:
            raise ApiError(
                400,
                "invalid_request",
                f"{where}BillbeeId: {body.BillbeeId} is not the article with SKU {body.Sku!r}",
                field=f"{where}BillbeeId",
                where="body",
            )
        if body.NewQuantity != body.NewQuantity.to_integral_value():
            raise ApiError(
                400,
                "invalid_request",
                f"{where}NewQuantity: {body.NewQuantity} is not a whole number",
                field=f"{where}NewQuantity",
                where="body",
            )
        location = (body.StockId or "default").strip() or "default"
        before = readmodel.get_article(hub, user.account_id, article_id, movements=0)
        if before is None:  # removed since it was found by its SKU
            raise ApiError(
                404, "not_found", f"{where}Sku: no article with SKU {body.Sku!r}", field=f"{where}Sku", where="body"
            )
        old = next((x.on_hand for x in before.levels if x.location == location), Decimal(0))
        avail, queued = stock.correct(
            hub,
            body.Sku,
            "set",
            body.NewQuantity,
            reason=body.Reason or "API",
            location=location,
            account=user.account_name,
        )
        return {
            "SKU": body.Sku,
            "OldStock": number(old),
            "CurrentStock": number(avail.on_hand),
            "UnfulfilledAmount": number(avail.reserved),
            "Available": number(avail.available),
            "ListingsQueued": queued,
            "Message": "updated",
        }

    @r.get("", summary="List articles by SKU with on-hand, reserved and available stock")
    def list_products(
        user: UserInfo = Depends(auth.user),
        search: str | None = Query(None, max_length=200),
        page: int = Query(1, ge=1, le=MAX_PAGE),
        pageSize: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
    ) -> dict:
        p = readmodel.list_articles(hub, user.account_id, search or "", page=page, page_size=pageSize)
        return paged([article_summary_json(a) for a in p.rows], page=page, page_size=pageSize, total=p.total)

    @r.get("/{id}", summary="One article with its channel listings, stock levels and recent movements")
    def get_product(
        id: str, user: UserInfo = Depends(auth.user), lookupBy: Literal["id", "sku", "ean"] = Query("id")
    ) -> dict:
        article_id: int | None
        if lookupBy == "id":
            if not id.isascii() or not id.isdigit() or not 1 <= int(id) <= MAX_ID:
                raise ApiError(
                    400,
                    "invalid_request",
                    f"path parameter id: {id[:50]!r} is not an article id "
                    f"(1 to {MAX_ID}); add lookupBy=sku to look up by SKU",
                    field="id",
                    where="path",
                )
            article_id = int(id)
        elif lookupBy == "sku":
            article_id = readmodel.find_article(hub, user.account_id, id)
        else:
            page = readmodel.list_articles(hub, user.account_id, id, page_size=MAX_PAGE_SIZE)
            article_id = next((a.id for a in page.rows if a.ean == id), None)
        detail = readmodel.get_article(hub, user.account_id, article_id) if article_id is not None else None
        if detail is None:
            raise ApiError(404, "not_found", f"no article with {lookupBy} {id!r}")
        return result(article_detail_json(detail))

    @r.post("/updatestock", summary="Set one article's on-hand stock (absolute)")
    def update_stock(body: UpdateStock, user: UserInfo = Depends(auth.writer)) -> dict:
        return result(update(user, body, ""))

    @r.post("/updatestockmultiple", summary="Set several articles' stock; each entry succeeds or fails alone")
    def update_stock_multiple(
        body: list[UpdateStock] = Body(max_length=250), user: UserInfo = Depends(auth.writer)
    ) -> list[dict]:
        if not body:
            raise ApiError(400, "invalid_request", "body: send at least one stock update", where="body")
        out = []
        for i, entry in enumerate(body):
            try:
                out.append(result(update(user, entry, f"{i}.")))
            except (ApiError, HubError) as exc:
                status = exc.status if isinstance(exc, ApiError) else 422
                out.append(
                    {
                        "ErrorMessage": exc.message if isinstance(exc, ApiError) else str(exc),
                        "ErrorCode": status,
                        "Data": {"SKU": entry.Sku},
                    }
                )
        return out

    return r
