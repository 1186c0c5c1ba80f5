"""Helpers for killing the hub mid-work (tests/conformance/test_crash.py): the `ordersync` command, and a
count of stored orders that works while the victim holds SQLite's write lock (a plain read does not queue
behind it)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from sqlalchemy import func, select

from ordersync.store.models import OrderRow
from ordersync.sync.hub import Hub

BIN = Path(sys.executable).parent / "ordersync"


def stored(hub: Hub) -> int:
    if hub.db.is_sqlite:
        with sqlite3.connect(hub.config.database_url.split("///", 1)[1]) as conn:
            return conn.execute("SELECT count(*) FROM orders").fetchone()[0]
    with hub.db.session() as s:
        return s.scalar(select(func.count()).select_from(OrderRow))
