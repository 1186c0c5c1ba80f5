"""A new data directory is 0700 and the SQLite database (with its WAL) and master.key are 0600, whatever
the umask: they hold buyers' addresses and the key to the shop credentials."""

from __future__ import annotations

import os
import stat

from sqlalchemy import text

from ordersync.config import load_config
from ordersync.sync.hub import Hub


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_data_directory_and_database_are_private(tmp_path):
    home = tmp_path / "fresh" / "home"
    old = os.umask(0o022)  # the usual umask, under which files are created 0644 and directories 0755
    try:
        hub = Hub.open(load_config({"ORDERSYNC_HOME": str(home)}))
        with hub.db.session() as s:
            s.execute(text("SELECT count(*) FROM accounts")).scalar()
        hub.account_id()  # a write, so the WAL file exists
        assert _mode(home) == 0o700
        assert _mode(home / "ordersync.db") == 0o600
        assert _mode(home / "ordersync.db-wal") == 0o600
        assert _mode(home / "master.key") == 0o600
        hub.close()
    finally:
        os.umask(old)


def test_an_existing_directory_keeps_its_mode(tmp_path):
    """The operator may point ORDERSYNC_HOME at a directory of their choosing: the hub leaves its mode alone
    but still creates the database file 0600."""
    home = tmp_path / "shared"
    home.mkdir()
    os.chmod(home, 0o750)
    hub = Hub.open(load_config({"ORDERSYNC_HOME": str(home)}))
    hub.close()
    assert _mode(home) == 0o750
    assert _mode(home / "ordersync.db") == 0o600
