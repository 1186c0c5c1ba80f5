"""`ordersync connections ...`: add, list, show, test, remove, pause, resume, systems."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from ..cli_shared import ACCOUNT, _hub, connections_app, out

if TYPE_CHECKING:  # type names only: the modules are imported by the commands that use them
    from ..sync.connections import ConnectionInfo


def _parse_sets(pairs: list[str]) -> dict[str, str]:
    from ..sync.hub import HubError

    values: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise HubError(f"--set {pair!r}: expected key=value")
        key, value = pair.split("=", 1)
        values[key.strip()] = value
    return values


@connections_app.command("systems")
def systems(as_json: bool = typer.Option(False, "--json")) -> None:
    """Every registered system with its capabilities and modes."""
    from ..channels.registry import all_connectors

    data: dict[str, dict[str, Any]] = {
        s: {
            "name": c.display_name,
            "group": c.group,
            "capabilities": {d.capability.value: [m.value for m in d.modes] for d in c.capabilities},
        }
        for s, c in all_connectors().items()
    }
    if as_json:
        out.print_json(json.dumps(data))
        return
    table = Table("system", "name", "group", "capabilities (modes)")
    for system, d in data.items():
        caps = "; ".join(f"{k}: {', '.join(v)}" for k, v in d["capabilities"].items())
        table.add_row(system, d["name"], d["group"], caps)
    out.print(table)


@connections_app.command("add")
def add(
    system: str,
    name: str,
    set_: list[str] = typer.Option([], "--set", help="key=value, repeatable"),
    poll_interval: int = typer.Option(None, "--poll-interval", help="seconds between polls"),
    no_test: bool = typer.Option(False, "--no-test", help="save without testing the connection"),
    no_webhooks: bool = typer.Option(False, "--no-webhooks", help="do not register webhooks"),
    account: str = ACCOUNT,
) -> None:
    """Add a connection, test it, and register its webhooks."""
    from ..application import connections as use

    hub = _hub()
    added = use.add(
        hub,
        system,
        name,
        _parse_sets(set_),
        account=account,
        poll_interval=poll_interval,
        test=not no_test,
        webhooks=not no_webhooks,
    )
    conn_id = added.connection_id
    if added.needs_consent:
        out.print(f"added connection {name!r} (id {conn_id}, {system}); it waits for your consent.")
        _print_consent(hub, conn_id, name)
        return
    if added.test_message:
        out.print(f"connection test: {added.test_message}")
    if added.webhook_url:
        out.print(f"webhooks registered to {added.webhook_url}")
    if added.webhook_problem:
        out.print(f"[yellow]webhooks could not be registered, orders arrive by polling: {added.webhook_problem}[/]")
    out.print(f"added connection {name!r} (id {conn_id}, {system})")


@connections_app.command("list")
def list_(as_json: bool = typer.Option(False, "--json"), account: str = ACCOUNT) -> None:
    from ..sync import connections as conns

    items = conns.list_connections(_hub(), account)
    if as_json:
        out.print_json(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "name": c.name,
                        "system": c.system,
                        "paused": c.paused,
                        "last_success_at": c.last_success_at.isoformat() if c.last_success_at else None,
                        "last_error": c.last_error,
                        "webhooks": _webhooks_word(c),
                        "webhooks_problem": c.webhooks_problem,
                        "webhook_url": c.registered_webhook_url or None,
                        "webhook_delay_seconds": c.webhook_delay_median,
                        "auth_problem": c.auth_problem,
                    }
                    for c in items
                ]
            )
        )
        return
    table = Table("id", "name", "system", "state", "last success", "last error", "webhooks")
    for c in items:
        table.add_row(
            str(c.id),
            c.name,
            c.system,
            _state_word(c),
            c.last_success_at.strftime("%Y-%m-%d %H:%M:%S") if c.last_success_at else "never",
            (c.last_error or "")[:60],
            _webhooks_word(c),
        )
    out.print(table)


@connections_app.command("show")
def show(name: str, account: str = ACCOUNT) -> None:
    from ..application import connections as use

    found = use.overview(_hub(), name, account)
    c = found.info
    out.print(f"[bold]{c.name}[/] ({c.system}, id {c.id}) {'paused' if c.paused else 'active'}")
    out.print(f"poll every {c.poll_interval}s")
    for line in _webhook_lines(c):
        out.print(line)
    for key, value in c.settings.items():
        out.print(f"  {key} = {value}")
    table = Table("run", "kind", "started", "status", "fetched", "new", "changed", "quarantined", "error")
    for r in found.runs:
        table.add_row(
            str(r.id),
            r.kind,
            r.started_at.strftime("%Y-%m-%d %H:%M:%S"),
            r.status,
            str(r.fetched),
            str(r.created),
            str(r.updated),
            str(r.quarantined),
            (r.error or "")[:50],
        )
    out.print(table)


@connections_app.command("test")
def test(name: str, account: str = ACCOUNT) -> None:
    from ..application import connections as use

    out.print(use.check(_hub(), name, account))


def _state_word(c: ConnectionInfo) -> str:
    if c.auth_problem:
        return "needs re-authorisation (Neu autorisieren nötig)"
    return "paused" if c.paused else "active"


def _print_consent(hub, conn_id: int, name: str) -> None:
    from ..sync import oauth_consent

    url = oauth_consent.begin(hub, conn_id, binding=oauth_consent.CLI_BINDING)
    out.print("Open this address, sign in on the platform and allow access:")
    out.print(url, soft_wrap=True)
    out.print(
        f"Then copy the address your browser was sent back to and run:\n"
        f"  ordersync connections authorize {name!r} --callback 'ADDRESS'"
    )


@connections_app.command("authorize")
def authorize(
    name: str,
    callback: str = typer.Option("", "--callback", help="the address the platform sent you back to"),
    code: str = typer.Option("", "--code", help="the code from that address (with --state)"),
    state: str = typer.Option("", "--state", help="the state from that address"),
    refresh_token: str = typer.Option("", "--refresh-token", help="a refresh token you got elsewhere"),
    account: str = ACCOUNT,
) -> None:
    """Authorise an OAuth connection (again): print the consent address, or store what it gave back."""
    from urllib.parse import parse_qs, urlsplit

    from ..sync import connections as conns
    from ..sync import oauth_consent

    hub = _hub()
    with hub.db.session() as s:
        row = conns.find(s, hub, name, account)
    if refresh_token:
        oauth_consent.store_refresh_token(hub, row.id, refresh_token)
        out.print(f"stored the refresh token; {row.name!r} is authorised")
        return
    if callback:
        query = parse_qs(urlsplit(callback).query)
        code, state = (query.get("code") or [""])[0], (query.get("state") or [""])[0]
    if code or state:
        oauth_consent.finish(hub, row.system, state, code, binding=oauth_consent.CLI_BINDING)
        out.print(f"{row.name!r} is authorised")
        return
    _print_consent(hub, row.id, row.name)


def _webhooks_word(c: ConnectionInfo) -> str:
    if not c.has_webhooks:
        return "none"
    return "inactive" if c.webhooks_problem else "active"


def _webhook_lines(c: ConnectionInfo) -> list[str]:
    """The webhook address the shop holds (not today's derived one), its health and its measured delay."""
    if not c.has_webhooks:
        return [f"webhooks: none registered (they would go to {c.webhook_url})"]
    if not c.registered_webhook_url:
        return ["webhooks registered; their address is read from the shop at the next poll"]
    lines = [f"webhook URL {c.registered_webhook_url} (registered in the shop)"]
    if c.webhook_url_mismatch:
        lines.append(
            f"  [yellow]mismatch:[/] this hub's public URL gives {c.webhook_url}; if the hub moved, the "
            "shop still delivers to the registered address: register the webhooks again"
        )
    if c.webhooks_problem:
        lines.append(f"  [red]webhooks inactive:[/] {c.webhooks_problem}")
    elif c.webhooks_checked_at:
        lines.append(f"  webhooks active (checked {c.webhooks_checked_at:%Y-%m-%d %H:%M:%S} UTC)")
    if c.webhook_delay_median is not None:
        lines.append(
            f"  webhook delay: median {c.webhook_delay_median:.1f} s over the last "
            f"{c.webhook_delay_samples} deliveries (order changed -> webhook received)"
        )
    return lines


@connections_app.command("remove")
def remove(name: str, yes: bool = typer.Option(False, "--yes", help="do not ask"), account: str = ACCOUNT) -> None:
    """Remove a connection and its webhooks on the channel; its orders stay in the hub."""
    from ..application import connections as use

    hub = _hub()
    if not yes and not typer.confirm(f"Remove connection {name!r}? Orders stay."):
        raise typer.Exit(1)
    for warning in use.remove(hub, name, account):
        out.print(warning)
    out.print(f"removed connection {name!r}; its orders stay")


@connections_app.command("pause")
def pause(name: str, account: str = ACCOUNT) -> None:
    from ..sync import connections as conns

    conns.set_paused(_hub(), name, True, account)
    out.print(f"paused {name!r}")


@connections_app.command("resume")
def resume(name: str, account: str = ACCOUNT) -> None:
    from ..sync import connections as conns

    conns.set_paused(_hub(), name, False, account)
    out.print(f"resumed {name!r}")
