"""A SIGKILL in the middle of an import and of a dispatch: nothing lost, nothing doubled.

The hub runs as its own process (`ordersync sync` / `ordersync dispatch`, as in tests/acceptance/crash.py)
against the sandbox served by the test, which slows the platform down so the kill lands mid-way."""

from __future__ import annotations

import os
import signal
import subprocess
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from acceptance.crash import BIN, stored

from ordersync.channels.sdk.capabilities import Capability
from ordersync.sync.importer import import_orders

from .platforms import (
    PUSHES,
    connectors_where,
    dispatch_until_settled,
    imports_orders,
    orders_to_push_to,
    outbox_statuses,
    stored_ids,
    undeclared,
    wait_for,
)
from .test_push import effects, push

TESTS = Path(__file__).resolve().parents[1]


def hub_process(hub_config, *args: str) -> subprocess.Popen:
    env = os.environ | {
        "ORDERSYNC_HOME": str(hub_config.home),
        "ORDERSYNC_DATABASE_URL": hub_config.database_url,
        "ORDERSYNC_MASTER_KEY": hub_config.master_key,
    }
    # through conformance.hub_cli, the ``ordersync`` command with the suite's test connectors registered
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), *filter(None, [env.get("PYTHONPATH")])])
    return subprocess.Popen(
        [str(BIN.parent / "python"), "-m", "conformance.hub_cli", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill(victim: subprocess.Popen) -> None:
    victim.send_signal(signal.SIGKILL)
    victim.wait()


@pytest.mark.parametrize("platform", connectors_where(undeclared(Capability.IMPORT_ORDERS)), indirect=True)
def test_sigkill_mid_import_loses_and_doubles_nothing(hub, hub_config, platform):
    platform.require("create", capability=Capability.IMPORT_ORDERS)
    paged = platform.profile.get("pages") is not False
    conn = platform.connect(hub, **platform.small_pages(2))
    first = platform.create(1)
    assert import_orders(hub, conn).created == 1  # a first import may be a bulk backfill: the kill hits paging
    more = platform.create(8)
    read = platform.profile["orders_read"]
    platform.add_faults({"kind": "delay", "seconds": 0.3 if paged else 3, "phase": "before", "count": None, **read})
    victim = hub_process(hub_config, "sync", "shop")
    try:

        def listing_in_flight() -> bool:
            return any(r["t_end"] is None for r in platform.control.get("/requests").json())

        started = wait_for(lambda: victim.poll() is not None or (stored(hub) > 1 if paged else listing_in_flight()), 60)
        assert started and victim.poll() is None, f"the import ended (exit {victim.poll()}) or never got going"
    finally:
        kill(victim)
    killed_at = stored(hub)
    assert killed_at < 9, f"the kill landed after the import ({killed_at} of 9 stored)"
    platform.clear_faults()
    again = import_orders(hub, conn)
    assert again.error == ""
    assert Counter(stored_ids(hub)) == Counter(first + more)


@pytest.mark.parametrize(
    "platform",
    connectors_where(lambda cls: None if any(cls.supports(c) for c in PUSHES) else f"{cls.system} declares no push"),
    indirect=True,
)
def test_sigkill_mid_dispatch_writes_each_push_once(hub, hub_config, platform):
    declared = [c for c in PUSHES if platform.cls.supports(c)]
    if not declared:
        pytest.skip(f"{platform.system} declares no push")
    capability = next((c for c in declared if c is not Capability.SET_STOCK), declared[0])
    platform.require(*(("create",) if imports_orders(platform.cls) else ()), "effects", capability=capability)
    conn = platform.connect(hub)
    ids = orders_to_push_to(hub, platform, conn, 3)
    targets = [
        push(hub, platform, conn, capability, external_id)
        for external_id in (ids if capability is not Capability.SET_STOCK else ids[:1])
    ]
    # the first write is applied, its answer held back: the dispatcher dies waiting for it
    platform.add_faults(
        *[{"kind": "delay", "seconds": 4, "phase": "after", "count": 1, **m} for m in platform.writes(capability)]
    )
    victim = hub_process(hub_config, "dispatch")
    try:
        assert wait_for(lambda: effects(platform, capability, targets[0]) == 1, 60), "no push was written"
    finally:
        kill(victim)
    assert set(outbox_statuses(hub)) != {"done"}, "the kill landed after the dispatch"
    platform.clear_faults()
    dispatch_until_settled(hub, later=timedelta(hours=1))  # the dead dispatcher's claims have run out
    assert set(outbox_statuses(hub)) == {"done"}
    assert [effects(platform, capability, t) for t in targets] == [1] * len(targets)
