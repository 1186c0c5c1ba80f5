"""Einstellungen / Shops: every connection with its health, and everything to set one up and look after it.

New → choose a system (every registered connector, grouped, searchable) → its step-by-step guide with the
settings form generated from the connector's schema → test → save. Then: edit, pause/resume, delete (orders
stay), sync now with a progress page, the sync log, and the dead letters with retry/discard.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from ... import readmodel
from ...application import connections as use
from ...channels.registry import GROUPS, all_connectors, get_connector, problems
from ...channels.sdk.capabilities import Capability, Mode
from ...channels.sdk.connector import Connector, ConnectorContext
from ...domain.timeutil import utcnow
from ...jobs.scheduler import request_sync_now
from ...sync import connections as conns
from ...sync import dispatcher, webhook_health
from ...sync.hub import HubError
from . import queries
from .deps import Page, UIError, not_found, owner, redirect, render, viewer, writer
from .errors import explain
from .forms import field_views, parse_settings
from .i18n import N_

log = logging.getLogger("ordersync.web")
router = APIRouter(include_in_schema=False)

WEBHOOKS_OFF = N_(
    "But the shop has switched off webhooks of ordersync ({detail}); the next sync switches them on again."
)
GROUP_TITLES = {
    "marketplace": N_("Marketplaces"),
    "shop": N_("Shop systems"),
    "erp": N_("ERP systems"),
    "files": N_("Files and e-mail"),
}


def _connector_class(system: str) -> type[Connector]:
    try:
        return get_connector(system)
    except LookupError:
        raise not_found() from None


def _own(page: Page, conn_id: int):
    row = queries.connection(page.hub, page.account_id, conn_id)
    if row is None:
        raise not_found()
    return row


def _health(page: Page, conn_id: int):
    return next((h for h in readmodel.connection_health(page.hub, page.account_id) if h.id == conn_id), None)


def _capabilities(t, cls: type[Connector]) -> list[str]:
    return [c.capability.title_de if t.locale == "de" else c.capability.title for c in cls.capabilities]


# list ----------------------------------------------------------------------------------------------------
@router.get("/settings/shops")
def shops(page: Page = Depends(viewer)):
    health = readmodel.connection_health(page.hub, page.account_id)
    from ...reconcile.runs import latest_finished_by_connection

    return render(
        page,
        "shops/list.html",
        health=health,
        now=utcnow(),
        reconciled=latest_finished_by_connection(page.hub, page.account_id),
    )


# new -----------------------------------------------------------------------------------------------------
@router.get("/settings/shops/new")
def choose(q: str = "", page: Page = Depends(viewer)):
    needle = q.strip().lower()
    groups = []
    for group in GROUPS:
        items = [
            {"system": s, "name": c.display_name, "caps": _capabilities(page.t, c)}
            for s, c in all_connectors().items()
            if c.group == group and (not needle or needle in s or needle in c.display_name.lower())
        ]
        groups.append({"key": group, "title": page.t(GROUP_TITLES[group]), "systems": items})
    return render(page, "shops/new.html", groups=groups, q=q, problems=problems() if page.is_owner else ())


def _setup_page(
    page: Page,
    cls: type[Connector],
    *,
    values=None,
    errors=None,
    name: str = "",
    test: dict | None = None,
    status: int = 200,
):
    """The guide's steps, each with the inputs it produces; the rest of the schema below them."""
    errors = errors or {}
    steps, placed = [], set[str]()
    for i, step in enumerate(cls.guide, 1):
        title, text = step.localized(page.t.locale)
        fields = field_views(page.t, cls.settings_schema, values, errors=errors, only=step.settings)
        placed.update(step.settings)
        steps.append({"n": i, "title": title, "text": text, "fields": fields})
    rest = [f for f in field_views(page.t, cls.settings_schema, values, errors=errors) if f.name not in placed]
    required = [f for f in rest if f.required or f.error]
    optional = [f for f in rest if not (f.required or f.error)]
    webhook = any(d.capability is Capability.IMPORT_ORDERS and Mode.WEBHOOK in d.modes for d in cls.capabilities)
    return render(
        page,
        "shops/setup.html",
        status=status,
        cls=cls,
        steps=steps,
        required=required,
        optional=optional,
        name=name or cls.display_name,
        name_error=errors.get("_name", ""),
        general_error=errors.get("_", ""),
        test=test,
        webhook=webhook,
        caps=_capabilities(page.t, cls),
    )


@router.get("/settings/shops/new/{system}")
def setup(system: str, page: Page = Depends(viewer)):
    cls = _connector_class(system)
    if not page.is_owner:
        raise UIError(403, "Only the account's owner can change shop connections.")
    return _setup_page(page, cls)


def _run_test(page: Page, connector: Connector) -> dict:
    hooks = None
    try:
        result = connector.test_connection()
        if result.ok and connector.context.state.get("webhooks") and webhook_health.uses_webhooks(connector):
            hooks = connector.check_webhooks(repair=False)  # a test looks; the next sync repairs
    except Exception as exc:  # noqa: BLE001 - any failure of a test is shown, never a 500
        log.info("connection test failed: %s", exc)
        return {"ok": False, "message": explain(page.t, exc)}
    finally:
        connector.close()
    if result.ok:
        message = page.t("Connection works.") + f" {result.message}"
        if hooks is not None and not hooks.active:
            message += " " + page.t(WEBHOOKS_OFF, detail="; ".join(hooks.problems))
        return {"ok": True, "message": message, "details": result.details}
    return {"ok": False, "message": page.t("The connection does not work yet.") + f" {result.message}"}


def _name_problem(page: Page, name: str, except_id: int | None = None) -> str:
    if not name:
        return page.t("Give the connection a name.")
    if len(name) > 100:
        return page.t("The name is too long (at most 100 characters).")
    taken = [i for i, n in queries.connection_names(page.hub, page.account_id) if n == name and i != except_id]
    return page.t("You already have a connection with this name.") if taken else ""


def _wants_json(page: Page) -> bool:
    return "application/json" in page.request.headers.get("accept", "")


@router.post("/settings/shops/new/{system}/test")
def test_new(system: str, page: Page = Depends(owner)):
    cls = _connector_class(system)
    values, errors = parse_settings(page.t, cls.settings_schema, page.form)
    if errors:
        if _wants_json(page):
            return JSONResponse(
                {"ok": False, "message": page.t("Please correct the marked fields."), "errors": errors}, status_code=400
            )
        return _setup_page(
            page, cls, values=_echo(page, cls), errors=errors, name=page.form.get("name", ""), status=400
        )
    result = _run_test(page, cls(values, ConnectorContext()))
    if _wants_json(page):
        return JSONResponse(result, status_code=200 if result["ok"] else 422)
    return _setup_page(
        page, cls, values=values, name=page.form.get("name", ""), test=result, status=200 if result["ok"] else 422
    )


def _echo(page: Page, cls: type[Connector]) -> dict:
    """What the user typed, to refill the form (secrets are never refilled)."""
    return {f.name: page.form.get(f"s_{f.name}", "") for f in cls.settings_schema.fields if not f.secret}


@router.post("/settings/shops/new/{system}")
def save_new(system: str, page: Page = Depends(owner)):
    cls = _connector_class(system)
    name = page.form.get("name", "").strip()
    values, errors = parse_settings(page.t, cls.settings_schema, page.form)
    if problem := _name_problem(page, name):
        errors["_name"] = problem
    if errors:
        return _setup_page(page, cls, values=values or _echo(page, cls), errors=errors, name=name, status=400)
    try:  # one code path with the command line: application.connections.add
        added = use.add(page.hub, system, name, values, account=page.account)
    except use.TestFailed as exc:
        if exc.cause is not None:
            log.info("connection test failed: %s", exc.cause)
            message = explain(page.t, exc.cause)
        else:
            answer = f" {exc.result.message}" if exc.result is not None else ""  # without a cause, there is one
            message = page.t("The connection does not work yet.") + answer
        return _setup_page(page, cls, values=values, name=name, test={"ok": False, "message": message}, status=422)
    except HubError as exc:
        return _setup_page(page, cls, values=values, name=name, errors={"_": explain(page.t, exc)}, status=400)
    if added.needs_consent:  # the platform's consent page; the callback stores the tokens (routes_oauth)
        from .routes_oauth import send_to_consent

        return send_to_consent(page, added.connection_id)
    page.flash("The connection {name} was saved. The first import starts within a few seconds.", name=name)
    if added.webhook_problem:
        page.flash(
            "Webhooks could not be set up, so new orders arrive by regular polling instead. {detail}",
            "warn",
            detail=explain(page.t, added.webhook_error) if added.webhook_error else added.webhook_problem,
        )
    return redirect(f"/settings/shops/{added.connection_id}")


# one connection ------------------------------------------------------------------------------------------
def _detail(page: Page, row, *, errors=None, status: int = 200, test: dict | None = None):
    cls = _connector_class(row.system)
    stored = queries.stored_settings(page.hub, row)
    secret_set = frozenset(k for k in cls.settings_schema.secret_names if stored.get(k))
    fields = field_views(page.t, cls.settings_schema, stored, stored_secrets=secret_set, errors=errors)
    return render(
        page,
        "shops/detail.html",
        status=status,
        c=row,
        cls=cls,
        health=_health(page, row.id),
        fields=fields,
        runs=queries.sync_runs(page.hub, page.account_id, row.id, limit=5),
        errors=errors or {},
        test=test,
        webhook_url=conns.webhook_url(page.hub, row),
        caps=_capabilities(page.t, cls),
        hooks=conns.info(page.hub, row),
    )


@router.get("/settings/shops/{conn_id:int}")
def detail(conn_id: int, page: Page = Depends(viewer)):
    return _detail(page, _own(page, conn_id))


@router.post("/settings/shops/{conn_id:int}")
def save_edit(conn_id: int, page: Page = Depends(owner)):
    row = _own(page, conn_id)
    cls = _connector_class(row.system)
    name = page.form.get("name", "").strip()
    values, errors = parse_settings(
        page.t, cls.settings_schema, page.form, stored=queries.stored_settings(page.hub, row)
    )
    if problem := _name_problem(page, name, except_id=row.id):
        errors["_name"] = problem
    try:
        interval = int(page.form.get("poll_interval", row.poll_interval))
        if not 10 <= interval <= 86400:
            raise ValueError
    except ValueError:
        errors["_poll"] = page.t("Enter a number of seconds between 10 and 86400.")
    if errors:
        return _detail(page, row, errors=errors, status=400)
    queries.update_connection(page.hub, page.account_id, row.id, name=name, values=values, poll_interval=interval)
    page.flash("The changes were saved.")
    return redirect(f"/settings/shops/{conn_id}")


@router.post("/settings/shops/{conn_id:int}/test")
def test_saved(conn_id: int, page: Page = Depends(writer)):
    row = _own(page, conn_id)
    result = _run_test(page, conns.build_connector(page.hub, row))
    if _wants_json(page):
        return JSONResponse(result, status_code=200 if result["ok"] else 422)
    return _detail(page, row, test=result, status=200 if result["ok"] else 422)


@router.post("/settings/shops/{conn_id:int}/pause")
def pause(conn_id: int, page: Page = Depends(writer)):
    _own(page, conn_id)
    queries.set_paused(page.hub, page.account_id, conn_id, True)
    page.flash("The connection is paused: nothing is imported or sent until you resume it.")
    return redirect(f"/settings/shops/{conn_id}")


@router.post("/settings/shops/{conn_id:int}/resume")
def resume(conn_id: int, page: Page = Depends(writer)):
    _own(page, conn_id)
    queries.set_paused(page.hub, page.account_id, conn_id, False)
    request_sync_now(page.hub, conn_id)
    page.flash("The connection runs again.")
    return redirect(f"/settings/shops/{conn_id}")


@router.get("/settings/shops/{conn_id:int}/delete")
def confirm_delete(conn_id: int, page: Page = Depends(viewer)):
    row = _own(page, conn_id)
    return render(page, "shops/delete.html", c=row, health=_health(page, conn_id))


@router.post("/settings/shops/{conn_id:int}/delete")
def delete(conn_id: int, page: Page = Depends(owner)):
    row = _own(page, conn_id)
    if page.form.get("confirm_name", "").strip() != row.name:
        page.flash("Type the connection's name to confirm the deletion.", "error")
        return redirect(f"/settings/shops/{conn_id}/delete")
    connector = conns.build_connector(page.hub, row)
    try:
        if connector.context.state:
            connector.unregister_webhooks()
    except Exception as exc:  # noqa: BLE001 - an unreachable shop must not block the removal
        page.flash(
            "The webhooks in the shop could not be removed; delete them there by hand. {detail}",
            "warn",
            detail=explain(page.t, exc),
        )
    finally:
        connector.close()
    conns.remove_connection(page.hub, str(row.id), page.account)
    page.flash("The connection {name} was deleted. Its orders stay in ordersync.", name=row.name)
    return redirect("/settings/shops")


# sync now with progress ----------------------------------------------------------------------------------
@router.post("/settings/shops/{conn_id:int}/sync")
def sync_now(conn_id: int, page: Page = Depends(writer)):
    row = _own(page, conn_id)
    if row.paused:
        page.flash("This connection is paused. Resume it to sync.", "warn")
        return redirect(f"/settings/shops/{conn_id}")
    since = utcnow() - timedelta(seconds=1)
    request_sync_now(page.hub, conn_id)
    return redirect(f"/settings/shops/{conn_id}/sync?" + urlencode({"since": since.isoformat()}))


def _since(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UIError(400, "This link is not complete. Start the sync again from the connection's page.") from None
    if parsed.tzinfo is None:
        raise UIError(400, "This link is not complete. Start the sync again from the connection's page.")
    return parsed


def _sync_status(page: Page, conn_id: int, since: datetime) -> dict:
    runs = [
        r for r in queries.sync_runs(page.hub, page.account_id, conn_id, limit=10, since=since) if r.kind == "orders"
    ]
    run = runs[-1] if runs else None
    t = page.t
    if run is None:
        return {"state": "waiting", "done": False, "text": t("Waiting for a worker to start the sync…")}
    counts = t(
        "{fetched} read, {created} new, {updated} changed",
        fetched=t.num(run.fetched),
        created=t.num(run.created),
        updated=t.num(run.updated),
    )
    if run.status == "running":
        return {"state": "running", "done": False, "text": t("Importing orders…") + " " + counts}
    if run.status == "failed":
        return {"state": "failed", "done": True, "text": t("The sync failed.") + " " + (run.error or "")}
    if run.status == "interrupted":
        return {"state": "failed", "done": True, "text": t("The sync was interrupted (its worker stopped).")}
    return {"state": "ok", "done": True, "text": t("Sync finished.") + " " + counts}


@router.get("/settings/shops/{conn_id:int}/sync")
def sync_progress(conn_id: int, since: str, page: Page = Depends(viewer)):
    row = _own(page, conn_id)
    progress = _sync_status(page, conn_id, _since(since))
    return render(page, "shops/sync.html", c=row, sync=progress, since=since)


@router.get("/settings/shops/{conn_id:int}/sync/status")
def sync_status(conn_id: int, since: str, page: Page = Depends(viewer)):
    _own(page, conn_id)
    return JSONResponse(_sync_status(page, conn_id, _since(since)))


@router.get("/settings/shops/{conn_id:int}/log")
def sync_log(conn_id: int, page: Page = Depends(viewer)):
    row = _own(page, conn_id)
    return render(page, "shops/log.html", c=row, runs=queries.sync_runs(page.hub, page.account_id, conn_id, limit=200))


# dead letters --------------------------------------------------------------------------------------------
@router.get("/settings/shops/{conn_id:int}/dead")
def dead(conn_id: int, page: Page = Depends(viewer)):
    row = _own(page, conn_id)
    return render(
        page,
        "shops/dead.html",
        c=row,
        letters=queries.dead_letters(page.hub, page.account_id, conn_id),
        awaiting=queries.awaiting_jobs(page.hub, page.account_id, conn_id),
    )


def _posted_dead_ids(page: Page, conn_id: int) -> list[int]:
    if page.form.get("all") == "1":
        return [d.id for d in queries.dead_letters(page.hub, page.account_id, conn_id, limit=100000)]
    ids = [int(v) for v in page.form_lists.get("ids", []) if v.isdigit()]
    return queries.own_dead_ids(page.hub, page.account_id, conn_id, ids)


@router.post("/settings/shops/{conn_id:int}/dead/retry")
def retry(conn_id: int, page: Page = Depends(writer)):
    _own(page, conn_id)
    ids = _posted_dead_ids(page, conn_id)
    n = dispatcher.retry_dead(page.hub, ids, conn_id) if ids else 0
    page.flash_n("{n} entry will be sent again.", "{n} entries will be sent again.", n)
    return redirect(f"/settings/shops/{conn_id}/dead")


@router.post("/settings/shops/{conn_id:int}/dead/discard")
def discard(conn_id: int, page: Page = Depends(writer)):
    _own(page, conn_id)
    ids = _posted_dead_ids(page, conn_id)
    n = dispatcher.discard_dead(page.hub, ids, conn_id) if ids else 0
    page.flash_n("{n} entry was discarded.", "{n} entries were discarded.", n)
    return redirect(f"/settings/shops/{conn_id}/dead")
