"""The task queue. Huey on SQLite inside `ordersync serve` by default; on Redis when ORDERSYNC_REDIS_URL is set.

The database is the truth (schedule, outbox, stored webhooks); the queue only wakes workers, so a task
lost with a killed worker is found again by the next scheduler tick. On Redis the queue is named after
ORDERSYNC_REDIS_PREFIX, so several hubs (or test runs) can share one Redis without taking each other's tasks.
"""

from __future__ import annotations

import threading

from huey import RedisHuey, SqliteHuey

from ..config import load_config
from ..store.private import private_file
from ..sync.hub import Hub

_config = load_config()
# results=False: tasks report through the database (sync log, outbox); stored return values would only pile up
if _config.redis_url:
    huey = RedisHuey(_config.redis_prefix, url=_config.redis_url, results=False)
else:
    private_file(_config.queue_path)  # the queue holds task arguments; 0600 in a 0700 directory
    huey = SqliteHuey("ordersync", filename=str(_config.queue_path), results=False)

_hub: Hub | None = None
_lock = threading.Lock()


def get_hub() -> Hub:
    """One hub per process, opened on first use (migrations run by whoever starts the process)."""
    global _hub
    with _lock:
        if _hub is None:
            _hub = Hub.open(load_config(), migrate=False)
        return _hub


def set_hub(hub: Hub) -> None:
    global _hub
    with _lock:
        _hub = hub
