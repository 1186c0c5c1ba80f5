"""/api/v1/connections/{id}/imports/csv: upload a CSV file into a CSV connection (the route behind the CLI's
`ordersync import csv`), with a dry run. The raw file is the request body; nothing is written unless the whole
file is valid or the caller asks for the valid orders only (skipInvalid)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ...accounts import UserInfo
from ...store.models import Connection
from ...sync.connections import connector_class
from ...sync.hub import Hub
from ...sync.uploads import import_file, takes_uploads
from .auth import Auth
from .common import Id
from .errors import ApiError, ApiRoute, not_found

MAX_UPLOAD = 50 * 1024 * 1024  # a hard ceiling before the connection's own max_megabytes applies


def router(hub: Hub, auth: Auth) -> APIRouter:
    r = APIRouter(prefix="/api/v1", tags=["Imports"], route_class=ApiRoute)

    @r.post(
        "/connections/{id}/imports/csv",
        summary="Import a CSV file of orders (the body is the file)",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    )
    async def import_csv(
        id: Id,
        request: Request,
        user: UserInfo = Depends(auth.writer),
        dryRun: bool = Query(False, description="parse and report; write nothing"),
        skipInvalid: bool = Query(False, description="write the valid orders, quarantine the rest"),
        profile: str | None = Query(None, description="column profile for this file"),
        filename: str = Query("", max_length=200),
    ) -> JSONResponse:
        with hub.db.session() as s:
            conn = s.get(Connection, id)
            if conn is None or conn.account_id != user.account_id:
                raise not_found("connection", id)
            system = conn.system
        presets = _profiles(system)
        if profile is not None and profile not in presets:
            raise ApiError(
                400,
                "invalid_request",
                f"query parameter profile: no column profile {profile[:50]!r}; use one of {', '.join(presets)}",
                field="profile",
                where="query",
            )
        data = await request.body()
        if not data:
            raise ApiError(
                400,
                "invalid_request",
                "the request body is empty: send the CSV file as the body",
                field="body",
                where="body",
            )
        if len(data) > MAX_UPLOAD:
            raise ApiError(413, "too_large", f"the file has {len(data):,} bytes; at most {MAX_UPLOAD:,} are accepted")
        report = await run_in_threadpool(
            import_file, hub, id, data, filename=filename, dry_run=dryRun, skip_invalid=skipInvalid, profile=profile
        )
        # a file that cannot be read at all (no header, a giant header cell) is refused, dry run or not
        unreadable = report.message.startswith("nothing imported:") and not report.preview and not report.rows
        refused = bool(report.rejected) and not report.imported and (not dryRun or unreadable)
        body = {
            "ErrorMessage": report.message if refused else None,
            "ErrorCode": 422 if refused else 0,
            "Data": report.to_dict(),
        }
        return JSONResponse(body, status_code=422 if refused else 200)

    return r


def _profiles(system: str) -> tuple[str, ...]:
    """The column profiles the connection's connector declares in its settings (none if it takes no uploads)."""
    cls = connector_class(system)
    fields = [f for f in cls.settings_schema.fields if f.name == "profile"] if takes_uploads(cls) else []
    return fields[0].choices if fields else ()
