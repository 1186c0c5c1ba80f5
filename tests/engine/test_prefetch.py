import threading

import pytest

from ordersync.sync.prefetch import prefetch


def test_pages_arrive_in_order_and_complete():
    assert list(prefetch(iter(range(50)), depth=2)) == list(range(50))


def test_a_producer_error_is_raised_after_the_pages_before_it():
    def pages():
        yield 1
        yield 2
        raise RuntimeError("shop down")

    got = []
    with pytest.raises(RuntimeError, match="shop down"):
        for page in prefetch(pages()):
            got.append(page)
    assert got == [1, 2]


def test_stopping_early_stops_the_producer():
    produced = []
    closed = threading.Event()

    def pages():
        try:
            for n in range(1000):
                produced.append(n)
                yield n
        finally:
            closed.set()

    for page in prefetch(pages(), depth=2):
        if page == 3:
            break
    assert closed.wait(5)
    assert len(produced) <= 3 + 2 + 2  # consumed, queued, and at most one in hand
