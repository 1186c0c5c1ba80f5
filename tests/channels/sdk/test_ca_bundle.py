"""Per-connection CA bundle: a shop whose certificate a private CA signed, over real TLS on loopback."""

from __future__ import annotations

import pytest

from ordersync.channels.registry import get_connector
from ordersync.channels.sdk.errors import ChannelError
from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.retry import RetryPolicy
from ordersync.channels.sdk.settings import SettingsError
from ordersync.channels.sdk.tls import CaBundleError, check_ca_bundle

from .tlsserver import make_private_ca, serve_https

ONCE = RetryPolicy(max_attempts=1)


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    ca = make_private_ca(tmp_path_factory.mktemp("ca"))
    server = serve_https(ca)
    yield ca, f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_private_ca_is_not_trusted_without_the_bundle(shop):
    _, url = shop
    with ChannelHTTP(url, retry=ONCE) as http, pytest.raises(ChannelError, match="CERTIFICATE_VERIFY_FAILED"):
        http.request("GET", "/")


def test_the_bundle_makes_every_request_of_the_connection_trust_the_ca(shop):
    ca, url = shop
    with ChannelHTTP(url, ca_pem=ca.ca_pem, retry=ONCE) as http:
        assert http.request("GET", "/").json() == {"ok": True}
        assert http.request("GET", "/again").json() == {"ok": True}


def test_another_connection_without_the_bundle_still_refuses(shop):
    ca, url = shop
    ChannelHTTP(url, ca_pem=ca.ca_pem).close()
    with ChannelHTTP(url, retry=ONCE) as http, pytest.raises(ChannelError):
        http.request("GET", "/")


def test_the_bundle_is_checked_as_pem_certificates(shop):
    ca, _ = shop
    assert check_ca_bundle("\n" + ca.ca_pem + "\n").startswith("-----BEGIN CERTIFICATE-----")
    with pytest.raises(CaBundleError, match="no PEM certificate"):
        check_ca_bundle("just some text")
    with pytest.raises(CaBundleError, match="not a CERTIFICATE"):
        check_ca_bundle(ca.key_pem)
    broken = ca.ca_pem.replace(ca.ca_pem.splitlines()[3], "A" * 64)
    with pytest.raises(CaBundleError, match="certificate 1 does not parse"):
        check_ca_bundle(broken)
    with pytest.raises(CaBundleError, match="outside its certificates"):
        check_ca_bundle(ca.ca_pem + "trailing words")


@pytest.mark.parametrize("system", ["woocommerce", "shopify", "textalk", "csv", "email"])
def test_every_connector_offers_the_bundle_and_rejects_a_bad_one(system, shop):
    ca, _ = shop
    schema = get_connector(system).settings_schema
    field = schema.field("ca_bundle")
    assert field.parse(ca.ca_pem).startswith("-----BEGIN CERTIFICATE-----")
    with pytest.raises(SettingsError, match="'ca_bundle'.*no PEM certificate"):
        field.parse("not a certificate")


def test_the_woocommerce_connector_uses_the_bundle_for_its_requests(shop):
    """The connection test of a WooCommerce connection reaches the private-CA shop only with the bundle."""
    ca, url = shop
    cls = get_connector("woocommerce")
    base = {"url": url, "consumer_key": "ck_x", "consumer_secret": "cs_x"}
    without = cls(base)
    with pytest.raises(ChannelError, match="CERTIFICATE_VERIFY_FAILED"):
        without.client.http.request("GET", "/", retry=ONCE)
    without.close()
    connector = cls({**base, "ca_bundle": ca.ca_pem})
    try:
        assert connector.client.http.request("GET", "/", retry=ONCE).json() == {"ok": True}
    finally:
        connector.close()
