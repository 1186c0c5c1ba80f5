"""Channels are plain connectors: nothing under ordersync/channels/ imports the engine, the store, the web app,
the application layer, the jobs or the CLI, not even inside a function. The engine calls connectors; a
connector never reaches back (a wrong dependency would otherwise hide until someone imports the channel alone)."""

from __future__ import annotations

from . import importgraph

FORBIDDEN = (
    "ordersync.sync",
    "ordersync.store",
    "ordersync.web",
    "ordersync.application",
    "ordersync.jobs",
    "ordersync.cli_commands",
    "ordersync.cli",
    "ordersync.cli_shared",
)


def forbidden_imports(found: dict[str, importgraph.Module]) -> list[str]:
    """One line per offending import statement: `module:line imports name`."""
    problems: dict[tuple[str, int], str] = {}
    for mod in found.values():
        if not mod.name.startswith("ordersync.channels."):
            continue
        for name, line in importgraph.imported_names(mod, everywhere=True):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                problems.setdefault((mod.name, line), f"{mod.name}:{line} imports {name}")
    return sorted(problems.values())


def test_no_channel_imports_the_engine_store_web_jobs_or_cli():
    found = importgraph.modules()
    assert sum(n.startswith("ordersync.channels.") for n in found) > 50  # the reading works
    assert forbidden_imports(found) == []


def test_the_check_finds_a_relative_import_inside_a_function(tmp_path):
    pkg = tmp_path / "ordersync" / "channels" / "fake"
    pkg.mkdir(parents=True)
    for init in (tmp_path / "ordersync", tmp_path / "ordersync" / "channels", pkg):
        (init / "__init__.py").write_text("")
    (pkg / "upload.py").write_text(
        "def later():\n    from ...store.models import OrderRow\nfrom ..sdk import records\n"
    )
    found = importgraph.modules(tmp_path)
    problems = forbidden_imports(found)
    assert problems == ["ordersync.channels.fake.upload:2 imports ordersync.store.models"]
