"""in_order: several calls in flight, results in the items' order, at most `workers` running or held."""

from __future__ import annotations

import threading
import time

import pytest

from ordersync.channels.sdk.concurrency import in_order


class Probe:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = self.most = 0
        self.started: list[int] = []

    def __call__(self, n: int) -> int:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.started.append(n)
        time.sleep(0.02 * ((n * 7) % 3))  # later items often finish first
        with self.lock:
            self.running -= 1
        if n == 13:
            raise ValueError("item 13 failed")
        return n * 10


def test_results_come_in_order_with_at_most_workers_running():
    probe = Probe()
    assert list(in_order(probe, range(12), 4)) == [n * 10 for n in range(12)]
    assert 1 < probe.most <= 4


def test_one_worker_is_a_plain_loop():
    probe = Probe()
    assert list(in_order(probe, range(5), 1)) == [0, 10, 20, 30, 40] and probe.most == 1


def test_an_error_is_raised_at_its_item_after_the_ones_before():
    probe = Probe()
    got = []
    with pytest.raises(ValueError, match="item 13"):
        for value in in_order(probe, range(20), 3):
            got.append(value)
    assert got == [n * 10 for n in range(13)]


def test_stopping_early_starts_nothing_more_and_leaves_nothing_running():
    probe = Probe()
    results = in_order(probe, range(1000), 3)
    assert [next(results) for _ in range(5)] == [0, 10, 20, 30, 40]
    results.close()
    assert probe.running == 0 and len(probe.started) <= 5 + 3
