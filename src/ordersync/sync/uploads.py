"""Importing a file a seller uploads into a connection that takes uploads: behind the CLI, the REST API and the UI.

Engine work (it writes orders), so it lives in the engine, not in a channel: the connector only reads the
file. Which connector takes uploads is declared (``Mode.CSV_UPLOAD`` on its order import), never looked up by
system name. The orders go through the engine's one page writer (``importer.store_page``) like a polled or
webhook page, so stock, reservations, propagation and quarantine behave exactly the same.

What the engine asks of an uploading connector: ``parse(data, progress=)`` (orders, rejections, the file's
dialect), ``upload_limit`` (bytes), ``file_rejection(reason)``, ``skips_known_numbers`` and ``quarantine_rejections(rejected, source=)``.

A file is imported whole or not at all: all of its orders are written in one transaction, and if any row
is rejected nothing is written, unless the seller asks for ``skip_invalid`` (``--skip-invalid``): then the
valid orders are written and the rejected rows are quarantined with their reasons, so they stay visible.
Orders whose number this connection already has are skipped when the connection's "skip duplicate order
numbers" is on (the default); otherwise they update the stored order like a poll would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

from ..channels.sdk.capabilities import Capability, Mode
from ..channels.sdk.records import Page
from ..store.models import OrderRow
from . import connections
from .hub import Hub, HubError
from .importer import store_page
from .synclog import finish_run, start_run

Progress = Callable[[int, int], None]  # (rows done, rows in the file)

PREVIEW_LIMIT = 200


@dataclass
class CsvImportReport:
    filename: str
    dialect: str = ""
    rows: int = 0  # non-blank data rows
    orders_in_file: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_duplicates: list[str] = field(default_factory=list)  # order numbers
    rejected: list[Any] = field(default_factory=list)  # the connector's rejections: row, order number, reason
    preview: list[dict[str, Any]] = field(default_factory=list)  # the orders that would be / were written
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    imported: bool = False  # something was written
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["rejected"] = [asdict(r) for r in self.rejected]
        return data


def import_file(
    hub: Hub,
    connection_id: int,
    data: bytes,
    *,
    filename: str = "",
    dry_run: bool = False,
    skip_invalid: bool = False,
    profile: str | None = None,
    progress: Progress | None = None,
) -> CsvImportReport:
    """Parse ``data`` with the connection's settings (``profile`` overrides its column profile for this file)
    and write its orders in one transaction; see the module docstring for what is written when."""
    row = connections.load(hub, connection_id)
    cls = connections.connector_class(row.system)
    if not takes_uploads(cls):
        raise HubError(f"connection {row.name!r} is a {row.system} connection, not a CSV connection")
    settings = connections.settings_of(hub, row)
    if profile:
        settings["profile"] = profile
    connector: Any = cls(settings)  # declares CSV upload (takes_uploads), so it has the upload members used below
    report = CsvImportReport(filename, dry_run=dry_run)
    limit = connector.upload_limit
    if len(data) > limit:
        reason = f"the file has {len(data):,} bytes, more than the connection's limit of {limit:,} (max_megabytes)"
        report.rejected, report.message = [connector.file_rejection(reason)], f"nothing imported: {reason}"
        return report
    parsed = connector.parse(data, progress=progress)
    report.dialect = parsed.dialect.describe() if parsed.dialect else ""
    report.rows, report.orders_in_file = len(parsed.data_rows), len(parsed.orders)
    report.rejected, report.ignored_columns = parsed.rejected, parsed.ignored_columns
    if parsed.file_error:
        report.message = f"nothing imported: {parsed.file_error}"
        return report
    orders = parsed.orders
    if connector.skips_known_numbers and orders:
        known = _known_ids(hub, connection_id, [o.external_id for o in orders])
        report.skipped_duplicates = [o.number for o in orders if o.external_id in known]
        orders = [o for o in orders if o.external_id not in known]
    report.preview = [preview(o) for o in orders[:PREVIEW_LIMIT]]
    if parsed.rejected and not skip_invalid:
        report.message = (
            f"{'dry run: nothing would be' if dry_run else 'nothing'} imported: "
            f"{_rows(parsed.rejected)} rejected; fix them, or import the {len(orders)} valid "
            "orders with skip_invalid (--skip-invalid)"
        )
        return report
    if dry_run:
        report.message = f"dry run: {len(orders)} orders would be imported" + _tail(report)
        return report
    quarantined = connector.quarantine_rejections(parsed.rejected, source=filename or "upload") if skip_invalid else []
    run_id = start_run(hub, connection_id, Mode.CSV_UPLOAD.value)
    try:
        counts = store_page(
            hub, row.account_id, connection_id, Page(orders, quarantined), source="upload", connector=connector
        )
    except Exception as exc:
        finish_run(hub, run_id, error=f"{type(exc).__name__}: {exc}"[:2000], fetched=report.rows)
        raise
    finish_run(
        hub,
        run_id,
        fetched=report.rows,
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        quarantined=len(quarantined),
    )
    report.created, report.updated, report.unchanged = counts.created, counts.updated, counts.unchanged
    report.imported = bool(counts.created or counts.updated or quarantined)
    report.message = (
        f"{counts.created} orders imported, {counts.updated} updated, {counts.unchanged} unchanged" + _tail(report)
    )
    return report


def takes_uploads(cls) -> bool:
    """Whether the connector declares that its orders can arrive as an uploaded file."""
    return any(d.capability is Capability.IMPORT_ORDERS and Mode.CSV_UPLOAD in d.modes for d in cls.capabilities)


def _known_ids(hub: Hub, connection_id: int, external_ids: list[str]) -> set[str]:
    known: set[str] = set()
    with hub.db.session() as s:
        for start in range(0, len(external_ids), 500):
            chunk = external_ids[start : start + 500]
            known.update(
                s.scalars(
                    select(OrderRow.external_id).where(
                        OrderRow.connection_id == connection_id, OrderRow.external_id.in_(chunk)
                    )
                )
            )
    return known


def _rows(rejected: list[Any]) -> str:
    rows = {r.row for r in rejected}
    return f"{len(rows)} row{'s' if len(rows) != 1 else ''}"


def _tail(report: CsvImportReport) -> str:
    parts = []
    if report.skipped_duplicates:
        parts.append(f"{len(report.skipped_duplicates)} duplicate order numbers skipped")
    if report.rejected:
        parts.append(f"{_rows(report.rejected)} rejected and quarantined")
    return "; " + "; ".join(parts) if parts else ""


def preview(order) -> dict[str, Any]:
    """What a seller checks in a dry run, one flat record per order."""
    return {
        "number": order.number,
        "external_id": order.external_id,
        "created_at": order.created_at.isoformat(),
        "state": order.state.name_en,
        "channel_status": order.channel_status,
        "buyer": order.invoice_address.name or order.buyer.email,
        "country": order.shipping_address.country or "",
        "items": len(order.items),
        "quantity": str(sum((i.quantity for i in order.items), 0)),
        "total": str(order.total),
        "currency": order.currency,
    }
