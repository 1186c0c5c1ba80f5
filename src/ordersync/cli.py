"""The `ordersync` command line. Every error exits non-zero with one line that says what is wrong.

It starts at once: this module and every module in cli_commands/ import only typer and rich at the top; a
command imports what it uses (the database, the web app, PDF, mail, argon2) inside its own function, so that
`--help` or `orders list` never pays for the web server or a PDF font. tests/cli/test_startup_imports.py holds it.
"""

from __future__ import annotations

import copy
import sys
from typing import TYPE_CHECKING

from .cli_shared import (  # re-exported: tests and scripts use ordersync.cli.app
    ACCOUNT,
    _hub,
    _progress,
    app,
    articles_app,
    connections_app,
    db_app,
    err,
    orders_app,
    out,
    outbox_app,
    stock_app,
)

__all__ = [
    "ACCOUNT",
    "_hub",
    "_progress",
    "app",
    "articles_app",
    "connections_app",
    "db_app",
    "err",
    "main",
    "orders_app",
    "out",
    "outbox_app",
    "stock_app",
]

if TYPE_CHECKING:
    import typer


def main() -> None:
    try:
        app_for(sys.argv[1:])()
    except Exception as exc:
        if not _user_error(exc):
            raise
        message = " ".join(str(exc).split())  # one line, never wrapped at the terminal's width
        print(f"error: {message}", file=sys.stderr)
        sys.exit(1)


def app_for(args: list[str]) -> typer.Typer:
    """The app that runs ``ordersync ARGS``: for a command of a group (`ordersync orders list`), the top level
    with that group alone. Typer turns every registered command into a click command (reading each one's
    signature) before it parses a word, some 60 commands and a tenth of a short command's start; a group
    parses the words after its name by itself, so the others are never needed. Anything else (`--help`, a
    top-level command such as `sync`, a mistyped name) gets the whole app, so what it prints is unchanged."""
    groups = [g for g in app.registered_groups if args and g.name == args[0]]
    if not groups:
        return app
    only = copy.copy(app)  # the same settings (help, no_args_is_help, completion, markup mode)
    only.registered_groups = groups  # a group, never a single command: typer would run that without its name
    only.registered_commands = []
    return only


def _user_error(exc: Exception) -> bool:
    """HubError, SettingsError, ChannelError or ValueError: imported here, not at start, as the commands are."""
    from .channels.sdk.errors import ChannelError
    from .channels.sdk.settings import SettingsError
    from .hub import HubError

    return isinstance(exc, (HubError, SettingsError, ChannelError, ValueError))


def _load_commands() -> None:
    """Every module in cli_commands/ registers its commands on import; new command groups need no edit here."""
    import importlib
    import pkgutil

    from . import cli_commands

    for info in sorted(pkgutil.iter_modules(cli_commands.__path__), key=lambda i: i.name):
        importlib.import_module(f"{cli_commands.__name__}.{info.name}")


_load_commands()
