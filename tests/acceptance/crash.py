"""The crash scenario every connector must survive: `ordersync sync` SIGKILLed mid-import, then run again.

The sandbox runs as its own process (`ordersync sandbox SYSTEM`) so it outlives the killed importer; the
kill lands once some orders are stored (counted with a plain read that does not queue behind SQLite's
write lock). Returns the external ids stored after the second sync.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from ordersync.config import load_config
from ordersync.store.models import OrderRow
from ordersync.sync.hub import Hub

BIN = Path(sys.executable).parent / "ordersync"


def stored(hub: Hub) -> int:
    if hub.db.is_sqlite:
        with sqlite3.connect(hub.config.database_url.split("///", 1)[1]) as conn:
            return conn.execute("SELECT count(*) FROM orders").fetchone()[0]
    with hub.db.session() as s:
        return s.scalar(select(func.count()).select_from(OrderRow))


def kill_mid_import_and_resume(system: str, orders: int, seed: int, home: Path, database_url: str,
                               kill_after: int = 300) -> list[str]:
    sandbox = subprocess.Popen([str(BIN), "sandbox", system, "--port", "0", "--orders", str(orders),
                                "--seed", str(seed)], stdout=subprocess.PIPE, text=True)
    env = os.environ | {"ORDERSYNC_HOME": str(home), "ORDERSYNC_DATABASE_URL": database_url}

    def run(*args: str) -> None:
        done = subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr

    try:
        info = json.loads(sandbox.stdout.readline())
        run("connections", "add", system, "shop", "--no-webhooks", *[f"--set={k}={v}" for k, v in info["settings"].items()])
        victim = subprocess.Popen([str(BIN), "sync", "shop"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        hub = Hub.open(load_config(env), migrate=False)
        try:
            deadline = time.monotonic() + 180
            while stored(hub) < kill_after and time.monotonic() < deadline and victim.poll() is None:
                time.sleep(0.01)
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            killed_at = stored(hub)
            assert 0 < killed_at < orders, f"kill landed at {killed_at} of {orders} orders"
            run("sync", "shop")
            with hub.db.session() as s:
                return list(s.scalars(select(OrderRow.external_id)))
        finally:
            hub.close()
    finally:
        sandbox.terminate()
        sandbox.wait()
