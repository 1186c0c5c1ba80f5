"""The Etsy sandbox and connector held to Etsy's Open API v3 document: a real import, article import,
tracking push and stock push are recorded, and every request the connector sent and every answer the sandbox
gave must validate against the vendor's spec (``etsy/etsy_3.0.0.json``, paths under ``/v3/application``).
The token endpoint (``/v3/public/oauth/token``) is not in the document and is checked by the OAuth tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from conftest import SHARED_SPECS, require_or_skip
from contract.openapi_exchanges import HOST, _strip_security, exchange_problems

from ordersync.channels.etsy.connector import EtsyConnector
from ordersync.channels.etsy.sandbox import create_sandbox
from ordersync.channels.sdk.errors import NotFoundError
from ordersync.channels.sdk.records import OrderRef, Window
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.domain import Shipment, StockUpdate

SPEC = SHARED_SPECS / "etsy" / "etsy_3.0.0.json"


@pytest.fixture(scope="module")
def spec():
    """The vendor document as it is, but for one defect: query parameters such as ``min_created`` declare
    ``default: null`` on a non-nullable integer, so a validator fills the null in for every request that
    leaves the parameter out (as Etsy expects) and then refuses it. Those defaults are dropped."""
    require_or_skip(SPEC, "the Etsy Open API v3 document (../shared/specs/etsy/etsy_3.0.0.json)")
    from openapi_core import Config, OpenAPI

    doc = json.loads(SPEC.read_text(encoding="utf-8"))
    for item in doc["paths"].values():
        for operation in item.values():
            for param in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = param.get("schema", {})
                if "default" in schema and schema["default"] is None and not schema.get("nullable"):
                    del schema["default"]
    doc["servers"] = [{"url": HOST}]  # the document's paths already start with /v3/application
    _strip_security(doc)
    return OpenAPI.from_dict(doc, config=Config(spec_validator_cls=None))


def test_every_exchange_of_a_full_run_validates_against_the_v3_spec(spec):
    allow_loopback()
    sandbox = create_sandbox(seed=5, orders=7)
    sandbox.exchanges.recording = True
    with serve_in_thread(sandbox.app) as server:
        connector = EtsyConnector({**sandbox.settings_for(server.base_url), "page_size": 3})
        assert connector.test_connection().ok
        since = datetime.now(UTC) - timedelta(days=60)
        orders = [o for p in connector.fetch_orders(Window(since, datetime.now(UTC))) for o in p.records]
        assert len(orders) == 7
        articles = [a for p in connector.fetch_articles(Window(None, datetime.now(UTC))) for a in p.records]
        assert articles
        assert connector.push_tracking(
            OrderRef(orders[0].external_id), Shipment(carrier="DHL", tracking_number="00340434161094042557")
        ).ok
        assert all(r.ok for r in connector.push_stock([StockUpdate("7003", 3, "9004", "BOWL-BLUE")]))
        connector.close()
    entries = sandbox.exchanges.entries()
    checked = [e for e in entries if e["path"].startswith("/v3/application")]
    assert len(checked) >= 8
    assert exchange_problems(spec, entries, under="/v3/application") == []
    sandbox.close()


def test_the_sandboxs_error_answers_validate_too(spec):
    allow_loopback()
    sandbox = create_sandbox(seed=5, orders=1)
    sandbox.exchanges.recording = True
    with serve_in_thread(sandbox.app) as server:
        connector = EtsyConnector(sandbox.settings_for(server.base_url))
        with pytest.raises(NotFoundError):
            connector.fetch_order(OrderRef("12345"))  # unknown receipt: Etsy's 404 ErrorSchema
        connector.close()
    problems = exchange_problems(spec, sandbox.exchanges.entries(), under="/v3/application")
    assert problems == []
    assert any(e["status"] == 404 for e in sandbox.exchanges.entries())
    sandbox.close()
