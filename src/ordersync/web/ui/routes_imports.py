"""Upload a CSV file into a CSV connection (Jimdo, WIX, 1und1 exports and the generic profile): a dry run
that previews the orders and lists every rejected row, then the import itself, all or nothing."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ...sync.connections import connector_class
from ...sync.uploads import import_file, takes_uploads
from .deps import Page, UIError, not_found, render, viewer, writer
from .routes_shops import _own

router = APIRouter(include_in_schema=False)
MAX_UPLOAD = 50 * 1024 * 1024  # the connection's own max_megabytes applies below this ceiling


def _csv_connection(page: Page, conn_id: int):
    row = _own(page, conn_id)
    if not takes_uploads(connector_class(row.system)):
        raise not_found()
    return row


@router.get("/settings/shops/{conn_id:int}/import")
def upload_form(conn_id: int, page: Page = Depends(viewer)):
    return render(page, "shops/import.html", c=_csv_connection(page, conn_id), report=None)


@router.post("/settings/shops/{conn_id:int}/import")
async def upload(conn_id: int, page: Page = Depends(writer)):
    row = _csv_connection(page, conn_id)
    upload = (await page.request.form()).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UIError(400, "Choose a CSV file to upload.")
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise UIError(413, "The file is larger than 50 MB. Split it into several files.")
    dry_run = page.form.get("dry_run") == "1"
    report = await run_in_threadpool(
        import_file,
        page.hub,
        row.id,
        data,
        filename=upload.filename,
        dry_run=dry_run,
        skip_invalid=page.form.get("skip_invalid") == "1",
    )
    return render(
        page,
        "shops/import.html",
        c=row,
        report=report,
        status=422 if report.rejected and not report.imported and not dry_run else 200,
    )
