"""Test connectors that run the conformance suite beside the shipped ones: connectors that exist only to
exercise an SDK feature no shipped connector uses yet (OAuth consent, feeds, acknowledgements). They are not
entry points (a seller never sees them); the suite adds them to its parameters, registers them with the
registry's run-time registration for each case (``conftest.registered_test_connectors``), and hub
processes the crash cases start register them too (``python -m conformance.hub_cli``).

A test connector joins by being named here ("module:Class", importable with tests/ on the path) and by
declaring ``sandbox_factory``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from ordersync.channels import registry
from ordersync.channels.sdk.connector import Connector

TEST_CONNECTORS = (
    "channels.oauthshop.connector:OAuthShop",
    "acceptance.ackshop:AckShop",
    "channels.feedshop.connector:FeedShop",
)


@cache
def extra_connector_classes() -> tuple[type[Connector], ...]:
    found = []
    for spec in TEST_CONNECTORS:
        module, _, name = spec.partition(":")
        found.append(getattr(importlib.import_module(module), name))
    return tuple(found)


@contextmanager
def registered() -> Iterator[None]:
    """Register the test connectors a shipped one does not already provide; unregister them afterwards."""
    added = [cls for cls in extra_connector_classes() if cls.system not in registry.all_connectors()]
    for cls in added:
        registry.register(cls)
    try:
        yield
    finally:
        for cls in added:
            registry.unregister(cls.system)
