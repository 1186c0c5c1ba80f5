"""`ordersync import csv FILE --connection NAME`: upload a CSV file of orders, with a dry-run preview."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from ..cli_shared import ACCOUNT, _hub, _progress, app, err, out


def _import_group() -> typer.Typer:
    """The `import` command group, shared with other file/mail importers that may register into it."""
    for info in app.registered_groups:
        if info.name == "import" and info.typer_instance is not None:
            return info.typer_instance
    group = typer.Typer(no_args_is_help=True, help="Import orders from files.")
    app.add_typer(group, name="import")
    return group


import_app = _import_group()


@import_app.command("csv")
def import_csv(
    file: Path = typer.Argument(..., help="the CSV file ('-' reads standard input)"),
    connection: str = typer.Option(..., "--connection", help="a CSV connection (system csv)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="show what would be imported; write nothing"),
    skip_invalid: bool = typer.Option(
        False,
        "--skip-invalid",
        help="import the valid orders even if rows are rejected (rejected rows are quarantined)",
    ),
    profile: str = typer.Option(None, "--profile", help="column profile for this file"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
    account: str = ACCOUNT,
) -> None:
    """Import orders from a CSV file: all of them in one transaction, or none if a row is rejected."""
    from ..sync.hub import HubError
    from ..sync.importer import connection_id_by_name
    from ..sync.uploads import import_file

    if str(file) == "-":
        import sys

        data, name = sys.stdin.buffer.read(), "stdin"
    else:
        try:
            data, name = file.read_bytes(), file.name
        except OSError as exc:
            raise HubError(f"cannot read {file}: {exc.strerror or exc}") from None
    hub = _hub()
    conn_id = connection_id_by_name(hub, connection, account)
    options: dict[str, Any] = {"filename": name, "dry_run": dry_run, "skip_invalid": skip_invalid, "profile": profile}
    if as_json:  # for scripts: the report only
        report = import_file(hub, conn_id, data, **options)
    else:
        with _progress() as bar:
            task = bar.add_task(f"reading {name}", total=None)
            report = import_file(
                hub,
                conn_id,
                data,
                **options,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    if as_json:
        out.print_json(json.dumps(report.to_dict()))
    else:
        _print(report)
    if report.rejected and not report.imported and not dry_run:
        raise typer.Exit(1)


def _print(report) -> None:
    out.print(f"{report.filename}: {report.rows} rows, {report.orders_in_file} orders ({report.dialect})")
    if report.ignored_columns:
        out.print("columns not used: " + ", ".join(report.ignored_columns), markup=False)
    if report.dry_run and report.preview:
        table = Table("number", "created (UTC)", "state", "buyer", "country", "items", "total")
        for p in report.preview:
            table.add_row(
                p["number"],
                p["created_at"][:16].replace("T", " "),
                p["state"],
                p["buyer"],
                p["country"],
                str(p["items"]),
                f"{p['total']} {p['currency']}",
            )
        out.print(table)
    if report.skipped_duplicates:
        shown = ", ".join(report.skipped_duplicates[:20])
        more = len(report.skipped_duplicates) - 20
        out.print(f"skipped (already imported): {shown}" + (f" and {more} more" if more > 0 else ""), markup=False)
    if report.rejected:
        table = Table("row", "column", "reason", title="rejected rows")
        for r in report.rejected:
            table.add_row(str(r.row) if r.row else "file", r.column, r.reason)
        err.print(table)
    out.print(report.message, markup=False)
