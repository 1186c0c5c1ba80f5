"""The eBay sandbox held to eBay's own OAS3 contracts: every request the connector sends and every answer the
sandbox gives during a real run (import, item-level fulfilments, stock, messages, notification set-up and key
fetch) must validate against ``sell_fulfillment``, ``sell_inventory``, ``commerce_message`` and
``commerce_notification`` in $ORDERSYNC_SPECS/ebay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from ordersync.channels.ebay.connector import EbayConnector
from ordersync.channels.ebay.sandbox import create_sandbox
from ordersync.channels.sdk.records import OrderRef, Window
from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.sdk.urlguard import allow_loopback
from ordersync.domain import Shipment, ShipmentLine, StockUpdate

from conftest import SHARED_SPECS, require_or_skip

SPECS = SHARED_SPECS / "ebay"
DOCUMENTS = {"sell_fulfillment_v1_oas3.json": "/sell/fulfillment/v1", "sell_inventory_v1_oas3.json": "/sell/inventory/v1",
             "commerce_message_v1_oas3.json": "/commerce/message/v1",
             "commerce_notification_v1_oas3.json": "/commerce/notification/v1"}


@pytest.fixture(scope="module")
def run():
    require_or_skip((SPECS / "sell_fulfillment_v1_oas3.json").exists(), "eBay's OAS3 contracts (shared/specs/ebay)")
    allow_loopback()
    sandbox = create_sandbox(seed=9, orders=0)
    with serve_in_thread(sandbox.app) as server:
        sandbox.exchanges.recording = True
        sandbox.control_orders({"create": [{"lines": 2, "collect_vat": True}, {"payment": "PENDING"}, {}]})
        connector = EbayConnector(sandbox.settings_for(server.base_url))
        orders = [o for page in connector.fetch_orders(Window(None, datetime.now(UTC) + timedelta(minutes=1)))
                  for o in page.records]
        first = orders[0]
        connector.push_tracking(OrderRef(first.external_id), Shipment(
            carrier="DHL", tracking_number="JJD01", lines=[ShipmentLine(first.items[0].external_id, Decimal(1))]))
        connector.push_tracking(OrderRef(first.external_id), Shipment(carrier="DHL", tracking_number="JJD02"))
        list(connector.fetch_articles(Window(None, datetime.now(UTC))))
        connector.push_stock([StockUpdate("MUG-1", 5, sku="MUG-1"), StockUpdate("POT-2", 6, sku="POT-2")])
        connector.send_message(OrderRef(first.external_id), "Versand", "Ihr Paket ist unterwegs")
        connector.context.webhook_url = "http://127.0.0.1:9/unreachable"  # no hub: only the key fetch is checked
        connector.app_http.request("GET", f"/commerce/notification/v1/public_key/{sandbox.signer.kid}")
        connector.close()
        yield sandbox.exchanges.entries(), orders
    sandbox.close()


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_every_exchange_validates_against_ebays_contract(run, document):
    from contract.openapi_exchanges import exchange_problems, load_spec

    exchanges, _ = run
    base = DOCUMENTS[document]
    assert [e for e in exchanges if e["path"].startswith(base)], f"the run made no {base} call"
    assert exchange_problems(load_spec(SPECS / document), exchanges, base_path=base) == []


def test_the_run_imported_only_completed_checkouts(run):
    _, orders = run
    assert len(orders) == 2
