"""Structural checks on a connector's folder that need no running code, shared by the tests and the
skeleton's own checks.

``connector_imports``: a sandbox imports nothing of its connector (issue 11, "Sandbox independence"),
otherwise a field name the connector gets wrong is shared by construction and no test can catch it.
"""

from __future__ import annotations

import ast
from pathlib import Path


def connector_imports(sandbox: Path, system: str, package: str = "ordersync.channels") -> list[str]:
    """Every import in the ``sandbox`` folder that reaches ``<package>.<system>`` outside the sandbox, as
    ``"file.py:line module"``; empty when the sandbox is independent. The sandbox folder is taken to be
    ``<package>/<system>/sandbox``, which is how relative imports are resolved."""
    own, found = f"{package}.{system}", []
    for path in sorted(sandbox.rglob("*.py")):
        here = [*own.split("."), *path.relative_to(sandbox.parent).parent.parts]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = here[: len(here) - node.level + 1] if node.level else []
                module = [*base, *(node.module.split(".") if node.module else [])]
                names = [".".join(module)] if node.module else [".".join([*module, a.name]) for a in node.names]
            else:
                continue
            for name in names:
                if (name == own or name.startswith(own + ".")) and not name.startswith(own + ".sandbox"):
                    found.append(f"{path.name}:{node.lineno} {name}")
    return found
