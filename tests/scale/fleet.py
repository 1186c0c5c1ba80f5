"""Worker processes (`ordersync worker`) that a test starts, SIGKILLs, replaces and finally stops."""

from __future__ import annotations

import atexit
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "ordersync"


class Fleet:
    def __init__(self, env: dict[str, str], logs: Path, *, concurrency: int = 2, tick: float = 1.0) -> None:
        self.env, self.logs, self.concurrency, self.tick = env, logs, concurrency, tick
        self.procs: dict[str, subprocess.Popen] = {}
        self.generation = 0
        self.killed: list[str] = []
        self._lock = threading.Lock()
        logs.mkdir(parents=True, exist_ok=True)
        atexit.register(self._kill_all)  # a run that dies half-way leaves no worker behind

    def _kill_all(self) -> None:
        for p in self.procs.values():
            if p.poll() is None:
                p.kill()

    def start(self) -> str:
        with self._lock:
            self.generation += 1
            ident = f"w{self.generation}"
            log = open(self.logs / f"{ident}.log", "wb")  # noqa: SIM115 - the child keeps writing to it
            self.procs[ident] = subprocess.Popen(
                [
                    str(BIN),
                    "worker",
                    "--concurrency",
                    str(self.concurrency),
                    "--tick",
                    str(self.tick),
                    "--shutdown-timeout",
                    "30",
                ],
                env=self.env | {"ORDERSYNC_WORKER_ID": ident},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            log.close()
            return ident

    def ready(self, ident: str) -> bool:
        """The worker has started consuming (killing one still importing Python proves nothing)."""
        try:
            return b"consumer started" in (self.logs / f"{ident}.log").read_bytes()
        except OSError:
            return False

    def kill_random(self, rng: random.Random) -> str | None:
        """SIGKILL one running worker that is ready; None when none is."""
        with self._lock:
            running = [k for k, p in self.procs.items() if p.poll() is None and self.ready(k)]
            if not running:
                return None
            victim = rng.choice(running)
            self.procs[victim].send_signal(signal.SIGKILL)
            self.procs[victim].wait()
            self.killed.append(victim)
            return victim

    def stop(self, timeout: float = 60) -> dict[str, int]:
        """SIGTERM every running worker (a graceful stop) and return their exit codes. Workers still
        starting are given the time to get there first: before it consumes, a process has nothing to stop."""
        with self._lock:
            running = {k: p for k, p in self.procs.items() if p.poll() is None}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not all(
            self.ready(k) or p.poll() is not None for k, p in running.items()
        ):
            time.sleep(0.2)
        for p in running.values():
            p.send_signal(signal.SIGTERM)
        codes = {}
        for k, p in running.items():
            try:
                codes[k] = p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                codes[k] = p.wait()
        return codes

    def tail(self, lines: int = 30) -> str:
        out = []
        for path in sorted(self.logs.glob("w*.log"), key=os.path.getmtime)[-3:]:
            text = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(out)


class Chaos(threading.Thread):
    """Every ``every`` seconds (on average): SIGKILL a random worker and start a fresh one in its place."""

    def __init__(
        self, fleet: Fleet, every: float, seed: int = 5, phase=lambda: frozenset(), most: int | None = None
    ) -> None:
        super().__init__(name="chaos", daemon=True)
        self.fleet, self.every, self.rng, self.phase, self.most = fleet, every, random.Random(seed), phase, most
        self.phases: list[frozenset[str]] = []  # what the hub was doing at each kill, e.g. {"import"}
        self._halt = threading.Event()

    def run(self) -> None:
        """Until stopped, or ``most`` kills: a killed worker's replacement spends seconds starting on a busy
        machine, so endless kills would measure start-up time, not recovery."""
        while not self._halt.wait(self.rng.uniform(0.5, 1.5) * self.every):
            if self.most is not None and len(self.phases) >= self.most:
                return
            doing = self.phase()
            if self.fleet.kill_random(self.rng) is not None:
                self.phases.append(frozenset(doing))
                self.fleet.start()

    def kills_during(self, phase: str) -> int:
        return sum(phase in p for p in self.phases)

    def stop(self) -> None:
        self._halt.set()
        self.join()
