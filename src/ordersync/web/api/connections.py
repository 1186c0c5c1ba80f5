"""/api/v1/connections (Billbee: shop accounts): read-only, with health; never a setting or a secret."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from ... import readmodel
from ...accounts import UserInfo
from ...domain import OrderState
from ...readmodel.shapes import connection_json, ts
from ...sync.hub import Hub
from ...sync.synclog import recent_runs
from .auth import Auth
from .common import MAX_PAGE, MAX_PAGE_SIZE, Id, paged, result
from .errors import ApiRoute, not_found


def router(hub: Hub, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1", tags=["Connections"], route_class=ApiRoute)

    def list_connections(
        user: UserInfo = Depends(auth.user),
        page: int = Query(1, ge=1, le=MAX_PAGE),
        pageSize: int = Query(50, ge=1, le=MAX_PAGE_SIZE),
    ) -> dict:
        rows = readmodel.connection_health(hub, user.account_id)
        start = (page - 1) * pageSize
        return paged(
            [connection_json(h) for h in rows[start : start + pageSize]], page=page, page_size=pageSize, total=len(rows)
        )

    r.add_api_route(
        "/connections",
        list_connections,
        methods=["GET"],
        tags=["Connections"],
        summary="The account's connections with their health",
    )
    r.add_api_route(
        "/shopaccounts",
        list_connections,
        methods=["GET"],
        tags=["Connections"],
        summary="The same, at Billbee's path",
        operation_id="list_connections_billbee_path",
    )

    @r.get("/connections/{id}", summary="One connection with its health")
    def get_connection(id: Id, user: UserInfo = Depends(auth.user)) -> dict:
        found = next((h for h in readmodel.connection_health(hub, user.account_id) if h.id == id), None)
        if found is None:
            raise not_found("connection", id)
        return result(connection_json(found))

    @r.get("/connections/{id}/syncruns", summary="The connection's sync log, newest first")
    def sync_runs(id: int, user: UserInfo = Depends(auth.user), limit: int = Query(20, ge=1, le=MAX_PAGE_SIZE)) -> dict:
        if not any(h.id == id for h in readmodel.connection_health(hub, user.account_id)):
            raise not_found("connection", id)
        return result([sync_run_json(run) for run in recent_runs(hub, id, limit)])

    @r.get("/enums/orderstates", tags=["Enums"], summary="Order state ids with their names")
    def order_states(user: UserInfo = Depends(auth.user)) -> list[dict]:
        return [{"Id": int(s), "Name": s.name_en, "NameDe": s.name_de} for s in OrderState]

    return r


def sync_run_json(run) -> dict:
    """One run of the sync log; Status is running, ok, failed or interrupted (its worker is gone)."""
    return {
        "Id": run.id,
        "Kind": run.kind,
        "Status": run.status,
        "StartedAt": ts(run.started_at),
        "FinishedAt": ts(run.finished_at),
        "Fetched": run.fetched,
        "Created": run.created,
        "Updated": run.updated,
        "Quarantined": run.quarantined,
        "Error": run.error,
    }
