"""Shared plumbing of the scale-out benchmarks: a PostgreSQL database, a Redis prefix, worker processes,
and what a process costs (CPU seconds and resident memory from /proc, Linux only)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from cryptography.fernet import Fernet
from services import PG_ADMIN, REDIS_URL  # bench/services.py: bench/ is on sys.path when run
from sqlalchemy import create_engine, text

BIN = Path(sys.executable).parent / "ordersync"


class Services:
    """A fresh, migrated PostgreSQL database and a Redis key prefix; ``close`` removes both."""

    def __init__(self) -> None:
        import redis

        from ordersync.store.db import upgrade

        self.name = f"bench_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        self.database_url = PG_ADMIN.rsplit("/", 1)[0] + f"/{self.name}"
        upgrade(self.database_url)
        self.redis = redis.Redis.from_url(REDIS_URL)
        self.redis.ping()
        self.prefix = f"ordersync-bench-{uuid.uuid4().hex[:8]}"
        self.home = Path(tempfile.mkdtemp(prefix="ordersync-bench-"))
        self.master_key = Fernet.generate_key().decode()

    def env(self, **extra: str) -> dict[str, str]:
        return (
            os.environ
            | {
                "ORDERSYNC_HOME": str(self.home),
                "ORDERSYNC_DATABASE_URL": self.database_url,
                "ORDERSYNC_MASTER_KEY": self.master_key,
                "ORDERSYNC_REDIS_URL": REDIS_URL,
                "ORDERSYNC_REDIS_PREFIX": self.prefix,
            }
            | extra
        )

    def hub(self, base_url: str = "http://127.0.0.1:9"):
        from ordersync.config import Config
        from ordersync.sync.hub import Hub

        return Hub.open(
            Config(
                home=self.home,
                database_url=self.database_url,
                base_url=base_url,
                master_key=self.master_key,
                redis_url=None,
            ),
            migrate=False,
        )

    def queue_length(self) -> int:
        """Tasks waiting in the workers' queue (asked through Huey, which names its own keys)."""
        from huey import RedisHuey

        if not hasattr(self, "_huey"):
            self._huey = RedisHuey(self.prefix, url=REDIS_URL)
        return int(self._huey.pending_count())

    def close(self) -> None:
        keys = list(self.redis.scan_iter(f"*{self.prefix}*", count=1000))
        keys += list(self.redis.scan_iter(f"huey.*{self.prefix.replace('-', '')}", count=1000))
        if keys:
            self.redis.delete(*keys)
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()
        shutil.rmtree(self.home, ignore_errors=True)


def start_workers(
    services: Services, count: int, *, concurrency: int = 4, tick: float = 1.0, logs: Path | None = None, nice: int = 0
) -> list[subprocess.Popen]:
    """``count`` `ordersync worker` processes; returns once each consumes (startup is not measured).
    ``nice`` lowers their CPU priority, as docs/deployment.md advises where workers share cores with web."""
    logs = logs or services.home
    procs = []
    for i in range(count):
        log = open(logs / f"worker{i}.log", "wb")  # noqa: SIM115 - the child writes to it
        procs.append(
            subprocess.Popen(
                [str(BIN), "worker", "--concurrency", str(concurrency), "--tick", str(tick)],
                env=services.env(ORDERSYNC_WORKER_ID=f"bench{i}"),
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=(lambda: os.nice(nice)) if nice else None,
            )
        )
        log.close()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if all(b"consumer started" in (logs / f"worker{i}.log").read_bytes() for i in range(count)):
            return procs
        if any(p.poll() is not None for p in procs):
            break
        time.sleep(0.2)
    stop(procs)
    raise RuntimeError(f"workers did not start; see {logs}")


def stop(procs: list[subprocess.Popen], timeout: float = 60) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pids_named(name: str) -> list[int]:
    """Every process whose command name is ``name`` (e.g. all PostgreSQL backends)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


class CpuMeter:
    """CPU seconds spent by groups of processes between ``start`` and ``stop``; PostgreSQL backends come and
    go, so each group is re-listed at both ends and a process counts from its first sighting."""

    def __init__(self, groups: dict[str, object]) -> None:
        self.groups = groups  # name -> list of pids, or a callable returning one
        self.first: dict[int, float] = {}

    def _pids(self, name: str) -> list[int]:
        spec = self.groups[name]
        return list(spec() if callable(spec) else spec)

    def _read(self) -> dict[int, float]:
        now = {}
        for name in self.groups:
            for pid in self._pids(name):
                try:
                    now[pid] = cpu_seconds(pid)
                except OSError:
                    continue
        return now

    def start(self) -> None:
        self.began = time.monotonic()
        self.first = self._read()

    def stop(self) -> dict[str, float]:
        """Cores used per group over the interval (1.0 = one core busy throughout)."""
        wall = time.monotonic() - self.began
        now = self._read()
        used = {}
        for name in self.groups:
            total = sum(now[p] - self.first.get(p, 0.0) for p in self._pids(name) if p in now)
            used[name] = round(total / wall, 2)
        return used


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]
