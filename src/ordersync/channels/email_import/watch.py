"""Import mail as it arrives: run the import, then wait in IDLE (or for the poll interval) and repeat.

The scheduler's regular polls import e-mail connections like any other; this loop is for a worker that
wants orders seconds after the mail arrives. It keeps no state of its own: every round is an ordinary
import run, so a crash in between loses nothing (see connector.py). Channels sit below the engine, so the
caller hands in the engine's import (``lambda: import_orders(hub, connection_id)``) and a way to build the
connection's connector.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from ..sdk.errors import ChannelError
from .connector import EmailConnector

log = logging.getLogger(__name__)
MAX_IDLE_SECONDS = 25 * 60  # RFC 2177: re-issue IDLE at least every 29 minutes


def watch(
    run_import: Callable[[], Any],
    build_connector: Callable[[], EmailConnector],
    stop: threading.Event,
    *,
    interval: float,
    on_import: Callable[[Any], None] | None = None,
    on_idling: Callable[[], None] | None = None,
) -> None:
    """Run until ``stop`` is set. A failed run (its result has ``error``) or a failed wait is retried after
    ``interval`` seconds; the import records its own errors on the connection."""
    interval = min(interval, MAX_IDLE_SECONDS)
    while not stop.is_set():
        result = run_import()
        if on_import is not None:
            on_import(result)
        if getattr(result, "error", ""):
            stop.wait(interval)
            continue
        connector = build_connector()
        try:
            connector.wait_for_mail(interval, stop, on_idling)
        except ChannelError as exc:
            log.warning("e-mail watch: %s; retrying in %ss", exc, interval)
            stop.wait(interval)
        finally:
            connector.close()
