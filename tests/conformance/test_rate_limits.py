"""Rate limits: in steady state a connector stays within the limit its platform documents, which the
sandbox enforces (it refuses what goes beyond and counts the refusals)."""

from __future__ import annotations

import pytest

from ordersync.channels.sdk.capabilities import Capability
from ordersync.sync.importer import import_orders

from .platforms import Platform, connectors_where, static_profile

DOCUMENTED = connectors_where(
    lambda cls: (
        f"the {cls.system} platform documents no rate limit" if static_profile(cls).get("rate_limit") is None else None
    )
)


@pytest.mark.parametrize("platform", DOCUMENTED, indirect=True)
def test_no_request_is_refused_in_steady_state_at_the_documented_limit(hub, platform: Platform):
    if platform.profile.get("rate_limit") is None:
        pytest.skip(f"the {platform.system} platform documents no rate limit")
    platform.require("create", "modify", capability=Capability.IMPORT_ORDERS)
    conn = platform.connect(hub, **platform.small_pages(2))
    ids = platform.create(9)
    assert import_orders(hub, conn).created == 9
    for round_ in range(3):  # polls in a row, each with a few changed orders to page through
        platform.act("modify", ids=ids[round_ * 3 : round_ * 3 + 3], seconds_ago=20)
        assert import_orders(hub, conn).error == ""
    calls = platform.control.get("/requests").json()
    assert len(calls) >= 10, "too few calls to say anything about a limit"
    assert [c for c in calls if c["status"] == 429] == []
    assert platform.fresh_profile()["throttled"] == 0
