"""What a CLI command loads: the modules in ``sys.modules`` when the entry point exits, read in a fresh
process (issue 15, goal 4). Used by tests/cli/test_startup_imports.py and bench/cli_startup.py, so the check
and the figure count the same modules. ``python -X importtime`` is not enough: it does not list a module loaded
with ``importlib.import_module``, which is how cli.py loads its command modules."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable, Mapping

# the same command line as the entry point; at exit it writes the names of every module loaded to stderr
PROBE = """\
import json, sys
sys.argv[0] = "ordersync"
from ordersync.cli import main
try:
    main()
except SystemExit as exc:
    if exc.code not in (0, None):
        raise
print("\\n" + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

# what a command that does not serve, print, mail or check passwords must not pay for, by kind
WEB = (
    "ordersync.web",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "multipart",
    "python_multipart",
    "httptools",
    "uvloop",
)
PDF = ("fpdf", "fontTools", "ordersync.forwarding.documents")
MAIL = (
    "smtplib",
    "imaplib",
    "imapclient",
    "email.mime",
    "ordersync.mail",
    "ordersync.notify",
    "ordersync.channels.email_import",
)
PASSWORD_HASHING = ("argon2", "_argon2_cffi_bindings", "ordersync.accounts.passwords")
OBSERVABILITY = ("prometheus_client", "structlog")  # metrics and JSON logs: `serve` and `worker` only
HEAVY = WEB + PDF + MAIL + PASSWORD_HASHING + OBSERVABILITY


class ProbeFailed(RuntimeError):
    """The command itself failed; its standard error's end is the message."""


def probe(args: list[str], env: Mapping[str, str], *, timeout: float = 120) -> tuple[set[str], str]:
    """Every module loaded when ``ordersync ARGS`` exits, whichever way it was imported, and what it printed."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=dict(env), capture_output=True, text=True, timeout=timeout
    )
    if proc.returncode != 0:
        raise ProbeFailed(f"ordersync {' '.join(args)} failed: {proc.stderr[-3000:]}")
    return set(json.loads(proc.stderr.rstrip().rsplit("\n", 1)[-1])), proc.stdout


def loaded(args: list[str], env: Mapping[str, str]) -> set[str]:
    """Every module loaded when ``ordersync ARGS`` exits."""
    return probe(args, env)[0]


def heavy(modules: Iterable[str], names: Iterable[str] = HEAVY) -> list[str]:
    """The ``modules`` that are one of ``names`` or inside one of them."""
    names = tuple(names)
    return sorted({m for m in modules for h in names if m == h or m.startswith(h + ".")})
