"""No engine code names a system: what a connector can do is read from its declaration, never from its name.

The engine (sync/, jobs/, web/, readmodel/, the application layer) is searched for string literals that name a
channel (docstrings and comments are prose and may name one as an example), comparisons of a `system` with a
literal, imports of one connector's package, and `system == '...'` in templates. Translation catalogs
(web/ui/catalog_*.py) are user-visible prose like docstrings and are left out."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from . import importgraph

ENGINE = ("sync", "jobs", "web", "readmodel", "application")
CHANNELS = importgraph.SRC / "ordersync" / "channels"
NOT_SYSTEMS = {"sdk", "__pycache__"}


def channel_packages() -> set[str]:
    return {p.name for p in CHANNELS.iterdir() if p.is_dir() and p.name not in NOT_SYSTEMS}


def system_ids() -> set[str]:
    """The `system = "..."` of every connector class in the channel packages, read from the source."""
    found = set()
    for path in CHANNELS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if (
                        isinstance(stmt, ast.Assign)
                        and [getattr(t, "id", None) for t in stmt.targets] == ["system"]
                        and isinstance(stmt.value, ast.Constant)
                        and isinstance(stmt.value.value, str)
                    ):
                        found.add(stmt.value.value)
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _mentions_system(node: ast.AST) -> bool:
    text = ast.unparse(node).lower()
    return "system" in text


def findings_in(path: Path, module: str, packages: set[str], systems: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    names = re.compile(r"\b(" + "|".join(sorted(packages | {s for s in systems if len(s) > 5})) + r")\b", re.I)
    found = []
    for node in ast.walk(tree):
        where = f"{module}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if names.search(node.value):
                found.append(f"{where} string {node.value[:60]!r}")
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            literals = [s.value for s in sides if isinstance(s, ast.Constant) and isinstance(s.value, str)]
            literals += [
                e.value
                for s in sides
                if isinstance(s, (ast.Tuple, ast.List, ast.Set))
                for e in s.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
            if any(v in systems or v in packages for v in literals) and any(_mentions_system(s) for s in sides):
                found.append(f"{where} compares a system with {literals}")
    fake = importgraph.Module(module, path, path.name == "__init__.py")
    for name, line in importgraph.imported_names(fake, everywhere=True):
        parts = name.split(".")
        if parts[:2] == ["ordersync", "channels"] and len(parts) > 2 and parts[2] in packages:
            found.append(f"{module}:{line} imports {'.'.join(parts[:3])}")
    return sorted(set(found))


def engine_findings() -> list[str]:
    packages, systems = channel_packages(), system_ids()
    found = []
    for name, mod in importgraph.modules().items():
        if name.split(".")[1:2] and name.split(".")[1] in ENGINE and not name.split(".")[-1].startswith("catalog_"):
            found += findings_in(mod.path, name, packages, systems)
    for template in (importgraph.SRC / "ordersync" / "web").rglob("*.html"):
        for n, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"system\s*(==|!=|in)\s*['\"(\[]", line):
                found.append(f"{template.relative_to(importgraph.SRC)}:{n} compares a system in a template")
    return found


def test_the_engine_names_no_system():
    packages, systems = channel_packages(), system_ids()
    assert {"woocommerce", "shopify", "textalk", "csv_import", "email_import"} <= packages  # the reading works
    assert {"woocommerce", "shopify", "textalk", "csv", "email"} <= systems
    assert engine_findings() == []


def test_the_check_sees_names_but_not_prose(tmp_path):
    source = tmp_path / "mod.py"
    source.write_text(
        '"""Mentions WooCommerce in prose."""\n'
        "from ordersync.channels.shopify.client import Client\n"
        "def f(row, kind):\n"
        '    """Shopify, as an example."""\n'
        "    # textalk in a comment\n"
        '    if row.system == "csv":\n'
        "        return 1\n"
        '    if kind == "email":  # not a system comparison\n'
        "        return 2\n"
        '    return "woocommerce"\n'
    )
    found = findings_in(source, "ordersync.sync.mod", channel_packages(), system_ids())
    assert found == [
        "ordersync.sync.mod:10 string 'woocommerce'",
        "ordersync.sync.mod:2 imports ordersync.channels.shopify",
        "ordersync.sync.mod:6 compares a system with ['csv']",
    ]
