"""A reconciliation that meets a channel's spent day budget (Etsy) ends incomplete: the listing it had is
no full listing, so neither the hub's orders missing from it are called unknown nor the channel's orders it
never reached left out of a report that looks complete."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conformance.platforms import start_platform

from ordersync.channels.etsy.client import DayQuota
from ordersync.channels.etsy.connector import EtsyConnector
from ordersync.domain.timeutil import utcnow
from ordersync.reconcile import runs
from ordersync.sync.importer import import_orders


@pytest.fixture
def etsy():
    DayQuota._all.clear()  # the day's budget is per app and process-wide
    platform = start_platform(EtsyConnector)
    yield platform
    platform.server.stop()
    platform.sandbox.close()
    DayQuota._all.clear()


def test_a_spent_day_budget_ends_the_run_incomplete_without_unknown_orders(hub, etsy):
    conn = etsy.connect(hub, page_size=4)
    etsy.create(4)
    assert import_orders(hub, conn).created == 4
    later = etsy.create(4, seconds_ago=5)  # on the listing's second page (oldest change first), not imported
    sent = len(etsy.sandbox.requests.entries())
    counted = sum("/v3/application/" in r["path"] for r in etsy.sandbox.requests.entries())  # not the token's
    etsy.sandbox.control_orders({"limits": {"per_day": counted + 1}})  # one page more, then the day is spent

    found = runs.run(hub, "shop", since=utcnow() - timedelta(days=1))
    assert found.status == runs.INCOMPLETE and found.error.startswith("budget spent: ")
    assert "daily request budget" in found.error
    assert found.report.get("orders_unknown", {"count": 0})["count"] == 0
    assert [r["status"] for r in etsy.sandbox.requests.entries()[sent:]] == [200]  # nothing sent once spent

    DayQuota._all.clear()  # a day later
    etsy.sandbox.control_orders({"limits": {"per_day": 10_000}})
    again = runs.run(hub, "shop", since=utcnow() - timedelta(days=1))
    assert again.status == "done" and {r["external_id"] for r in again.report["orders_missing"]["rows"]} == set(
        later
    ), again.report
