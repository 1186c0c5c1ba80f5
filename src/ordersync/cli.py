"""The `ordersync` command line. Every error exits non-zero with one line that says what is wrong.

It starts at once: this module and every module in cli_commands/ import only typer and rich at the top; a
command imports what it uses (the database, the web app, PDF, mail, argon2) inside its own function, so that
`--help` or `orders list` never pays for the web server or a PDF font. tests/cli/test_startup_imports.py holds it.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console

app = typer.Typer(no_args_is_help=True, add_completion=False, help="ordersync: one inbox for every channel.")
connections_app = typer.Typer(no_args_is_help=True, help="Shop and marketplace connections.")
orders_app = typer.Typer(no_args_is_help=True, help="Orders in the hub.")
stock_app = typer.Typer(no_args_is_help=True, help="Stock levels.")
articles_app = typer.Typer(no_args_is_help=True, help="Articles and channel listings.")
outbox_app = typer.Typer(no_args_is_help=True, help="Outbound effects and dead letters.")
db_app = typer.Typer(no_args_is_help=True, help="Database maintenance.")
for sub, name in ((connections_app, "connections"), (orders_app, "orders"), (stock_app, "stock"),
                  (articles_app, "articles"), (outbox_app, "outbox"), (db_app, "db")):
    app.add_typer(sub, name=name)

out = Console()
err = Console(stderr=True)
ACCOUNT = typer.Option(None, "--account", help="Account name (default: the only account).")


def _hub():
    from .sync.hub import Hub

    return Hub.open()


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=False)


def main() -> None:
    try:
        app()
    except Exception as exc:
        if not _user_error(exc):
            raise
        message = " ".join(str(exc).split())  # one line, never wrapped at the terminal's width
        print(f"error: {message}", file=sys.stderr)
        sys.exit(1)


def _user_error(exc: Exception) -> bool:
    """HubError, SettingsError, ChannelError or ValueError: imported here, not at start, as the commands are."""
    from .channels.sdk.errors import ChannelError
    from .channels.sdk.settings import SettingsError
    from .sync.hub import HubError

    return isinstance(exc, (HubError, SettingsError, ChannelError, ValueError))


def _load_commands() -> None:
    """Every module in cli_commands/ registers its commands on import; new command groups need no edit here."""
    import importlib
    import pkgutil

    from . import cli_commands

    for info in sorted(pkgutil.iter_modules(cli_commands.__path__), key=lambda i: i.name):
        importlib.import_module(f"{cli_commands.__name__}.{info.name}")


_load_commands()
