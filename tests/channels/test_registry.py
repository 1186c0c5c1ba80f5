"""The connector registry: entry points plus registered classes, validated, with helpful errors."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any

import pytest

from ordersync.channels import registry
from ordersync.channels.sdk.capabilities import Capability, Mode, declare
from ordersync.channels.sdk.connector import Connector
from ordersync.channels.sdk.guide import GuideStep
from ordersync.channels.sdk.settings import SettingField, SettingsSchema


class DemoShop(Connector):
    system = "demo_shop"
    display_name = "Demo Shop"
    group = "shop"
    capabilities = (
        declare(Capability.IMPORT_ORDERS, Mode.POLL, Mode.WEBHOOK),
        declare(Capability.CHANGE_STATUS, Mode.API),
    )
    settings_schema = SettingsSchema((SettingField("url", "Shop URL", "url"), SettingField("key", "Key", secret=True)))
    guide = (GuideStep("Create a key", "In the shop's admin ...", settings=("url", "key")),)


class DemoMarket(DemoShop):
    system = "demo_market"
    display_name = "Demo Market"
    group = "marketplace"


@dataclass
class FakeEntryPoint:
    """Stands in for importlib.metadata.EntryPoint: a name, a value and load()."""

    name: str
    target: Any
    value: str = "plugin.module:Class"

    def load(self) -> Any:
        if isinstance(self.target, Exception):
            raise self.target
        return self.target


@pytest.fixture
def fake_entry_points(monkeypatch: pytest.MonkeyPatch):
    """Replace the installed entry points with a list the test controls."""
    installed: list[FakeEntryPoint] = []
    monkeypatch.setattr(
        registry, "entry_points", lambda group: installed if group == registry.ENTRY_POINT_GROUP else []
    )
    registry.reload()
    yield installed
    registry.reload()


@pytest.fixture
def clean_registry():
    saved = dict(registry._registered)
    yield
    registry._registered.clear()
    registry._registered.update(saved)


def _variant(**attrs: Any) -> type[Connector]:
    return type("Variant", (DemoShop,), attrs)


# validation --------------------------------------------------------------------------------------------


def test_a_sound_connector_validates() -> None:
    registry.validate(DemoShop)


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ({"system": "Demo-Shop"}, "lowercase letters"),
        ({"system": ""}, "lowercase letters"),
        ({"group": "webshop"}, "must be one of marketplace, shop, erp, files"),
        ({"display_name": " "}, "display_name"),
        ({"capabilities": ()}, "non-empty tuple"),
        ({"capabilities": [declare(Capability.IMPORT_ORDERS, Mode.POLL)]}, "non-empty tuple"),
        ({"capabilities": (declare(Capability.IMPORT_ORDERS),)}, "import_orders declares no mode"),
        ({"capabilities": (declare(Capability.SET_STOCK, "api"),)}, "'api' is not a Mode"),
        ({"capabilities": (declare(Capability.SET_STOCK, Mode.API),) * 2}, "set_stock is declared twice"),
        ({"capabilities": ("import_orders",)}, "is not a CapabilityDecl"),
        ({"settings_schema": None}, "settings_schema must be a SettingsSchema"),
        ({"guide": ()}, "guide must be a non-empty tuple"),
        ({"guide": (GuideStep("", "text"),)}, "guide step 1 has no title or text"),
        ({"guide": (GuideStep("Key", "text", settings=("token",)),)}, "unknown setting 'token'"),
    ],
)
def test_invalid_declarations_are_named(attrs: dict[str, Any], message: str) -> None:
    with pytest.raises(registry.InvalidConnector, match=message):
        registry.validate(_variant(**attrs))


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(registry.InvalidConnector) as info:
        registry.validate(_variant(system="X", group="nope", guide=()))
    assert "system 'X'" in str(info.value) and "group 'nope'" in str(info.value) and "guide" in str(info.value)


def test_not_a_connector_class() -> None:
    with pytest.raises(registry.InvalidConnector, match="not a subclass"):
        registry.validate(object)
    with pytest.raises(registry.InvalidConnector, match="not a subclass"):
        registry.validate(DemoShop({}))


def test_missing_class_attributes_are_reported_not_raised_as_attribute_error() -> None:
    class Bare(Connector):
        pass

    with pytest.raises(registry.InvalidConnector, match="system None.*display_name.*group None.*capabilities"):
        registry.validate(Bare)


# loading -----------------------------------------------------------------------------------------------


def test_entry_points_are_loaded_sorted_and_cached(fake_entry_points: list[FakeEntryPoint]) -> None:
    fake_entry_points += [FakeEntryPoint("demo_shop", DemoShop), FakeEntryPoint("demo_market", DemoMarket)]
    assert list(registry.all_connectors()) == ["demo_market", "demo_shop"]
    assert registry.get_connector("demo_shop") is DemoShop
    fake_entry_points.clear()
    assert "demo_shop" in registry.all_connectors()  # cached
    registry.reload()
    assert registry.all_connectors() == {}


def test_a_broken_plugin_is_reported_and_hides_nothing(
    fake_entry_points: list[FakeEntryPoint], caplog: pytest.LogCaptureFixture
) -> None:
    fake_entry_points += [
        FakeEntryPoint("broken", ModuleNotFoundError("No module named 'acme_plugin'"), "acme_plugin:Conn"),
        FakeEntryPoint("demo_shop", DemoShop),
        FakeEntryPoint("crashy", RuntimeError("boom at import")),
        FakeEntryPoint("invalid", _variant(system="invalid", group="webshop")),
        FakeEntryPoint("misnamed", DemoMarket),
    ]
    assert list(registry.all_connectors()) == ["demo_shop"]
    found = {p.name: p.error for p in registry.problems()}
    assert found["broken"] == "ModuleNotFoundError: No module named 'acme_plugin'"
    assert found["crashy"] == "RuntimeError: boom at import"
    assert "group 'webshop'" in found["invalid"]
    assert "differs from system 'demo_market'" in found["misnamed"]
    assert "acme_plugin:Conn" in caplog.text and "broken" in caplog.text
    with pytest.raises(registry.UnknownConnector, match=r"'broken' is installed but failed to load: ModuleNotF"):
        registry.get_connector("broken")
    with pytest.raises(registry.UnknownConnector, match=r"failed to load: broken \(Module.*crashy"):
        registry.get_connector("nothing_like_it")
    with pytest.raises(registry.UnknownConnector, match="did you mean 'broken'"):
        registry.get_connector("brokn")


def test_two_plugins_claiming_one_system(fake_entry_points: list[FakeEntryPoint]) -> None:
    fake_entry_points += [FakeEntryPoint("demo_shop", DemoShop), FakeEntryPoint("demo_shop", _variant())]
    assert registry.get_connector("demo_shop") is DemoShop
    assert "also provided by" in registry.problems()[0].error


def test_a_typo_suggests_close_matches_and_lists_known(fake_entry_points: list[FakeEntryPoint]) -> None:
    fake_entry_points += [FakeEntryPoint("demo_shop", DemoShop), FakeEntryPoint("demo_market", DemoMarket)]
    with pytest.raises(registry.UnknownConnector) as info:
        registry.get_connector("demo_shp")
    text = str(info.value)
    assert "did you mean 'demo_shop'" in text and "Known systems: demo_market, demo_shop." in text
    with pytest.raises(registry.UnknownConnector, match=r"^no connector for system 'zzz'\. Known systems"):
        registry.get_connector("zzz")


# register ----------------------------------------------------------------------------------------------


def test_register_adds_validated_classes(fake_entry_points: list[FakeEntryPoint], clean_registry: None) -> None:
    fake_entry_points.append(FakeEntryPoint("demo_market", DemoMarket))
    assert registry.register(DemoShop) is DemoShop
    assert list(registry.all_connectors()) == ["demo_market", "demo_shop"]
    with pytest.raises(registry.InvalidConnector):
        registry.register(_variant(system="Bad"))
    registry.unregister("demo_shop")
    assert list(registry.all_connectors()) == ["demo_market"]


def test_register_refuses_to_shadow_unless_told(fake_entry_points: list[FakeEntryPoint], clean_registry: None) -> None:
    fake_entry_points.append(FakeEntryPoint("demo_shop", DemoShop))
    stand_in = _variant()
    with pytest.raises(registry.InvalidConnector, match="already provided"):
        registry.register(stand_in)
    registry.register(stand_in, replace=True)
    assert registry.get_connector("demo_shop") is stand_in
    registry.register(stand_in)  # same class again is fine


def test_register_works_as_a_decorator(fake_entry_points: list[FakeEntryPoint], clean_registry: None) -> None:
    @registry.register
    class Files(DemoShop):
        system = "csv_files"
        display_name = "CSV files"
        group = "files"

    assert registry.get_connector("csv_files") is Files


# the real installation ---------------------------------------------------------------------------------


def test_the_package_declares_its_connectors_as_entry_points() -> None:
    names = {ep.name for ep in registry.entry_points(group=registry.ENTRY_POINT_GROUP)}
    assert "woocommerce" in names


def test_installed_connectors_all_load() -> None:
    if importlib.util.find_spec("ordersync.channels.woocommerce.connector") is None:
        pytest.skip("the WooCommerce connector is not written yet")
    registry.reload()
    assert registry.problems() == ()
    assert registry.get_connector("woocommerce").group == "shop"
