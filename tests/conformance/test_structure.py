"""Structural checks for every registered connector, with or without a sandbox: a complete declaration in
English and German, secrets marked, and a sandbox that is importable and independent of its connector."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
from pathlib import Path

import httpx
import pytest
from web.test_connector_texts_de import texts_without_german

from ordersync.channels.registry import InvalidConnector, all_connectors, validate
from ordersync.channels.sdk.capabilities import Capability, Mode, declare
from ordersync.channels.sdk.connector import Connector
from ordersync.channels.sdk.guide import GuideStep
from ordersync.channels.sdk.sandbox import Sandbox
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.settings import SettingField, SettingsSchema
from ordersync.channels.textalk.sandbox import create_sandbox as create_textalk

from .extra_connectors import extra_connector_classes
from .platforms import load_factory

CONNECTORS = [pytest.param(cls, id=system) for system, cls in all_connectors().items()]
#: a setting whose name says it holds a credential must be declared secret (encrypted, never shown)
SECRET_NAME = re.compile(r"(secret|token|password|passwd|api_key|private_key|client_key|consumer_key)$")


@pytest.mark.parametrize("cls", CONNECTORS)
def test_declaration_is_complete_in_english_and_german(cls):
    validate(cls)  # system, display_name, group, capabilities, settings_schema and guide are sound
    assert cls.display_name.strip() and cls.settings_schema.fields, f"{cls.system}: nothing to set up"
    missing = texts_without_german(cls)
    assert not missing, "texts without English or German:\n" + "\n".join(missing)


@pytest.mark.parametrize("cls", CONNECTORS)
def test_settings_that_hold_credentials_are_marked_secret(cls):
    unmarked = [f.name for f in cls.settings_schema.fields if SECRET_NAME.search(f.name) and not f.secret]
    assert not unmarked, f"{cls.system}: credential settings not marked secret: {unmarked}"


@pytest.mark.parametrize("cls", CONNECTORS)
def test_the_sandbox_factory_builds_a_sandbox_with_the_control_api(cls):
    if not cls.sandbox_factory:
        pytest.skip(f"{cls.system} declares no sandbox")
    sandbox = load_factory(cls.sandbox_factory)(seed=1, orders=0)
    try:
        assert isinstance(sandbox, Sandbox) and sandbox.system == cls.system
        assert "create" in sandbox.offered_actions(), f"{cls.system}: the sandbox cannot create orders"
        assert {"orders_read", "writes", "rate_limit"} <= set(sandbox.conformance_profile())
    finally:
        sandbox.close()


def _imports(path: Path, package: str) -> list[str]:
    """Absolute names of every module ``path`` (a module of ``package``) imports."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names += [module] + [f"{module}.{a.name}" for a in node.names]
    return names


def connector_imports_of_sandbox(cls) -> list[str]:
    """Every import in the sandbox's package that reaches into its own channel outside the sandbox."""
    module = cls.sandbox_factory.partition(":")[0]
    spec = importlib.util.find_spec(module)
    origin = Path(spec.origin)
    channel = module.rsplit(".sandbox", 1)[0] if ".sandbox" in module else module.rsplit(".", 1)[0]
    files = sorted(origin.parent.rglob("*.py")) if origin.name == "__init__.py" else [origin]
    own = f"{channel}.sandbox"
    found = []
    for path in files:
        package = module if origin.name == "__init__.py" else module.rsplit(".", 1)[0]
        rel = path.relative_to(origin.parent).with_suffix("")
        package = ".".join([module, *rel.parts[:-1]]) if origin.name == "__init__.py" else package
        for name in _imports(path, package):
            if name.startswith(channel + ".") and not (name == own or name.startswith(own + ".")):
                found.append(f"{path.name}: {name}")
    return found


@pytest.mark.parametrize("cls", CONNECTORS)
def test_the_sandbox_imports_nothing_of_its_connector(cls):
    if not cls.sandbox_factory:
        pytest.skip(f"{cls.system} declares no sandbox")
    leaks = connector_imports_of_sandbox(cls)
    assert not leaks, f"{cls.system}: the sandbox imports its connector's code: {leaks}"


def test_the_import_check_catches_a_sandbox_that_reads_its_connector(tmp_path, monkeypatch):
    package = tmp_path / "leaky" / "sandbox"
    package.mkdir(parents=True)
    (tmp_path / "leaky" / "__init__.py").write_text("")
    (tmp_path / "leaky" / "mapping.py").write_text("FIELD = 'street'\n")
    (package / "__init__.py").write_text("from .data import build\n")
    (package / "data.py").write_text("from ..mapping import FIELD\nfrom . import other\n")
    (package / "other.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))

    class Leaky:
        system = "leaky"
        sandbox_factory = "leaky.sandbox:build"

    assert connector_imports_of_sandbox(Leaky) == ["data.py: leaky.mapping", "data.py: leaky.mapping.FIELD"]


def test_the_control_api_answers_an_action_a_sandbox_lacks_with_501_and_an_unknown_one_with_404():
    sandbox = create_textalk(seed=1, orders=0)
    with serve_in_thread(sandbox.app) as server:
        control = server.base_url + "/_sandbox/conformance"
        profile = httpx.get(control).json()
        assert profile["system"] == "textalk" and "create" in profile["actions"] and "effects" not in profile["actions"]
        lacking = httpx.post(control + "/effects", json={})
        assert lacking.status_code == 501 and "does not offer" in lacking.json()["error"]
        unknown = httpx.post(control + "/teleport", json={})
        assert unknown.status_code == 404 and "known:" in unknown.json()["error"]
        bad = httpx.post(control + "/modify", json={"ids": "nope"})
        assert bad.status_code == 400
    sandbox.close()


#: the hook a declared push needs (sent through the channel's own API)
HOOKS = {
    Capability.CHANGE_STATUS: "push_state",
    Capability.TRANSMIT_TRACKING: "push_tracking",
    Capability.SET_STOCK: "push_stock",
    Capability.SEND_MESSAGES: "send_message",
    Capability.ACKNOWLEDGE_ORDERS: "acknowledge",
}


def _hooks_needed(cls) -> list[str]:
    needed = [HOOKS[d.capability] for d in cls.capabilities if d.capability in HOOKS and Mode.API in d.modes]
    if cls.cancels_lines():
        needed.append("cancel_lines")
    if cls.async_push is not None:
        needed.append("check_push")
    return needed


WITH_TEST_CONNECTORS = [
    *CONNECTORS,
    *(pytest.param(c, id=c.system) for c in extra_connector_classes() if c.system not in all_connectors()),
]


@pytest.mark.parametrize("cls", WITH_TEST_CONNECTORS)
def test_every_declared_push_has_its_hook(cls):
    """A declaration the connector does not implement would reach the dispatcher as NotImplementedError."""
    missing = [name for name in _hooks_needed(cls) if getattr(cls, name) is getattr(Connector, name)]
    assert not missing, f"{cls.system} declares what it does not implement: {', '.join(missing)}"


def test_capability_flags_are_checked_where_they_apply():
    class Wrong(Connector):
        system, display_name, group = "wrongflags", "Wrong flags", "shop"
        capabilities = (
            declare(Capability.SET_STOCK, Mode.API, cancels_lines=True),
            declare(Capability.CHANGE_STATUS, Mode.API, item_level=True),
        )
        settings_schema = SettingsSchema((SettingField("url", "URL", type="url"),))
        guide = (GuideStep("Connect", "Enter the address.", settings=("url",)),)

    with pytest.raises(InvalidConnector) as caught:
        validate(Wrong)
    assert "set_stock: cancels_lines only applies to change_status" in str(caught.value)
    assert "change_status: item_level only applies to transmit_tracking" in str(caught.value)
