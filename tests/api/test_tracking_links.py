"""Issue 16 item 18: a tracking URL is an http(s) link or nothing, checked once (domain.links) for the API,
the web UI and the CLI; a ``javascript:`` link used to pass the API."""

from __future__ import annotations

import pytest

from ordersync.domain.links import link_problem
from ordersync.sync import actions
from ordersync.sync.hub import HubError

BAD = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<b>",
    "vbscript:x",
    "//evil.example/x",
    "https://",
    "https://dhl.de/track?id=1 2",
    "file:///etc/passwd",
    "https://dhl.de/\x00",
]


@pytest.mark.parametrize("url", BAD)
def test_only_http_links_with_a_host_pass(url):
    assert link_problem(url.strip()) is not None


def test_good_links_pass():
    for url in (
        "",
        "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=JJD1",
        "http://tracking.example/1",
        "HTTPS://DPD.DE/x",
    ):
        assert link_problem(url) is None


def test_the_api_refuses_a_javascript_tracking_url_and_stores_nothing(api):
    order_id = api.a.order_ids[0]
    r = api.a_(
        "POST",
        f"/api/v1/orders/{order_id}/shipment",
        json={"ShippingId": "JJD1", "Shipper": "DHL", "TrackingUrl": "javascript:alert(1)"},
    )
    assert r.status_code == 400
    body = r.json()
    assert body["Errors"][0]["Field"] == "TrackingUrl" and "https://" in body["ErrorMessage"]
    assert api.a_("GET", f"/api/v1/shipments?orderId={order_id}").json()["Data"] == []
    ok = api.a_(
        "POST",
        f"/api/v1/orders/{order_id}/shipment",
        json={"ShippingId": "JJD1", "Shipper": "DHL", "TrackingUrl": "https://dhl.de/t?JJD1"},
    )
    assert ok.status_code == 201


def test_the_cli_and_ui_path_refuses_it_too(api):
    with pytest.raises(HubError, match="tracking URL must start with https://"):
        actions.ship(
            api.hub,
            api.a.order_ids[0],
            carrier="DHL",
            tracking_number="JJD1",
            tracking_url="javascript:alert(1)",
            account="alpha",
        )
