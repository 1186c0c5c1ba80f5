"""Write the skeleton of a new connector: ``ordersync dev new-connector NAME``.

The skeleton is a small connector that works from the first minute: a declaration (importing orders by
polling, the only capability it implements), a client on ``ChannelHTTP``, a pure mapper, German texts, a
sandbox on the SDK's kit that imports nothing of its connector, and a test that runs the connector against
that sandbox over loopback. docs/adding-a-connector.md walks through each file.

The files come from ``skeleton/*.txt`` with ``@@system@@``, ``@@Class@@``, ``@@Display@@`` and
``@@package@@`` filled in. By default they go into this installation's ``ordersync/channels/NAME`` and
``tests/channels/NAME`` and the entry point is added to ``pyproject.toml``; ``--into DIR --package PKG``
writes them into any importable package instead (tests use a temporary one).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

SKELETON = files("ordersync.devtools") / "skeleton"
NAME = re.compile(r"[a-z][a-z0-9_]*")
ENTRY_POINTS = '[project.entry-points."ordersync.connectors"]'

#: skeleton template → where it goes, relative to the connector's folder ("tests/" = the tests folder)
LAYOUT = {
    "__init__.py.txt": "__init__.py",
    "connector.py.txt": "connector.py",
    "client.py.txt": "client.py",
    "mapping.py.txt": "mapping.py",
    "texts_de.py.txt": "texts_de.py",
    "sandbox__init__.py.txt": "sandbox/__init__.py",
    "sandbox_app.py.txt": "sandbox/app.py",
    "test_connector.py.txt": "tests/test_connector.py",
}


class ScaffoldError(ValueError):
    """The name or the target cannot take a new connector; the message says why."""


@dataclass
class Written:
    connector_dir: Path
    tests_dir: Path
    files: list[Path] = field(default_factory=list)
    entry_point: str = ""
    pyproject: Path | None = None  # set when the entry point was added to it


def check_name(name: str, existing: set[str]) -> None:
    """A system id the registry accepts, a Python identifier, and not taken."""
    if not NAME.fullmatch(name) or keyword.iskeyword(name):
        raise ScaffoldError(
            f"{name!r} is not a valid connector name: use lowercase letters, digits and _, "
            "starting with a letter (it becomes a Python package and the system id)"
        )
    if name in existing or name in ("sdk", "registry", "matrix"):
        raise ScaffoldError(f"a channel named {name!r} already exists; choose another name")


def class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_") if part)


def display_name(name: str) -> str:
    return " ".join(part.capitalize() for part in name.split("_") if part)


def project_root() -> Path | None:
    """The source checkout this ordersync runs from (``src/ordersync`` with ``pyproject.toml``), if any."""
    root = Path(str(files("ordersync"))).resolve().parents[1]
    return root if (root / "pyproject.toml").is_file() else None


def render(template: str, **values: str) -> str:
    text = (SKELETON / template).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    if "@@" in text:
        raise AssertionError(f"skeleton {template} has an unfilled placeholder")  # a bug in the skeleton
    return text


def create(
    name: str,
    *,
    into: Path | None = None,
    package: str = "",
    tests: Path | None = None,
    display: str = "",
    existing: set[str] | None = None,
) -> Written:
    """Write the skeleton and return what was written. Nothing is written if a check fails."""
    if into is None:
        into = Path(str(files("ordersync.channels")))
        package = package or "ordersync.channels"
        root = project_root()
        tests = tests or (root / "tests" / "channels" if root else into / name / "tests")
    elif not package:
        raise ScaffoldError("--into needs --package: the dotted name under which DIR is importable")
    if not all(part.isidentifier() for part in package.split(".")):
        raise ScaffoldError(f"--package {package!r} is not a dotted Python name")
    if existing is None:
        from ..channels.registry import all_connectors

        existing = set(all_connectors())
    existing |= {p.name for p in into.iterdir() if p.is_dir()} if into.is_dir() else set()
    check_name(name, existing)
    tests = tests or into / "tests"
    target, test_dir = into / name, tests / name
    for path in (target, test_dir):
        if path.exists():
            raise ScaffoldError(f"{path} already exists; nothing was written")
    values = {"system": name, "Class": class_name(name), "Display": display or display_name(name), "package": package}
    out = Written(target, test_dir, entry_point=f'{name} = "{package}.{name}.connector:{class_name(name)}Connector"')
    for template, relative in LAYOUT.items():
        path = test_dir / relative.removeprefix("tests/") if relative.startswith("tests/") else target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(template, **values), encoding="utf-8")
        out.files.append(path)
    init = test_dir / "__init__.py"
    if not init.exists():
        init.write_text("", encoding="utf-8")
        out.files.append(init)
    if package == "ordersync.channels" and (root := project_root()) is not None:
        out.pyproject = add_entry_point(root / "pyproject.toml", out.entry_point)
    return out


def add_entry_point(pyproject: Path, line: str) -> Path:
    """Append ``line`` at the end of the connectors' entry-point table (an additive, one-line edit)."""
    text = pyproject.read_text(encoding="utf-8")
    start = text.find(ENTRY_POINTS)
    if start < 0:
        raise ScaffoldError(f"{pyproject} has no {ENTRY_POINTS} table; add the entry point by hand: {line}")
    end = text.find("\n\n", start)
    end = len(text.rstrip("\n")) if end < 0 else end
    pyproject.write_text(text[:end] + "\n" + line + text[end:], encoding="utf-8")
    return pyproject
