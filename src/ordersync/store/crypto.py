"""Secrets at rest: connection credentials are Fernet-encrypted with a master key kept outside the database.

The key comes from ORDERSYNC_MASTER_KEY or a key file created on first use with mode 0600. Several keys
may be given comma-separated (newest first) so a key can be rotated without downtime (MultiFernet).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from .private import private_dir


class SecretBox:
    def __init__(self, keys: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise ValueError("master key is empty")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])
        except ValueError:
            raise ValueError("ORDERSYNC_MASTER_KEY is not a valid Fernet key (32 url-safe base64 bytes)") from None

    def seal(self, data: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(data, sort_keys=True).encode()).decode()

    def open(self, token: str | None) -> dict[str, Any]:
        if not token:
            return {}
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken:
            raise ValueError("stored secrets cannot be decrypted: wrong ORDERSYNC_MASTER_KEY?") from None

    def rotate(self, token: str) -> str:
        return self._fernet.rotate(token.encode()).decode()


def load_or_create_key(key: str | None, key_file: Path) -> str:
    if key:
        return key
    if key_file.exists():
        return key_file.read_text().strip()
    private_dir(key_file.parent)
    new = Fernet.generate_key().decode()
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(new + "\n")
    return new
