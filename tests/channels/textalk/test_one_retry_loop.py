"""ChannelHTTP's retry loop is the only one: an injected failure costs exactly the policy's attempts, counted in
the sandbox's request log (the JSON-RPC client no longer repeats what ChannelHTTP already repeated)."""

from __future__ import annotations

import pytest

from ordersync.channels.sdk.errors import TransientError

from .conftest import RPC


@pytest.mark.parametrize("status", [500, 503])
def test_an_injected_server_error_costs_exactly_the_policys_attempts(shop, status) -> None:
    connector = shop.connector()
    shop.faults({"kind": "error", "status": status, "count": None, "path": RPC})
    with pytest.raises(TransientError):
        connector.client.call("Order.count", {})
    attempts = [r for r in shop.requests() if r["path"] == RPC]
    assert len(attempts) == connector.client.http.retry.max_attempts == 5
    assert len(connector.slept) == 4
