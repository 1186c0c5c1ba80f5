"""The package's module-level import graph, read with `ast` (nothing is imported).

Only imports that run when a module is imported count: those at module level, in `if`/`try` blocks at module
level, but not those inside functions or under `if TYPE_CHECKING:`. Importing `a.b.c` also runs `a` and `a.b`,
so an edge to a module is an edge to its parent packages too.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "ordersync"


@dataclass
class Module:
    name: str
    path: Path
    is_package: bool
    imports: dict[str, int] = field(default_factory=dict)  # imported module -> first line


def modules(root: Path = SRC, package: str = PACKAGE) -> dict[str, Module]:
    found: dict[str, Module] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        found[".".join(parts)] = Module(".".join(parts), path, is_package)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _top_level(body: list[ast.stmt]):
    """Statements that run at import: module level and inside module-level if/try/with, not in functions."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if isinstance(node, ast.ClassDef):  # a class body runs at import
                yield from _top_level(node.body)
            continue
        if isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _top_level(node.body)
            yield from _top_level(node.orelse)
            continue
        if isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *[h.body for h in node.handlers]):
                yield from _top_level(block)
            continue
        if isinstance(node, ast.With):
            yield from _top_level(node.body)
            continue
        yield node


def _resolve(mod: Module, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    base = mod.name.split(".")
    if not mod.is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def imported_names(mod: Module, *, everywhere: bool = False) -> list[tuple[str, int]]:
    """(dotted name, line) of every import; `everywhere` includes those inside functions and TYPE_CHECKING."""
    tree = ast.parse(mod.path.read_text(encoding="utf-8"))
    nodes = ast.walk(tree) if everywhere else _top_level(tree.body)
    names: list[tuple[str, int]] = []
    for node in nodes:
        if isinstance(node, ast.Import):
            names += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(mod, node.level, node.module)
            names.append((base, node.lineno))
            names += [(f"{base}.{a.name}", node.lineno) for a in node.names]  # `from pkg import submodule`
    return names


def graph(found: dict[str, Module] | None = None) -> dict[str, Module]:
    """Edges to modules of the package only: for `a.b.c` the nearest existing module and its parents."""
    found = found if found is not None else modules()
    for mod in found.values():
        for name, line in imported_names(mod):
            if not name.startswith(PACKAGE):
                continue
            parts = name.split(".")
            for i in range(1, len(parts) + 1):
                target = ".".join(parts[:i])
                if target in found and target != mod.name:
                    mod.imports.setdefault(target, line)
    return found


def cycles(found: dict[str, Module]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as one cycle path.

    A package's own __init__ importing its submodules is not a cycle by itself: importing the submodule runs the
    package first, and the package then imports the submodule, which Python handles. Edges from a module to its
    own parent packages are therefore left out."""

    def edges(name: str) -> list[str]:
        return [t for t in found[name].imports if not name.startswith(t + ".")]

    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    import sys

    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    for name in sorted(found):
        if name not in index:
            visit(name)
    return result


def package_edges(found: dict[str, Module]) -> dict[tuple[str, str], list[str]]:
    """Edges between the package's top-level parts (ordersync.sync -> ordersync.mail), each with its examples."""

    def part(name: str) -> str:
        return ".".join(name.split(".")[:2])

    edges: dict[tuple[str, str], list[str]] = {}
    for mod in found.values():
        for target, line in mod.imports.items():
            a, b = part(mod.name), part(target)
            if a != b and b != PACKAGE:
                edges.setdefault((a, b), []).append(f"{mod.name}:{line} -> {target}")
    return edges
