from __future__ import annotations

import pytest

from ordersync.channels import registry
from ordersync.sync.connections import add_connection

from .memshop import MemShop


@pytest.fixture
def memshop(hub):
    MemShop.reset()
    registry.register(MemShop, replace=True)
    conn_id = add_connection(hub, "memshop", "mem", {"token": "t0ps3cret"})
    yield conn_id
    registry.unregister("memshop")
    MemShop.reset()
