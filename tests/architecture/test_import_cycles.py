"""Every module of the package imports on its own, and no two modules import each other at import time.

An import cycle works or fails by which module happens to be imported first (`import
ordersync.cli_commands.runtime` failed while `ordersync.cli` worked), so both are checked: the static graph
for any cycle at all, and a real import of each module with nothing of the package loaded before it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from . import importgraph

# alembic runs these with its own context; they are not importable as modules (file names start with digits)
NOT_MODULES = ("ordersync.store.migrations",)


def test_the_module_level_import_graph_has_no_cycle():
    found = importgraph.graph()
    assert "ordersync.sync.importer" in found and found["ordersync.sync.importer"].imports  # the reading works
    cycles = importgraph.cycles(found)
    assert cycles == [], "import cycles (modules that import each other at import time): " + "; ".join(
        " <-> ".join(c) for c in cycles
    )


def test_the_graph_check_sees_a_cycle(tmp_path):
    """The check itself: two modules importing each other are reported, a function-level import is not."""
    pkg = tmp_path / "ordersync"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "a.py").write_text("from . import b\n")
    (pkg / "sub" / "b.py").write_text("from .a import thing\n")
    (pkg / "sub" / "c.py").write_text("def later():\n    from . import d\n")
    (pkg / "sub" / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import c\nfrom . import c\n"
    )
    cycles = importgraph.cycles(importgraph.graph(importgraph.modules(tmp_path)))
    assert cycles == [["ordersync.sub.a", "ordersync.sub.b"]]


def test_every_module_imports_first_in_a_fresh_interpreter():
    """One interpreter per chunk of modules; before each module every `ordersync` module is dropped from
    sys.modules, so each is imported as if it were the first (third-party libraries stay loaded: fast)."""
    names = [n for n in sorted(importgraph.modules()) if not n.startswith(NOT_MODULES)]
    assert len(names) > 100
    script = textwrap.dedent("""
        import importlib, sys, traceback, warnings
        failed = []
        for name in sys.argv[1:]:
            for loaded in [m for m in sys.modules if m == "ordersync" or m.startswith("ordersync.")]:
                del sys.modules[loaded]
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    importlib.import_module(name)
            except Exception as exc:
                failed.append(f"{name}: {type(exc).__name__}: {exc}")
        print("\\n".join(failed))
        sys.exit(1 if failed else 0)
    """)
    proc = subprocess.run([sys.executable, "-c", script, *names], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, "modules that do not import on their own:\n" + proc.stdout + proc.stderr[-2000:]


def test_no_two_parts_of_the_package_import_each_other():
    """Layers, not a web: e.g. mail/ imported the engine for the Hub while the engine imported mail/ for buyer
    notices. The Hub now lives in ordersync/hub.py and the notices in sync/mail_notices.py."""
    edges = importgraph.package_edges(importgraph.graph())
    assert ("ordersync.sync", "ordersync.store") in edges  # the reading works
    both = [f"{a} <-> {b}: {edges[(a, b)][0]}; {edges[(b, a)][0]}" for a, b in edges if (b, a) in edges and a < b]
    assert both == []


def test_the_engine_needs_no_accounts_notify_forwarding_web_or_application_at_import():
    edges = importgraph.package_edges(importgraph.graph())
    above = {
        "ordersync.accounts",
        "ordersync.notify",
        "ordersync.forwarding",
        "ordersync.web",
        "ordersync.application",
        "ordersync.jobs",
        "ordersync.cli_commands",
        "ordersync.cli",
    }
    assert [e for (a, b), e in edges.items() if a == "ordersync.sync" and b in above] == []
