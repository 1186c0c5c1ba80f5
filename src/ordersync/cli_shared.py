"""What every `ordersync` command module shares: the Typer apps, the consoles, `--account`, opening the hub.

Kept apart from cli.py so that a command module imports it without running cli.py's `_load_commands()`:
importing cli_commands/runtime.py on its own would otherwise import cli.py, which imports every command
module, one of which imports runtime.py half-initialised (an import cycle). Like cli.py it imports only
typer and rich at the top, so `--help` stays fast.
"""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(no_args_is_help=True, add_completion=False, help="ordersync: one inbox for every channel.")
connections_app = typer.Typer(no_args_is_help=True, help="Shop and marketplace connections.")
orders_app = typer.Typer(no_args_is_help=True, help="Orders in the hub.")
stock_app = typer.Typer(no_args_is_help=True, help="Stock levels.")
articles_app = typer.Typer(no_args_is_help=True, help="Articles and channel listings.")
outbox_app = typer.Typer(no_args_is_help=True, help="Outbound effects and dead letters.")
db_app = typer.Typer(no_args_is_help=True, help="Database maintenance.")
for sub, name in (
    (connections_app, "connections"),
    (orders_app, "orders"),
    (stock_app, "stock"),
    (articles_app, "articles"),
    (outbox_app, "outbox"),
    (db_app, "db"),
):
    app.add_typer(sub, name=name)

out = Console()
err = Console(stderr=True)
ACCOUNT = typer.Option(None, "--account", help="Account name (default: the only account).")


def _hub():
    from .hub import Hub

    return Hub.open()


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
