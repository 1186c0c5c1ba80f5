"""``ordersync`` as a separate process with the suite's test connectors registered (the crash cases kill it):
``python -m conformance.hub_cli sync shop``, with tests/ on PYTHONPATH."""

from __future__ import annotations

from ordersync.cli import main

from .extra_connectors import registered

if __name__ == "__main__":
    with registered():
        main()
