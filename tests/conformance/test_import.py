"""Import exactly once: first import, a re-import that changes nothing, records modified while paging (the
window shift), records the platform deleted or hid, and a malformed record quarantined while the rest is
stored. Each case runs for every connector with a sandbox that declares order import."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from ordersync.channels.sdk.capabilities import Capability
from ordersync.domain.timeutil import utcnow
from ordersync.store.models import OrderRow, QuarantineEntry
from ordersync.sync import importer
from ordersync.sync.importer import import_orders

from .platforms import connectors_where, static_profile, stored_ids, undeclared

IMPORT = Capability.IMPORT_ORDERS
IMPORTING = connectors_where(undeclared(IMPORT))
PAGING = connectors_where(
    lambda cls: (
        undeclared(IMPORT)(cls)
        or (
            f"the {cls.system} platform hands out all its orders at once: there are no pages to shift"
            if static_profile(cls).get("pages") is False
            else None
        )
    )
)


@pytest.mark.parametrize("platform", IMPORTING, indirect=True)
def test_first_import_stores_each_order_once_and_a_reimport_changes_nothing(hub, platform):
    platform.require("create", capability=IMPORT)
    ids = platform.create(5)
    conn = platform.connect(hub)
    first = import_orders(hub, conn)
    assert first.error == "" and first.created == 5 and first.quarantined == 0
    assert sorted(stored_ids(hub)) == sorted(ids)
    with hub.db.session() as s:
        money = {r.external_id: (r.total, r.currency) for r in s.scalars(select(OrderRow))}
    for external_id in ids:  # the amount the platform shows, to the cent, with its currency
        view = platform.act("view", id=external_id)
        assert money[external_id] == (Decimal(str(view["total"])), view["currency"]), external_id
    second = import_orders(hub, conn)
    assert (second.error, second.created, second.updated) == ("", 0, 0)
    assert sorted(stored_ids(hub)) == sorted(ids)


@pytest.mark.parametrize("platform", IMPORTING, indirect=True)
def test_an_order_changed_inside_the_overlap_is_updated_once(hub, platform):
    """Changed 30 s ago, before the last run ended: only the cursor's overlap re-read can see it."""
    platform.require("create", "modify", capability=IMPORT)
    ids = platform.create(4)
    conn = platform.connect(hub)
    assert import_orders(hub, conn).created == 4
    platform.act("modify", ids=ids[1:3], seconds_ago=30)
    again = import_orders(hub, conn)
    assert (again.error, again.created, again.updated) == ("", 0, 2)
    assert Counter(stored_ids(hub)) == Counter(ids)
    with hub.db.session() as s:
        statuses = {r.external_id: r.channel_status for r in s.scalars(select(OrderRow))}
    for external_id in ids[1:3]:  # the hub shows the status the platform shows now
        shown = platform.act("view", id=external_id)["status"]
        assert all(part in shown for part in statuses[external_id].split("/")), (statuses[external_id], shown)


@pytest.mark.parametrize("platform", PAGING, indirect=True)
def test_orders_changed_while_paging_are_neither_lost_nor_doubled(hub, platform, monkeypatch):
    """The window shift: each listing call moves an order of the window out of it (it changed just now), so
    an offset paginator's later pages slide; the engine must notice and read the window again."""
    platform.require("create", capability=IMPORT)
    platform.require_pages()
    settings = platform.small_pages(2)
    conn = platform.connect(hub, **settings)
    first = platform.create(3)
    assert import_orders(hub, conn).created == 3  # the first import may be a bulk backfill: paging comes next
    later = platform.create(5)
    read = platform.profile["orders_read"]
    platform.add_faults({"kind": "page_drift", "count": 3, **read})
    result = import_orders(hub, conn)
    assert platform.fault_hits() >= 1, "no listing call drifted: the case proved nothing"
    assert result.error == ""
    platform.clear_faults()
    # the next poll, once the drifted changes are older than the safety lag: a held-back cursor is allowed,
    # losing or doubling an order is not
    monkeypatch.setattr(importer, "utcnow", lambda: utcnow() + timedelta(seconds=15))
    assert import_orders(hub, conn).error == ""
    assert Counter(stored_ids(hub)) == Counter(first + later)


@pytest.mark.parametrize("platform", IMPORTING, indirect=True)
def test_orders_the_platform_deleted_or_hid_break_nothing(hub, platform):
    platform.require("create", "hide", capability=IMPORT)
    settings = platform.small_pages(2)
    conn = platform.connect(hub, **settings)
    ids = platform.create(6)
    assert import_orders(hub, conn).created == 6
    platform.act("hide", ids=ids[:2])
    newer = platform.create(3)
    platform.act("hide", ids=newer[:1])  # gone before the hub ever saw it
    again = import_orders(hub, conn)
    assert again.error == "" and again.created == 2 and again.quarantined == 0
    assert Counter(stored_ids(hub)) == Counter(ids + newer[1:])  # what was imported stays, once


@pytest.mark.parametrize("platform", IMPORTING, indirect=True)
def test_a_malformed_order_is_quarantined_with_its_reason_and_the_rest_stored(hub, platform):
    """In a first import (which may be a bulk backfill) and in a later, paged one."""
    platform.require("create", "malformed", capability=IMPORT)
    ids = platform.create(3)
    bad = platform.act("malformed")
    conn = platform.connect(hub)
    result = import_orders(hub, conn)
    assert result.error == "" and result.created == 3 and result.quarantined == 1
    assert sorted(stored_ids(hub)) == sorted(ids)
    later = platform.create(2)
    worse = platform.act("malformed")
    again = import_orders(hub, conn)
    assert again.error == "" and again.created == 2 and again.quarantined >= 1
    assert sorted(stored_ids(hub)) == sorted(ids + later)
    with hub.db.session() as s:
        entries = {e.external_id: e for e in s.scalars(select(QuarantineEntry))}
    for record in (bad, worse):
        entry = entries[str(record["id"])]
        assert entry.reason.strip() and entry.stream == "orders"
        assert record["marker"] in getattr(entry, record["where"])
