"""`ordersync orders|stock|articles|outbox ...`: what a seller or operator does with the data."""

from __future__ import annotations

import json
from decimal import Decimal

import typer
from rich.table import Table

from ..cli_shared import ACCOUNT, _hub, orders_app, out, outbox_app


@orders_app.command("list")
def list_orders(
    connection: str = typer.Option(None, "--connection"),
    state: str = typer.Option(None, "--state"),
    oversold: bool = typer.Option(False, "--oversold", help="only orders flagged as oversold"),
    limit: int = typer.Option(50, "--limit"),
    as_json: bool = typer.Option(False, "--json"),
    account: str = ACCOUNT,
) -> None:
    """Newest orders first."""
    from ..application.orders import list_orders as orders_of
    from ..domain import OrderState

    rows = orders_of(
        _hub(),
        account,
        connection=connection,
        state=state,
        oversold=oversold,
        limit=None if as_json and limit <= 0 else limit,
    )
    if as_json:
        out.print_json(
            json.dumps(
                [
                    {
                        "id": o.id,
                        "connection": name,
                        "external_id": o.external_id,
                        "number": o.number,
                        "state": o.state,
                        "state_name": OrderState(o.state).name_en,
                        "channel_status": o.channel_status,
                        "total": str(o.total),
                        "currency": o.currency,
                        "buyer": o.buyer_name,
                        "email": o.buyer_email,
                        "oversold": o.oversold,
                        "created_at": o.created_at.isoformat(),
                        "updated_at": o.channel_updated_at.isoformat(),
                    }
                    for o, name in rows
                ]
            )
        )
        return
    table = Table("id", "connection", "number", "state", "total", "buyer", "created (UTC)")
    for o, name in rows:
        table.add_row(
            str(o.id),
            name or "—",
            o.number,
            OrderState(o.state).name_en + (" [red](oversold)[/]" if o.oversold else ""),
            f"{o.total} {o.currency}",
            o.buyer_name,
            o.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    out.print(table)


@orders_app.command("show")
def show(order: str, account: str = ACCOUNT) -> None:
    from ..application.orders import open_order
    from ..domain import OrderState

    found = open_order(_hub(), order, account)
    o, data, events, ships = found.row, found.data, found.events, found.shipments
    state = OrderState(o.state)
    out.print(f"[bold]Order {o.number}[/] (hub id {o.id}, external id {o.external_id})")
    out.print(f"state: {state.value} {state.name_en} / {state.name_de}; channel status {o.channel_status}")
    out.print(f"total: {o.total} {o.currency} (shipping {o.shipping_cost}); created {o.created_at.isoformat()}")
    for label, key in (("invoice", "invoice_address"), ("shipping", "shipping_address")):
        a = data[key]
        out.print(
            f"{label}: {a['first_name']} {a['last_name']}, {a['street']} {a['house_number']}, "
            f"{a['zip']} {a['city']}, {a['country'] or ''}",
            markup=False,
        )
    table = Table("sku", "title", "qty", "unit", "total", "tax %")
    for i in data["items"]:
        table.add_row(i["sku"], i["title"], i["quantity"], i["unit_price"], i["total_price"], i["tax_rate"] or "")
    out.print(table)
    for sh in ships:
        out.print(f"shipment: {sh.carrier} {sh.tracking_number} {sh.tracking_url}")
    for e in events:
        out.print(f"{e.at.strftime('%Y-%m-%d %H:%M:%S')} [{e.source}] {e.kind}: {e.text}", markup=False)


@orders_app.command("set-state")
def set_state(order: str, state: str, account: str = ACCOUNT) -> None:
    """Change an order's state (id 1-17 or name); the channel is updated by the next dispatch."""
    from ..domain import OrderState
    from ..sync import actions

    hub = _hub()
    new = OrderState.parse(state)
    changed = actions.set_state(hub, actions.find_order(hub, order, account), new, account=account)
    out.print(f"order {order}: {new.name_en}" + ("" if changed else " (unchanged)"))


@orders_app.command("ship")
def ship(
    order: str,
    carrier: str = typer.Option(..., "--carrier"),
    tracking: str = typer.Option(..., "--tracking"),
    url: str = typer.Option("", "--url"),
    account: str = ACCOUNT,
    line: list[str] = typer.Option(
        [],
        "--line",
        help="LINE=QUANTITY (line id or SKU) for a parcel of single lines; repeat it; none: the whole order",
    ),
) -> None:
    """Add a shipment with its tracking number and mark the order shipped (or partially shipped)."""
    from ..sync import actions

    hub = _hub()
    lines = [_line_quantity(x) for x in line]
    actions.ship(
        hub,
        actions.find_order(hub, order, account),
        carrier=carrier,
        tracking_number=tracking,
        tracking_url=url,
        account=account,
        lines=lines,
    )
    out.print(f"order {order}: shipped with {carrier} {tracking}")


def _line_quantity(text: str) -> tuple[str, Decimal]:
    ref, sep, qty = text.rpartition("=")
    problem = typer.BadParameter(f"--line {text!r}: write LINE=QUANTITY, e.g. --line SKU-1=2")
    if not sep or not ref.strip():
        raise problem
    try:
        return ref.strip(), Decimal(qty.strip())
    except ArithmeticError:  # decimal.InvalidOperation
        raise problem from None


@orders_app.command("cancel-lines")
def cancel_lines(
    order: str,
    line: list[str] = typer.Option(..., "--line", help="LINE=QUANTITY; repeat it"),
    reason: str = typer.Option("", "--reason"),
    account: str = ACCOUNT,
) -> None:
    """Cancel quantities of single order lines (they will not be shipped)."""
    from ..sync import actions, fulfilment

    hub = _hub()
    fulfilment.cancel_lines(
        hub, actions.find_order(hub, order, account), [_line_quantity(x) for x in line], reason=reason, account=account
    )
    out.print(f"order {order}: {len(line)} line(s) cancelled")


@orders_app.command("message")
def message(
    order: str,
    text: str = typer.Option(..., "--text"),
    subject: str = typer.Option("", "--subject"),
    account: str = ACCOUNT,
) -> None:
    from ..sync import actions

    hub = _hub()
    actions.send_message(hub, actions.find_order(hub, order, account), subject=subject, text=text, account=account)
    out.print(f"order {order}: message queued")


@outbox_app.command("list")
def outbox_list(
    status: str = typer.Option("dead", "--status", help="pending|sending|awaiting|done|dead|discarded"),
    connection: str = typer.Option(None, "--connection"),
    account: str = ACCOUNT,
) -> None:
    from ..application import outbox

    rows = outbox.entries(_hub(), account, status=status, connection=connection)
    table = Table("id", "connection", "kind", "order", "attempts", "job", "checks", "last error")
    for e in rows:  # job: the platform's job id of an asynchronous push (or its reference while looked up)
        table.add_row(
            str(e.id),
            str(e.connection_id),
            e.kind,
            str(e.order_id or ""),
            str(e.attempts),
            e.job_ref or (f"ref {e.job_token}" if e.status == "awaiting" else ""),
            str(e.checks or ""),
            (e.last_error or "")[:80],
        )
    out.print(table)


@outbox_app.command("history")
def outbox_history(
    entry: int = typer.Argument(..., help="the outbox entry's id (outbox list)"), account: str = ACCOUNT
) -> None:
    """Every send of an entry and every check of its job's result: when, how long, what came back."""
    from ..application import outbox

    table = Table("at", "what", "ok", "ms", "answer", "error")
    for a in outbox.history(_hub(), account, entry):
        table.add_row(
            a.at.isoformat(timespec="seconds"),
            a.kind,
            "yes" if a.ok else "no",
            str(a.duration_ms),
            a.detail or "",
            (a.error or "")[:100],
        )
    out.print(table)


def _act_on_dead(action, ids: list[int] | None, connection: str | None, account: str | None) -> int:
    from ..application import outbox

    return outbox.act_on_dead(_hub(), action, ids, connection, account)


@outbox_app.command("retry")
def outbox_retry(
    ids: list[int] = typer.Argument(None), connection: str = typer.Option(None, "--connection"), account: str = ACCOUNT
) -> None:
    """Put dead letters back in the queue (all of a connection or account, or the given ids)."""
    from ..sync import dispatcher

    out.print(f"{_act_on_dead(dispatcher.retry_dead, ids, connection, account)} entries queued again")


@outbox_app.command("discard")
def outbox_discard(
    ids: list[int] = typer.Argument(None), connection: str = typer.Option(None, "--connection"), account: str = ACCOUNT
) -> None:
    """Drop dead letters for good (all of a connection or account, or the given ids)."""
    from ..sync import dispatcher

    out.print(f"{_act_on_dead(dispatcher.discard_dead, ids, connection, account)} entries discarded")
