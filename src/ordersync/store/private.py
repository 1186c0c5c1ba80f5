"""The hub's data directory and SQLite database are private to the user that runs it, like master.key:
they hold every order with buyers' addresses and the encrypted shop credentials. Only what the hub creates is
restricted; an existing directory the operator chose (a shared mount, say) keeps the modes it has."""

from __future__ import annotations

import os
from pathlib import Path


def private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) mode 0700; leave an existing directory as it is."""
    if path.is_dir():
        return
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)  # mkdir's mode passes through the umask


def private_file(path: Path) -> None:
    """Create ``path`` empty and mode 0600 unless it exists: SQLite opens an empty file as a new database,
    and gives its -wal and -shm files the database file's mode."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)
