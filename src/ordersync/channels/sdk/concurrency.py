"""Several requests of one listing in flight at once, their results still in order.

A shop answers one request at a time per connection only if we ask that way: most serve several at once, and
the round trip (the shop's work, the network, a busy host's scheduling) is where an import waits. ``in_order``
keeps up to ``workers`` calls running and hands back each result in the order of its item, so the engine sees
pages exactly as a sequential read would deliver them. At most ``workers`` results are held at any time (memory
stays flat however long the listing); an error is raised at its item, and a consumer that stops early leaves
nothing running behind it. ``workers`` is the connection's budget (a setting, 1 where the platform allows only
one request at a time); every call still passes the connection's rate budget.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def in_order(call: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    if workers <= 1:
        yield from map(call, items)
        return
    todo = iter(items)
    running: deque[Future[R]] = deque()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ordersync-fetch")
    try:
        for item in todo:
            running.append(pool.submit(call, item))
            if len(running) >= workers:
                break
        while running:
            result = running.popleft().result()
            for item in todo:  # one started for each one handed back
                running.append(pool.submit(call, item))
                break
            yield result
    finally:
        for future in running:
            future.cancel()
        pool.shutdown(wait=True)
