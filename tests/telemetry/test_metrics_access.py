"""/metrics is served only to the addresses the operator allows (ORDERSYNC_METRICS_ALLOW, loopback by
default); anyone else gets 403 and not one figure."""

from __future__ import annotations

import dataclasses
import ipaddress

import pytest
from fastapi.testclient import TestClient

from ordersync.config import load_config, metrics_networks
from ordersync.telemetry.exposition import client_allowed
from ordersync.web.app import create_app

LOOPBACK = metrics_networks("127.0.0.0/8,::1")


def refused(response) -> bool:
    return response.status_code == 403 and "ordersync_" not in response.text and "# TYPE" not in response.text


def test_a_scrape_from_another_address_is_refused_without_data(hub):
    app = create_app(hub)
    assert refused(TestClient(app, client=("203.0.113.9", 5000)).get("/metrics"))
    assert refused(TestClient(app, client=("10.1.2.3", 5000)).get("/metrics"))
    assert refused(TestClient(app).get("/metrics"))  # a peer that is no address at all
    assert TestClient(app, client=("127.0.0.1", 5000)).get("/metrics").status_code == 200


def test_the_operator_allows_a_network(hub):
    hub.config = dataclasses.replace(hub.config, metrics_allow=metrics_networks("10.0.0.0/8"))
    app = create_app(hub)
    assert TestClient(app, client=("10.1.2.3", 5000)).get("/metrics").status_code == 200
    assert refused(TestClient(app, client=("127.0.0.1", 5000)).get("/metrics"))  # only what is named


def test_a_request_forwarded_by_a_local_proxy_is_judged_by_its_origin(hub):
    local = TestClient(create_app(hub), client=("127.0.0.1", 5000))
    assert refused(local.get("/metrics", headers={"X-Forwarded-For": "198.51.100.7"}))
    assert refused(local.get("/metrics", headers={"Forwarded": "for=198.51.100.7"}))
    assert local.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200


@pytest.mark.parametrize(
    "peer, ok",
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("::ffff:8.8.8.8", False),
        ("8.8.8.8", False),
        ("localhost", False),
        ("", False),
        (None, False),
    ],
)
def test_addresses_against_the_default(peer, ok):
    assert client_allowed(LOOPBACK, peer, {}) is ok


def test_the_default_is_loopback_and_a_typo_stops_the_start(tmp_path):
    assert load_config({"ORDERSYNC_HOME": str(tmp_path)}).metrics_allow == (
        ipaddress.ip_network("127.0.0.0/8"),
        ipaddress.ip_network("::1"),
    )
    with pytest.raises(ValueError, match=r"ORDERSYNC_METRICS_ALLOW: '10\.0\.0\.300' is not an IP address"):
        load_config({"ORDERSYNC_HOME": str(tmp_path), "ORDERSYNC_METRICS_ALLOW": "127.0.0.1, 10.0.0.300"})
    with pytest.raises(ValueError, match="name at least one address"):
        load_config({"ORDERSYNC_HOME": str(tmp_path), "ORDERSYNC_METRICS_ALLOW": " , "})
