"""CLI start-up (issue 15, goal 4): wall clock of `ordersync --help` and `ordersync orders list --limit 1` on the
embedded default (SQLite in a fresh ORDERSYNC_HOME), median of 10 runs each in a new process, and the heavy
modules (web, PDF, mail, password hashing) that `python -X importtime` shows each command importing.

Targets on an idle 2-core machine: --help <= 0.3 s, orders list <= 0.5 s. The load average is printed with
the figures because a busy machine stretches them. Prints one JSON document.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_CLI_RUNS", "10"))
BIN = Path(sys.executable).parent / "ordersync"
COMMANDS = {"help": ["--help"], "orders_list": ["orders", "list", "--limit", "1"]}
# top-level packages a command that does not serve, print or mail must not pay for
HEAVY = ("starlette", "jinja2", "uvicorn", "fastapi", "fpdf", "fontTools", "argon2", "smtplib", "email.mime",
         "ordersync.web", "prometheus_client", "structlog")
# the same command line as the entry point, runnable under `python -X importtime`
ENTRY = "import sys; sys.argv[0] = 'ordersync'; from ordersync.cli import main; main()"


def imported_modules(args: list[str], env: dict[str, str]) -> list[str]:
    """Every module the command imports, read from `-X importtime` (one line per module on stderr)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", ENTRY, *args], env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"ordersync {' '.join(args)} failed: {proc.stderr[-2000:]}")
    return [line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")
            and not line.rstrip().endswith("| package")]


def heavy(modules: list[str]) -> list[str]:
    return sorted({m for m in modules for h in HEAVY if m == h or m.startswith(h + ".")})


def median_wall(args: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run([str(BIN), *args], env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ordersync-cli-bench-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERSYNC_")} | {"ORDERSYNC_HOME": home}
        # the first start creates and migrates the database: a one-off, not what a user waits for every time
        subprocess.run([str(BIN), *COMMANDS["orders_list"]], env=env, check=True, stdout=subprocess.DEVNULL)
        load_before = os.getloadavg()[0]
        report = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
                  "runs": RUNS, "targets_s": {"help": 0.3, "orders_list": 0.5}}
        for name, args in COMMANDS.items():
            modules = imported_modules(args, env)
            report[name] = {"median_s": round(median_wall(args, env), 3), "modules_imported": len(modules),
                            "heavy_modules": heavy(modules)}
        report["load_average_1min"] = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}
    print(json.dumps(report, indent=2), flush=True)


if __name__ == "__main__":
    main()
