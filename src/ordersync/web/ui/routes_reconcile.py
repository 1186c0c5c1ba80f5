"""Settings / Shops › Reconciliation: where a connection and the hub disagree, and the seller's mends.

A run started here is claimed at once (so a second click is refused while it runs) and carried out by a
worker: the scheduler hands it to one (as "Sync now" is picked up), the web process reads nothing. Its
progress is in the run's row, which the page polls. If no worker takes it or the worker stops, the run's
lease runs out and the next start, here or by the schedule, resumes it after its finished phases.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from ...hub import HubError
from ...reconcile import mend, runs, schedule
from ...reconcile.kinds import KINDS
from .deps import Page, redirect, render, viewer, writer
from .i18n import N_, N_plural
from .routes_shops import _own

router = APIRouter(include_in_schema=False)
FIRST_ROWS = 20

TITLES = {
    "orders_missing": N_("Orders the channel has and the hub lacks"),
    "orders_differ": N_("Orders with a different state or total"),
    "orders_unknown": N_("Hub orders the channel does not know"),
    "orders_unreadable": N_("Channel orders that could not be read"),
    "stock_differs": N_("Listings whose stock differs"),
    "listings_unlinked": N_("Channel products without a linked article"),
    "listings_gone": N_("Linked listings the channel no longer has"),
}
PHASES = {"orders": N_("Reading the channel's orders…"), "catalog": N_("Reading the channel's products…")}
PHASES["queued"] = N_("Waiting for a worker…")
READS = {"orders": N_("orders"), "stock": N_("stock"), "listings": N_("listings")}
# the SDK's reasons for a read a connector does not declare (sdk.reconcile_reads), for the catalog
REASONS = (
    N_("the connector declares no reads for a reconciliation"),
    N_("the connector does not declare this read for a reconciliation"),
)
MENDED = {
    "import": N_plural("{n} missing order imported.", "{n} missing orders imported."),
    "push": N_plural("The hub's stock is queued for {n} listing.", "The hub's stock is queued for {n} listings."),
    "accept": N_plural(
        "The channel's figure was accepted for {n} article.", "The channel's figure was accepted for {n} articles."
    ),
}


def _status(page: Page, found: runs.RunView | None) -> dict:
    t = page.t
    if found is None:
        return {"state": "waiting", "done": True, "text": t("No reconciliation has run yet.")}
    if found.status == "running" and found.phase == runs.QUEUED:
        return {"state": "queued", "done": False, "text": t(PHASES[runs.QUEUED])}
    if found.status == "running":
        counted = (
            t("{read} of {expected} read", read=found.read, expected=found.expected)
            if found.expected is not None
            else t("{read} read", read=found.read)
        )
        return {"state": "running", "done": False, "text": t(PHASES.get(found.phase, PHASES["orders"])) + " " + counted}
    if found.status == "failed":
        return {
            "state": "failed",
            "done": True,
            "text": t("The reconciliation stopped: {error}", error=found.error or ""),
        }
    if found.status == runs.INCOMPLETE:
        return {
            "state": "failed",
            "done": True,
            "text": t(
                "Incomplete: the channel's call budget is spent; the parts read before are shown. "
                "Compare again once the budget is back."
            ),
        }
    return {
        "state": "ok",
        "done": True,
        "text": t.n("Finished: {n} difference.", "Finished: {n} differences.", found.differences),
    }


@router.get("/settings/shops/{conn_id:int}/reconcile")
def reconcile_tab(conn_id: int, page: Page = Depends(viewer)):
    row = _own(page, conn_id)
    found = runs.latest(page.hub, row.id, page.account)
    kinds = []
    reasons = runs.reasons_for(row.system)
    for kind in KINDS:
        entry = (found.report.get(kind.name) if found else None) or {"count": 0, "rows": []}
        kinds.append(
            {
                "name": kind.name,
                "title": TITLES[kind.name],
                "count": entry["count"],
                "rows": entry["rows"][:FIRST_ROWS],
                "mend": kind.mend,
                "auto": entry.get("imported_automatically", False),
                "reason": reasons.get(kind.read, ""),
            }
        )
    return render(
        page,
        "shops/reconcile.html",
        c=row,
        run=found,
        kinds=kinds,
        progress=_status(page, found),
        settings=schedule.get(page.hub, row.id, page.account),
        reads=READS,
        not_compared={k: v for k, v in reasons.items()},
    )


@router.get("/settings/shops/{conn_id:int}/reconcile/status")
def reconcile_status(conn_id: int, page: Page = Depends(viewer)):
    row = _own(page, conn_id)
    return JSONResponse(_status(page, runs.latest(page.hub, row.id, page.account)))


@router.post("/settings/shops/{conn_id:int}/reconcile")
def reconcile_start(conn_id: int, page: Page = Depends(writer)):
    row = _own(page, conn_id)
    try:
        runs.request(page.hub, row.id, account=page.account)
    except HubError as exc:
        page.flash(str(exc), "warn")
    return redirect(f"/settings/shops/{conn_id}/reconcile")


@router.post("/settings/shops/{conn_id:int}/reconcile/mend")
def reconcile_mend(conn_id: int, page: Page = Depends(writer)):
    row = _own(page, conn_id)
    found = runs.latest(page.hub, row.id, page.account)
    action = page.form.get("action", "")
    if found is None or str(found.id) != page.form.get("run", "") or action not in MENDED:
        page.flash("This report is no longer the newest. Look at the newest one and try again.", "warn")
        return redirect(f"/settings/shops/{conn_id}/reconcile")
    try:
        result = mend.mend(page.hub, found.id, action, account=page.account, who=page.member.email)
    except HubError as exc:
        page.flash(str(exc), "warn")
        return redirect(f"/settings/shops/{conn_id}/reconcile")
    page.flash_n(*MENDED[action], result.done)
    for line in result.failed[:5]:
        page.flash(line, "warn")
    return redirect(f"/settings/shops/{conn_id}/reconcile")


@router.post("/settings/shops/{conn_id:int}/reconcile/settings")
def reconcile_settings(conn_id: int, page: Page = Depends(writer)):
    row = _own(page, conn_id)
    hours = page.form.get("interval_hours", "").strip()
    if not hours.isdigit():
        page.flash("The interval must be a whole number of hours (0: no scheduled runs).", "warn")
        return redirect(f"/settings/shops/{conn_id}/reconcile")
    try:
        schedule.set_settings(
            page.hub,
            row.id,
            interval_hours=int(hours),
            auto_import=page.form.get("auto_import") == "1",
            account=page.account,
        )
    except HubError as exc:
        page.flash(str(exc), "warn")
        return redirect(f"/settings/shops/{conn_id}/reconcile")
    page.flash("The reconciliation settings were saved.")
    return redirect(f"/settings/shops/{conn_id}/reconcile")
