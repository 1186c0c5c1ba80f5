"""A sandbox imports nothing of its connector: otherwise a field name the connector gets wrong is shared by
construction and no test can catch it (issue 11, "Sandbox independence")."""

from __future__ import annotations

from pathlib import Path

import pytest

import ordersync.channels as channels_pkg
from ordersync.devtools.checks import connector_imports

CHANNELS = Path(channels_pkg.__file__).parent


SANDBOXES = sorted(p for p in CHANNELS.glob("*/sandbox") if p.is_dir())


@pytest.mark.parametrize("sandbox", SANDBOXES, ids=lambda p: p.parent.name)
def test_sandbox_imports_nothing_of_its_connector(sandbox):
    assert connector_imports(sandbox, sandbox.parent.name) == []


def test_the_check_sees_every_way_of_importing_the_connector(tmp_path):
    sandbox = tmp_path / "demo" / "sandbox"
    sandbox.mkdir(parents=True)
    (sandbox / "a.py").write_text("from ..mapping import FIELDS\nfrom . import rpc\nfrom ...sdk import sandbox\n")
    (sandbox / "b.py").write_text(
        "import ordersync.channels.demo.client\nfrom .. import connector\n"
        "from .data import x\nimport ordersync.channels.sdk\n"
    )
    assert connector_imports(sandbox, "demo") == [
        "a.py:1 ordersync.channels.demo.mapping",
        "b.py:1 ordersync.channels.demo.client",
        "b.py:2 ordersync.channels.demo.connector",
    ]
