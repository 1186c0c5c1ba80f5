"""`ordersync reconcile NAME`: compare a connection with the hub, show the differences, mend them."""

from __future__ import annotations

import json

import typer

from ..cli_shared import ACCOUNT, _hub, _progress, app, out

FIRST_ROWS = 5


def _since(text: str | None):
    """A day (YYYY-MM-DD, from midnight UTC) or an ISO 8601 timestamp with its zone."""
    if not text:
        return None
    from datetime import UTC, date, datetime

    from ..domain.timeutil import parse_utc
    from ..hub import HubError

    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    except ValueError:
        pass
    try:
        return parse_utc(text, where="--since")
    except ValueError as exc:
        raise HubError(f"{exc}; give a day (2026-11-01) or a timestamp with its zone") from None


@app.command("reconcile")
def reconcile(
    name: str,
    since: str = typer.Option(
        None, "--since", help="Compare orders modified since this day or time (default: the last 30 days)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    show: bool = typer.Option(False, "--show", help="Show the last report instead of running."),
    mend: str = typer.Option(
        None,
        "--mend",
        help="Mend the last report: import (the missing orders), push (the hub's stock) or accept (the channel's).",
    ),
    every: int = typer.Option(None, "--every", help="Hours between scheduled runs (0: none)."),
    auto_import: bool = typer.Option(
        None, "--auto-import/--no-auto-import", help="Import missing orders as a run finds them."
    ),
    account: str = ACCOUNT,
) -> None:
    """Compare a connection's orders, stock and listings with the hub (reading the channel) and report the
    differences grouped by kind; with --mend, act on the last report."""
    from ..hub import HubError
    from ..reconcile import mend as mending
    from ..reconcile import runs, schedule

    hub = _hub()
    if every is not None or auto_import is not None:
        chosen = schedule.set_settings(hub, name, interval_hours=every, auto_import=auto_import, account=account)
        out.print(
            f"{name}: scheduled every {chosen.interval_hours} h"
            if chosen.interval_hours
            else f"{name}: no scheduled runs",
            f"; missing orders imported {'automatically' if chosen.auto_import else 'by hand'}",
            sep="",
        )
        return
    if mend or show:
        found = runs.latest(hub, name, account)
        if found is None:
            raise HubError(f"{name!r} has no reconciliation yet; run `ordersync reconcile {name}`")
        if mend:
            result = mending.mend(hub, found.id, mend, account=account, who="cli")
            if as_json:
                out.print_json(json.dumps(result.as_json()))
            else:
                out.print(f"{name}: {mend}: {result.done} done, {result.skipped} skipped, {len(result.failed)} failed")
                for line in result.failed:
                    out.print(f"  {line}")
            if result.failed:
                raise typer.Exit(1)
            return
    else:
        run_id = runs.start(hub, name, since=_since(since), account=account)  # refusals before any bar
        if as_json:  # the report alone, nothing else on the console
            found = runs.execute(hub, run_id)
        else:
            with _progress() as bar:
                task = bar.add_task(f"reading {name}", total=None)

                def step(phase: str, read: int, expected: int | None) -> None:
                    bar.update(task, description=f"{name}: {phase}", completed=read, total=expected)

                found = runs.execute(hub, run_id, progress=step)
    if as_json:
        out.print_json(json.dumps(found.as_json(), default=str))
    else:
        _print(found)
    if found.status in ("failed", "incomplete"):  # incomplete: the channel's call budget ran out
        raise typer.Exit(1)


def _print(found) -> None:
    from ..reconcile.kinds import KINDS

    period = f"since {found.since:%Y-%m-%d %H:%M}" if found.since else "all time"
    out.print(
        f"{found.connection}: reconciliation {found.status} at "
        f"{(found.finished_at or found.started_at):%Y-%m-%d %H:%M} UTC (orders {period}): "
        f"{found.differences} difference(s)"
    )
    if found.error:
        out.print(f"  stopped: {found.error}")
    for kind in KINDS:
        entry = found.report.get(kind.name) or {"count": 0, "rows": []}
        if kind.read in found.reasons:
            out.print(f"  {kind.title}: not compared ({found.reasons[kind.read]})")
            continue
        out.print(
            f"  {kind.title}: {entry['count']}"
            + (f"  (mend: --mend {kind.mend})" if entry["count"] and kind.mend else "")
        )
        for row in entry["rows"][:FIRST_ROWS]:
            out.print("    " + ", ".join(f"{k} {_value(k, v)}" for k, v in row.items() if v not in ("", None, [])))


def _value(key: str, value):
    """Order states are stored by id (the web app names them in the reader's language); English here."""
    if key.endswith("state") and isinstance(value, int):
        from ..domain import OrderState

        return OrderState(value).name_en
    return value
