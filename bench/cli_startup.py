"""CLI start-up (issue 15, goal 4): wall clock of `ordersync --help` and `ordersync orders list --limit 1` on the
embedded default (SQLite in a fresh ORDERSYNC_HOME), median of 10 runs each in a new process, and the heavy
modules (web, PDF, mail, password hashing) each command loads, read from sys.modules when it exits (as
tests/cli/test_startup_imports.py does: `-X importtime` does not list a module loaded with import_module).

Targets on an idle 2-core machine: --help <= 0.3 s, orders list <= 0.5 s. The load average is printed with
the figures because a busy machine stretches them; the median CPU time (user + system) of the same runs is
printed too, as it stretches less. The commands run with byte code cached as a user's installation has it:
PYTHONDONTWRITEBYTECODE is dropped for them (the first, untimed run writes the cache), else every start would
compile the project's sources again. Prints one JSON document.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ordersync.devtools.startup import HEAVY, ProbeFailed, heavy, loaded

RUNS = int(os.environ.get("BENCH_CLI_RUNS", "10"))
BIN = Path(sys.executable).parent / "ordersync"
COMMANDS = {"help": ["--help"], "orders_list": ["orders", "list", "--limit", "1"]}
TARGETS = {"help": 0.3, "orders_list": 0.5}


def heavy_modules(args: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    """How many modules the command loads, and which of them are heavy (the test's probe and lists)."""
    try:
        modules = loaded(args, env)
    except ProbeFailed as exc:
        raise SystemExit(str(exc)) from None
    return len(modules), heavy(modules, HEAVY)


def medians(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Median wall clock and median CPU time (user + system) of RUNS starts of the entry point."""
    walls, cpus = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([str(BIN), *args], env=env, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ordersync-cli-bench-") as home:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith("ORDERSYNC_") and k != "PYTHONDONTWRITEBYTECODE"
        } | {"ORDERSYNC_HOME": home}
        # the first start creates and migrates the database: a one-off, not what a user waits for every time
        subprocess.run([str(BIN), *COMMANDS["orders_list"]], env=env, check=True, stdout=subprocess.DEVNULL)
        load_before = os.getloadavg()[0]
        report = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "runs": RUNS,
            "targets_s": TARGETS,
        }
        for name, args in COMMANDS.items():
            subprocess.run([str(BIN), *args], env=env, check=True, stdout=subprocess.DEVNULL)  # byte code cached
            count, heavy_loaded = heavy_modules(args, env)
            wall, cpu = medians(args, env)
            report[name] = {
                "median_s": round(wall, 3),
                "within_target": wall <= TARGETS[name],
                "median_cpu_s": round(cpu, 3),
                "modules_imported": count,
                "heavy_modules": heavy_loaded,
            }
        report["load_average_1min"] = {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)}
    print(json.dumps(report, indent=2), flush=True)


if __name__ == "__main__":
    main()
