"""`ordersync dev new-connector NAME` writes a connector that imports, registers, passes the structural checks
(declaration, English and German texts, sandbox factory, sandbox independence) and works against its own
sandbox over loopback before any vendor logic is written."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
from typer.testing import CliRunner
from web.test_connector_texts_de import texts_without_german  # tests/ is on sys.path, as for ..harness

from ordersync.channels import registry
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.cli import app
from ordersync.devtools.checks import connector_imports
from ordersync.devtools.new_connector import ScaffoldError, add_entry_point, create
from ordersync.web.ui import i18n

ENTRY = "import sys; sys.argv[0] = 'ordersync'; from ordersync.cli import main; main()"


@pytest.fixture
def package(tmp_path, monkeypatch):
    """An empty importable package ``scaffolded`` in tmp_path."""
    (tmp_path / "scaffolded").mkdir()
    (tmp_path / "scaffolded" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path / "scaffolded"
    for name in [m for m in sys.modules if m == "scaffolded" or m.startswith("scaffolded.")]:
        del sys.modules[name]


def test_the_skeleton_imports_registers_and_passes_the_structural_checks(package, monkeypatch):
    result = CliRunner().invoke(
        app,
        [
            "dev",
            "new-connector",
            "acme_shop",
            "--into",
            str(package),
            "--package",
            "scaffolded",
            "--display-name",
            "Acme Shop",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "scaffolded.acme_shop.connector:AcmeShopConnector" in result.output
    cls = importlib.import_module("scaffolded.acme_shop.connector").AcmeShopConnector
    registry.validate(cls)  # raises on an incomplete declaration
    assert cls.system == "acme_shop" and cls.display_name == "Acme Shop" and cls.group == "shop"
    assert [d.capability.value for d in cls.capabilities] == ["import_orders"]  # only what it implements
    try:
        registry.register(cls)
        assert registry.get_connector("acme_shop") is cls
        i18n.connector_texts.cache_clear()  # the scaffolded package's texts_de.py is read while registered
        assert texts_without_german(cls) == []
    finally:
        registry.unregister("acme_shop")
        i18n.connector_texts.cache_clear()
    module, _, function = cls.sandbox_factory.partition(":")
    assert callable(getattr(importlib.import_module(module), function))
    assert connector_imports(package / "acme_shop" / "sandbox", "acme_shop", "scaffolded") == []


def test_the_skeleton_works_against_its_sandbox_over_loopback(package):
    create("demo_rest", into=package, package="scaffolded", existing=set())
    sandbox = importlib.import_module("scaffolded.demo_rest.sandbox").create_sandbox(seed=2, orders=12)
    connector_cls = importlib.import_module("scaffolded.demo_rest.connector").DemoRestConnector
    with serve_in_thread(sandbox.app) as server:
        connector = connector_cls({**sandbox.settings_for(server.base_url), "page_size": 5})
        try:
            result = connector.test_connection()
            assert result.ok and "Demo Rest sandbox 2" in result.message
            assert len(sandbox.requests.entries()) == 1  # it really went over HTTP
        finally:
            connector.close()
    sandbox.close()


def test_the_skeletons_own_test_passes(package):
    written = create("own_test", into=package, package="scaffolded", existing=set())
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(written.tests_dir)],
        cwd=package.parent,
        env={**_env(), "PYTHONPATH": str(package.parent)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0 and "3 passed" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-2000:]


@pytest.mark.parametrize(
    "name, why",
    [
        ("Acme", "not a valid connector name"),
        ("acme-shop", "not a valid connector name"),
        ("9shop", "not a valid connector name"),
        ("class", "not a valid connector name"),
        ("textalk", "already exists"),
        ("sdk", "already exists"),
    ],
)
def test_bad_names_are_refused_and_nothing_is_written(package, name, why):
    with pytest.raises(ScaffoldError, match=why):
        create(name, into=package, package="scaffolded", existing={"textalk"})
    assert [p.name for p in package.iterdir()] == ["__init__.py"]


def test_the_command_line_says_why_it_refuses(package):
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            ENTRY,
            "dev",
            "new-connector",
            "woocommerce",
            "--into",
            str(package),
            "--package",
            "scaffolded",
        ],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1 and "error: a channel named 'woocommerce' already exists" in proc.stderr
    assert [p.name for p in package.iterdir()] == ["__init__.py"]


def test_the_entry_point_is_added_to_the_connectors_table_only(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\n\n[project.entry-points."ordersync.connectors"]\n'
        'shop = "a.b:C"\n\n[tool.other]\nkey = 1\n'
    )
    add_entry_point(pyproject, 'new = "a.new.connector:NewConnector"')
    assert pyproject.read_text() == (
        '[project]\nname = "x"\n\n[project.entry-points."ordersync.connectors"]\n'
        'shop = "a.b:C"\nnew = "a.new.connector:NewConnector"\n\n[tool.other]\nkey = 1\n'
    )


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items()}
