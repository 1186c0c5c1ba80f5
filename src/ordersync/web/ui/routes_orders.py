"""Orders: the inbox (filters, sort, pages), the order page and the seller's actions, single and in bulk.

The inbox is always paged and counted by ``readmodel.list_orders`` (indexed filters), so it stays fast at
100,000 orders. Actions go through ``sync.actions`` with the user's account, which writes the change and its
outbox entry in one transaction; the worker then sends it to the channel.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request

from ... import readmodel
from ...channels.registry import get_connector
from ...channels.sdk.capabilities import Capability
from ...domain import OrderState
from ...domain.links import link_problem
from ...forwarding.queue import forward_order
from ...forwarding.targets import list_targets
from ...sync import acknowledgements, actions, fulfilment
from ...sync.hub import HubError
from . import queries
from .deps import Page, UIError, not_found, redirect, render, viewer, writer
from .errors import explain
from .i18n import N_, zone

router = APIRouter(include_in_schema=False)

SORTS = ("-created", "created", "-modified", "modified", "number", "-number", "-total", "total", "state")
PAGE_SIZES = (25, 50, 100, 250)
CARRIERS = ("DHL", "Deutsche Post", "DPD", "GLS", "Hermes", "UPS", "FedEx", "GO!", "Österreichische Post", "Swiss Post")


def _day(text: str, end: bool) -> datetime | None:
    """A date from the filter form as the start (or end) of that day in the seller's time zone."""
    d = date.fromisoformat(text)
    moment = datetime.combine(d + timedelta(days=1) if end else d, time(0), tzinfo=zone())
    return moment - timedelta(microseconds=1) if end else moment


def _filters(page: Page, request: Request) -> tuple[readmodel.OrderFilter, dict, list[str]]:
    params = request.query_params
    problems = []
    states = tuple(int(s) for s in params.getlist("state") if s.isdigit())
    own = {i for i, _ in queries.connection_names(page.hub, page.account_id)}
    conn_ids = tuple(int(c) for c in params.getlist("conn") if c.isdigit() and int(c) in own)
    dates = {}
    for key in ("from", "to"):
        raw = params.get(key, "").strip()
        if raw:
            try:
                dates[key] = _day(raw, key == "to")
            except ValueError:
                problems.append(page.t("{value} is not a date; use the date picker (YYYY-MM-DD).", value=raw))
    f = readmodel.OrderFilter(
        states=states,
        connection_ids=conn_ids,
        created_from=dates.get("from"),
        created_to=dates.get("to"),
        text=params.get("q", "").strip()[:200],
        tag=params.get("tag", "").strip()[:100],
    )
    shown = {
        "state": list(states),
        "conn": list(conn_ids),
        "from": params.get("from", ""),
        "to": params.get("to", ""),
        "q": f.text,
        "tag": f.tag,
    }
    return f, shown, problems


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name, "")
    # ASCII digits only ("²".isdigit() is true), and no page beyond any offset a database takes
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) <= 1_000_000 else default


@router.get("/orders")
def inbox(request: Request, page: Page = Depends(viewer)):
    f, shown, problems = _filters(page, request)
    sort = request.query_params.get("sort", "-created")
    sort = sort if sort in SORTS else "-created"
    size = _int_param(request, "size", 50)
    size = size if size in PAGE_SIZES else 50
    number = _int_param(request, "page", 1)
    result = readmodel.list_orders(page.hub, page.account_id, f, page=number, page_size=size, sort=sort)
    if number > result.pages:  # a page beyond the end (filters changed): show the last one
        number = result.pages
        result = readmodel.list_orders(page.hub, page.account_id, f, page=number, page_size=size, sort=sort)
    base = {k: v for k, v in shown.items() if v}

    def link(**changes) -> str:
        query = {**base, "sort": sort, "size": size, **changes}
        return "/orders?" + urlencode({k: v for k, v in query.items() if v not in ("", None, [])}, doseq=True)

    return render(
        page,
        "orders/list.html",
        result=result,
        shown=shown,
        sort=sort,
        size=size,
        sizes=PAGE_SIZES,
        problems=problems,
        link=link,
        connections=queries.connection_names(page.hub, page.account_id),
        carriers=CARRIERS,
        back=str(request.url.path) + "?" + str(request.url.query),
    )


def _order(page: Page, order_id: int):
    order = readmodel.get_order(page.hub, page.account_id, order_id)
    if order is None:
        raise not_found()
    return order


@router.get("/orders/{order_id:int}")
def order_page(order_id: int, page: Page = Depends(viewer)):
    targets = [t.name for t in list_targets(page.hub, page.account) if t.enabled] if page.can_write else []
    o = _order(page, order_id)
    return render(
        page,
        "orders/detail.html",
        o=o,
        carriers=CARRIERS,
        targets=targets,
        awaits_acknowledgement=_awaits_acknowledgement(o),
    )


def _awaits_acknowledgement(o) -> bool:
    """The order's channel wants it accepted or rejected (ACKNOWLEDGE_ORDERS) and nobody decided yet."""
    if o.acknowledgement is not None or not o.system:
        return False
    try:
        return get_connector(o.system).supports(Capability.ACKNOWLEDGE_ORDERS)
    except LookupError:  # a connector that is no longer installed
        return False


@router.post("/orders/{order_id:int}/acknowledge")
def acknowledge(order_id: int, page: Page = Depends(writer)):
    """Accept or reject an order towards a channel that requires it; a rejection needs a reason."""
    accept = page.form.get("decision", "") == "accept"
    reason = page.form.get("reason", "").strip()[:500]

    def decide() -> None:
        if not acknowledgements.acknowledge(page.hub, order_id, accept=accept, reason=reason, account=page.account):
            raise HubError("this order was accepted or rejected already")

    return _act(
        page,
        order_id,
        decide,
        N_("Accepted; the channel is told in a moment.")
        if accept
        else N_("Rejected; the channel is told in a moment."),
    )


def _act(page: Page, order_id: int, fn, ok_message: str, **values) -> object:
    _order(page, order_id)
    try:
        fn()
    except (HubError, ValueError) as exc:
        page.flash(explain(page.t, exc), "error")
        return redirect(f"/orders/{order_id}")
    page.flash(ok_message, **values)
    return redirect(f"/orders/{order_id}")


def _state(page: Page, raw: str) -> OrderState:
    try:
        return OrderState(int(raw))
    except ValueError:
        raise UIError(400, "Choose a state from the list.") from None


@router.post("/orders/{order_id:int}/state")
def set_state(order_id: int, page: Page = Depends(writer)):
    state = _state(page, page.form.get("state", ""))
    comment = page.form.get("comment", "").strip()[:1000]
    return _act(
        page,
        order_id,
        lambda: actions.set_state(page.hub, order_id, state, comment=comment, account=page.account),
        N_("The state is now {state}."),
        state=state.label(page.t.locale),
    )


@router.post("/orders/{order_id:int}/ship")
def ship(order_id: int, page: Page = Depends(writer)):
    carrier = page.form.get("carrier", "").strip()[:100]
    number = page.form.get("tracking_number", "").strip()[:100]
    url = page.form.get("tracking_url", "").strip()[:500]
    if link_problem(url) is not None:
        page.flash("The tracking link must start with https://.", "error")
        return redirect(f"/orders/{order_id}")
    try:
        lines = _line_quantities(page, "ship")
    except (ValueError, ArithmeticError):  # decimal.InvalidOperation is an ArithmeticError
        page.flash("Quantities must be whole numbers.", "error")
        return redirect(f"/orders/{order_id}")
    return _act(
        page,
        order_id,
        lambda: actions.ship(
            page.hub,
            order_id,
            carrier=carrier,
            tracking_number=number,
            tracking_url=url,
            account=page.account,
            lines=lines,
        ),
        N_("Shipment {number} saved; the channel is told in a moment."),
        number=number,
    )


def _line_quantities(page: Page, prefix: str) -> list[tuple[str, Decimal]]:
    """The form's filled-in (line id, quantity) pairs: fields ``{prefix}_line_N`` and ``{prefix}_qty_N``."""
    out = []
    for key, value in page.form.items():
        if key.startswith(f"{prefix}_qty_") and value.strip():
            qty = Decimal(value.strip())
            if qty != 0:
                out.append((page.form.get(f"{prefix}_line_{key.rsplit('_', 1)[1]}", ""), qty))
    return out


@router.post("/orders/{order_id:int}/cancel-lines")
def cancel_lines(order_id: int, page: Page = Depends(writer)):
    try:
        lines = _line_quantities(page, "cancel")
    except (ValueError, ArithmeticError):  # decimal.InvalidOperation is an ArithmeticError
        page.flash("Quantities must be whole numbers.", "error")
        return redirect(f"/orders/{order_id}")
    reason = page.form.get("reason", "").strip()[:500]
    return _act(
        page,
        order_id,
        lambda: fulfilment.cancel_lines(page.hub, order_id, lines, reason=reason, account=page.account),
        N_("The quantities are cancelled."),
    )


@router.post("/orders/{order_id:int}/message")
def message(order_id: int, page: Page = Depends(writer)):
    subject = page.form.get("subject", "").strip()[:200]
    text = page.form.get("text", "").strip()[:10000]
    return _act(
        page,
        order_id,
        lambda: actions.send_message(page.hub, order_id, subject=subject, text=text, account=page.account),
        N_("The message is on its way."),
    )


@router.post("/orders/{order_id:int}/forward")
def forward(order_id: int, page: Page = Depends(writer)):
    """Send the order to a supplier or warehouse (a forwarding target set up with `ordersync forwarding`)."""
    target = page.form.get("target", "").strip()
    return _act(
        page,
        order_id,
        lambda: forward_order(page.hub, order_id, target, account=page.account),
        N_("The order is queued for {target}; the history shows when it went out."),
        target=target,
    )


@router.post("/orders/{order_id:int}/tags")
def add_tag(order_id: int, page: Page = Depends(writer)):
    tag = page.form.get("tag", "")
    return _act(
        page, order_id, lambda: readmodel.set_tags(page.hub, page.account_id, order_id, [tag]), N_("Tag added.")
    )


@router.post("/orders/{order_id:int}/tags/remove")
def remove_tag(order_id: int, page: Page = Depends(writer)):
    tag = page.form.get("tag", "")
    return _act(
        page, order_id, lambda: readmodel.remove_tag(page.hub, page.account_id, order_id, tag), N_("Tag removed.")
    )


# bulk ----------------------------------------------------------------------------------------------------
def _selected(page: Page) -> list[int]:
    ids = [int(v) for v in page.form_lists.get("ids", []) if v.isdigit()]
    return queries.own_order_ids(page.hub, page.account_id, ids[:1000])


def _back(page: Page) -> str:
    back = page.form.get("back", "")
    return back if back.startswith("/orders") and not back.startswith("//") else "/orders"


@router.post("/orders/bulk/state")
def bulk_state(page: Page = Depends(writer)):
    ids = _selected(page)
    if not ids:
        page.flash("Select at least one order.", "warn")
        return redirect(_back(page))
    state = _state(page, page.form.get("state", ""))
    changed, failed = 0, []
    for order_id in ids:
        try:
            changed += actions.set_state(page.hub, order_id, state, account=page.account)
        except (HubError, ValueError) as exc:
            failed.append(explain(page.t, exc))
    label = state.label(page.t.locale)
    page.flash_n("{n} order changed to {state}.", "{n} orders changed to {state}.", changed, state=label)
    for problem in failed[:5]:
        page.flash(problem, "error")
    return redirect(_back(page))


@router.post("/orders/bulk/ship")
def bulk_ship_form(page: Page = Depends(writer)):
    """Step 1 of a bulk shipment: the selected orders, each with a field for its tracking number."""
    ids = _selected(page)
    if not ids:
        page.flash("Select at least one order.", "warn")
        return redirect(_back(page))
    orders = [readmodel.get_order(page.hub, page.account_id, i) for i in ids]
    return render(page, "orders/bulk_ship.html", orders=[o for o in orders if o], carriers=CARRIERS, back=_back(page))


@router.post("/orders/bulk/ship/confirm")
def bulk_ship(page: Page = Depends(writer)):
    carrier = page.form.get("carrier", "").strip()[:100]
    ids = _selected(page)
    shipped, failed = 0, []
    for order_id in ids:
        number = page.form.get(f"tracking_{order_id}", "").strip()[:100]
        if not number:
            continue
        try:
            actions.ship(page.hub, order_id, carrier=carrier, tracking_number=number, account=page.account)
            shipped += 1
        except (HubError, ValueError) as exc:
            failed.append(explain(page.t, exc))
    page.flash_n("{n} order shipped.", "{n} orders shipped.", shipped)
    for problem in failed[:5]:
        page.flash(problem, "error")
    return redirect(_back(page))
