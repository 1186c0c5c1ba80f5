"""Read the next pages while the current one is written.

Fetching (network, JSON, mapping) and storing (database) take similar time per page; doing them one after
the other leaves the shop and the database idle in turns. A producer thread runs the connector's page
iterator a bounded number of pages ahead; pages still reach the engine strictly in order, an error in the
producer is raised at the page where it happened, and a consumer that stops early stops the producer. The
producer runs in a copy of the caller's context, so its log lines and metrics name the same connection.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


def prefetch(pages: Iterator[T], depth: int = 2) -> Iterator[T]:
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for page in pages:
                while not stop.is_set():
                    try:
                        slots.put(page, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put(_DONE)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            slots.put(exc)
        finally:
            close = getattr(pages, "close", None)
            if close is not None and stop.is_set():
                close()

    worker = threading.Thread(
        target=contextvars.copy_context().run, args=(produce,), name="ordersync-prefetch", daemon=True
    )
    worker.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=30)
