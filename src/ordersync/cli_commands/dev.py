"""`ordersync dev ...`: tools for people who build ordersync, e.g. `dev new-connector NAME`."""

from __future__ import annotations

from pathlib import Path

import typer

from ..cli_shared import app, out

dev_app = typer.Typer(no_args_is_help=True, help="Tools for developing ordersync itself.")
app.add_typer(dev_app, name="dev")


@dev_app.command("new-connector")
def new_connector(
    name: str = typer.Argument(..., help="system id: lowercase letters, digits and _"),
    into: Path = typer.Option(
        None, "--into", help="write into this package folder instead of ordersync/channels (needs --package)"
    ),
    package: str = typer.Option("", "--package", help="the dotted package name of --into"),
    tests: Path = typer.Option(
        None, "--tests", help="folder for the connector's tests (default: tests/channels, or DIR/tests with --into)"
    ),
    display: str = typer.Option("", "--display-name", help="the name sellers see"),
) -> None:
    """Write a working skeleton connector (declaration, client, mapping, German texts, sandbox, test)."""
    from ..devtools.new_connector import create

    written = create(name, into=into, package=package, tests=tests, display=display)
    for path in written.files:
        out.print(f"wrote {path}", markup=False)
    if written.pyproject is not None:
        out.print(
            f"added the entry point to {written.pyproject}; run `make install` so the registry sees it", markup=False
        )
    else:
        out.print(
            'register it in your pyproject.toml under [project.entry-points."ordersync.connectors"]: '
            + written.entry_point,
            markup=False,
        )
    out.print("next: docs/adding-a-connector.md")
