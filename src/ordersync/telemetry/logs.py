"""The hub's log lines: plain text by default, JSON lines with ``ORDERSYNC_LOG_FORMAT=json`` (structlog).

The code logs through the standard library's ``logging`` as before; structlog only renders, as the formatter
of the one handler, so Huey's, uvicorn's and the hub's own lines come out alike. Each line carries the
connection and account ids bound in the log context (context.py) where they are known, in both formats.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

from .context import current

FORMATS = ("text", "json")


def log_format(env: dict[str, str] | None = None) -> str:
    raw = ((os.environ if env is None else env).get("ORDERSYNC_LOG_FORMAT") or "text").strip().lower()
    if raw not in FORMATS:
        raise ValueError(f"ORDERSYNC_LOG_FORMAT={raw!r}: expected one of {', '.join(FORMATS)}")
    return raw


class _Ids(logging.Filter):
    """Puts the bound ids on the record: ``record.ids`` for the text format, one attribute each for JSON."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = current()
        for name, value in ids.items():
            setattr(record, name, value)
        record.ids = "".join(f" {name.removesuffix('_id')}={value}" for name, value in ids.items())
        return True


def _add_ids(logger: Any, method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    record = event.get("_record")
    for name in ("connection_id", "account_id"):
        value = getattr(record, name, None) if record is not None else current().get(name)
        if value is not None:
            event.setdefault(name, value)
    return event


def json_formatter() -> logging.Formatter:
    import structlog

    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _add_ids,
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
    )


def configure(level: int = logging.INFO, stream: TextIO | None = None, fmt: str | None = None) -> None:
    """Set up the root logger once for a ``serve`` or ``worker`` process (replacing earlier handlers)."""
    fmt = fmt or log_format()
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(_Ids())
    if fmt == "json":
        handler.setFormatter(json_formatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s:%(ids)s %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every URL at INFO; OAuth 1.0a puts the consumer key and signature in the query string
    logging.getLogger("httpx").setLevel(logging.WARNING)


def take_over(*names: str) -> None:
    """Route loggers that a library gave handlers of its own (uvicorn's, set up when its server is built)
    through the root handler, so their lines come out in the same format."""
    for name in names:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
