"""`ordersync forwarding ...` and `ordersync forward ORDER --target NAME`: forwarding orders to suppliers."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from ..cli_shared import ACCOUNT, _hub, app, out

forwarding_app = typer.Typer(no_args_is_help=True, help="Forward orders to suppliers and fulfillers.")
targets_app = typer.Typer(no_args_is_help=True, help="Where orders are forwarded to.")
rules_app = typer.Typer(no_args_is_help=True, help="Which orders are forwarded automatically.")
forwarding_app.add_typer(targets_app, name="targets")
forwarding_app.add_typer(rules_app, name="rules")
app.add_typer(forwarding_app, name="forwarding")


def _when(value) -> str | None:
    return value.isoformat() if value else None


@app.command("forward")
def forward(
    order: str,
    target: str = typer.Option(..., "--target"),
    now: bool = typer.Option(False, "--now", help="send at once instead of at the next run"),
    account: str = ACCOUNT,
) -> None:
    """Forward one order to a target (once per target)."""
    from .. import forwarding
    from ..sync.actions import find_order
    from ..sync.hub import HubError

    hub = _hub()
    forward_id = forwarding.forward_order(hub, find_order(hub, order, account), target, account)
    if not now:
        out.print(f"order {order}: forward {forward_id} to {target} queued")
        return
    forwarding.dispatch_due(hub)
    (info,) = [f for f in forwarding.list_forwards(hub, account=account) if f.id == forward_id]
    if info.status != "done":
        raise HubError(f"forward {forward_id} to {target}: {info.status}: {info.last_error}")
    out.print(f"order {order}: forwarded to {target} ({info.result})")


@targets_app.command("add")
def targets_add(
    name: str,
    email: str = typer.Option(None, "--email", help="forward by e-mail to this address"),
    url: str = typer.Option(None, "--url", help="forward as a signed JSON POST to this URL"),
    secret: str = typer.Option(None, "--secret", help="HTTP signing secret (default: generated)"),
    language: str = typer.Option("de", "--language", help="de | en (mail text and PDF)"),
    account: str = ACCOUNT,
) -> None:
    from .. import forwarding
    from ..sync.hub import HubError

    if (email is None) == (url is None):
        raise HubError("give exactly one of --email ADDRESS or --url URL")
    info = forwarding.add_target(
        _hub(), name, "email" if email else "http", email or url, language=language, secret=secret, account=account
    )
    out.print(f"added forwarding target {name!r} ({info.kind} {info.address})", markup=False)
    if info.secret and not secret:
        out.print(f"signing secret (shown once; give it to the receiver): {info.secret}", markup=False)


@targets_app.command("list")
def targets_list(as_json: bool = typer.Option(False, "--json"), account: str = ACCOUNT) -> None:
    from .. import forwarding

    items = forwarding.list_targets(_hub(), account)
    if as_json:
        out.print_json(
            json.dumps(
                [
                    {
                        "id": t.id,
                        "name": t.name,
                        "kind": t.kind,
                        "address": t.address,
                        "language": t.language,
                        "enabled": t.enabled,
                    }
                    for t in items
                ]
            )
        )
        return
    table = Table("id", "name", "kind", "address", "language")
    for t in items:
        table.add_row(str(t.id), t.name, t.kind, t.address, t.language)
    out.print(table)


@targets_app.command("remove")
def targets_remove(name: str, account: str = ACCOUNT) -> None:
    """Remove a target with its rules and forwarding records."""
    from .. import forwarding

    forwarding.remove_target(_hub(), name, account)
    out.print(f"removed forwarding target {name!r}")


@rules_app.command("add")
def rules_add(
    target: str,
    connection: str = typer.Option(None, "--connection"),
    state: str = typer.Option(None, "--state", help="state id or name, e.g. paid"),
    sku: str = typer.Option(None, "--sku", help="orders with an item of this SKU"),
    supplier: str = typer.Option(None, "--supplier", help="orders with an article of this supplier"),
    account: str = ACCOUNT,
) -> None:
    """Forward orders that change from now on and match every condition given."""
    from .. import forwarding

    rule_id = forwarding.add_rule(
        _hub(), target, connection=connection, state=state, sku=sku, supplier=supplier, account=account
    )
    out.print(f"added rule {rule_id} → {target}")


@rules_app.command("list")
def rules_list(as_json: bool = typer.Option(False, "--json"), account: str = ACCOUNT) -> None:
    from .. import forwarding

    items = forwarding.list_rules(_hub(), account)
    if as_json:
        out.print_json(json.dumps([r.__dict__ for r in items]))
        return
    table = Table("id", "target", "connection", "state", "sku", "supplier")
    for r in items:
        table.add_row(str(r.id), r.target, r.connection or "any", r.state or "any", r.sku or "any", r.supplier or "any")
    out.print(table)


@rules_app.command("remove")
def rules_remove(rule_id: int, account: str = ACCOUNT) -> None:
    from .. import forwarding

    forwarding.remove_rule(_hub(), rule_id, account)
    out.print(f"removed rule {rule_id}")


@forwarding_app.command("supplier")
def supplier(
    sku: str, name: str = typer.Argument(..., help="the supplier's name; empty to clear"), account: str = ACCOUNT
) -> None:
    """Name an article's supplier (for rules with --supplier)."""
    from .. import forwarding

    forwarding.set_supplier(_hub(), sku, name, account)
    out.print(f"{sku}: supplier {name!r}" if name else f"{sku}: no supplier")


@forwarding_app.command("list")
def list_(
    failed: bool = typer.Option(False, "--failed", help="only failed forwards and ones awaiting a retry"),
    order: str = typer.Option(None, "--order"),
    as_json: bool = typer.Option(False, "--json"),
    account: str = ACCOUNT,
) -> None:
    from .. import forwarding
    from ..sync.actions import find_order

    hub = _hub()
    order_id = find_order(hub, order, account) if order else None
    items = forwarding.list_forwards(hub, failed=failed, order_id=order_id, account=account)
    if as_json:
        out.print_json(
            json.dumps(
                [
                    {
                        "id": f.id,
                        "order_id": f.order_id,
                        "order": f.order_number,
                        "target": f.target,
                        "trigger": f.trigger,
                        "status": f.status,
                        "attempts": f.attempts,
                        "next_attempt_at": _when(f.next_attempt_at),
                        "last_error": f.last_error,
                        "result": f.result,
                        "sent_at": _when(f.sent_at),
                    }
                    for f in items
                ]
            )
        )
        return
    table = Table("id", "order", "target", "trigger", "status", "attempts", "next try (UTC)", "last error")
    for f in items:
        table.add_row(
            str(f.id),
            f.order_number,
            f.target,
            f.trigger,
            f.status,
            str(f.attempts),
            f.next_attempt_at.strftime("%Y-%m-%d %H:%M:%S") if f.next_attempt_at else "",
            (f.last_error or "")[:70],
        )
    out.print(table)


@forwarding_app.command("retry")
def retry(ids: list[int] = typer.Argument(None), account: str = ACCOUNT) -> None:
    """Send failed forwards (all, or the given ids) again at the next run."""
    from .. import forwarding

    out.print(f"{forwarding.retry(_hub(), ids or None, account)} forwards queued again")


@forwarding_app.command("run")
def run() -> None:
    """Apply the rules and send what is due now (the scheduler does this by itself)."""
    from .. import forwarding

    hub = _hub()
    queued = forwarding.apply_rules(hub)
    sent = forwarding.dispatch_due(hub)
    out.print(f"{queued} forwards queued by rules, {sent} sent")
