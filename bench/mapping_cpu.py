"""CPU cost of reading WooCommerce orders into the hub's form, without the network and the store: µs per order for
mapping (``orders_from_wc``: REST JSON -> domain Order), for mapping with every order's street lines new to the
process (``_with_new_lines``), and for the canonical form the store keeps and hashes (``codec.dumps``). The orders
are the sandbox's own, as its REST API renders them (refunded orders with their refund details, as the connector
reads them). Each figure is the process's CPU time, the best of REPEAT runs over the whole batch, so a busy moment on
a shared machine shows less; the load average comes with it anyway. Prints one JSON document.

Usage: python bench/mapping_cpu.py [ORDERS] [REPEAT]   (default 2000 orders, 5 runs)
       BENCH_PROFILE=1 adds the top functions of a cProfile run of mapping and dumps (to stderr).
"""

from __future__ import annotations

import cProfile
import gc
import json
import os
import pstats
import sys
import time
from typing import Any

from ordersync.channels.woocommerce.mapping import MappingConfig, has_refunds, orders_from_wc
from ordersync.channels.woocommerce.sandbox import create_sandbox
from ordersync.domain import codec, street

CONFIG = MappingConfig()  # the connector maps with the configuration it made once from its settings


def sandbox_orders(count: int) -> tuple[list[Any], dict[str, list[Any]]]:
    sandbox = create_sandbox(seed=42, orders=count)
    records = [json.loads(sandbox.existing_order_json(oid, "http://127.0.0.1")) for oid in sandbox.store.ids]
    refunds = {str(r["id"]): sandbox.refunds.of(sandbox, r["id"]) for r in records if has_refunds(r)}
    return records, refunds


def _with_new_lines(raw: Any, refunds: dict[str, list[Any]]) -> Any:
    """One order mapped with the street-split cache emptied first: its street lines are new to the process, as
    in a shop where no line repeats across orders (the sandbox has a few hundred distinct lines, which the
    cache otherwise answers from the second order on; an order's own invoice and delivery lines still meet)."""
    clear = getattr(getattr(street, "_split", None), "cache_clear", None)  # None: a version without the cache
    if clear is not None:
        clear()
    return orders_from_wc([raw], CONFIG, refunds)


def best_us_per_order(run: Any, count: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()  # each run starts from the same garbage: a collection inherited from the last one would count
        started = time.process_time()  # this process's CPU time: other processes on the machine count less
        run()
        best = min(best, time.process_time() - started)
    return round(best / count * 1e6, 1)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    records, refunds = sandbox_orders(count)
    orders, quarantined = orders_from_wc(records, CONFIG, refunds)
    assert not quarantined, quarantined[:1]
    mapping_us = best_us_per_order(lambda: orders_from_wc(records, CONFIG, refunds), count, repeat)
    new_lines_us = best_us_per_order(lambda: [_with_new_lines(r, refunds) for r in records], count, repeat)
    dumps_us = best_us_per_order(lambda: [codec.dumps(o) for o in orders], count, repeat)
    if os.environ.get("BENCH_PROFILE"):
        profile = cProfile.Profile()
        profile.runcall(lambda: [codec.dumps(o) for o in orders_from_wc(records, CONFIG, refunds)[0]])
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    print(
        json.dumps(
            {
                "orders": count,
                "refunded_orders": len(refunds),
                "mapping_us_per_order": mapping_us,
                "mapping_new_street_lines_us_per_order": new_lines_us,
                "dumps_us_per_order": dumps_us,
                "repeat": repeat,
                "load_average": [round(x, 2) for x in os.getloadavg()],
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
