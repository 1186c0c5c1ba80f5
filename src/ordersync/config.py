"""Configuration from the environment, with an embedded default that needs no other service.

ORDERSYNC_HOME          data directory (default ~/.ordersync): SQLite database, task queue, master key
ORDERSYNC_DATABASE_URL  SQLAlchemy URL (default: SQLite in ORDERSYNC_HOME); postgresql+psycopg://... for production
ORDERSYNC_MASTER_KEY    Fernet key for secrets at rest (default: generated once into ORDERSYNC_HOME/master.key)
ORDERSYNC_BASE_URL      the public URL channels send webhooks to (default http://127.0.0.1:8080)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Config:
    home: Path
    database_url: str
    base_url: str
    master_key: str | None
    redis_url: str | None

    @property
    def master_key_file(self) -> Path:
        return self.home / "master.key"

    @property
    def queue_path(self) -> Path:
        return self.home / "queue.db"


def load_config(env: dict[str, str] | None = None) -> Config:
    env = dict(os.environ if env is None else env)
    home = Path(env.get("ORDERSYNC_HOME") or Path.home() / ".ordersync").expanduser()
    url = env.get("ORDERSYNC_DATABASE_URL") or f"sqlite:///{home / 'ordersync.db'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return Config(
        home=home,
        database_url=url,
        base_url=(env.get("ORDERSYNC_BASE_URL") or "http://127.0.0.1:8080").rstrip("/"),
        master_key=env.get("ORDERSYNC_MASTER_KEY") or None,
        redis_url=env.get("ORDERSYNC_REDIS_URL") or None,
    )
