"""The XML helpers refuse what reaches beyond the document (XXE, entity bombs) and build requests from data."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from ordersync.channels.sdk import xml

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10) for n in range(1, 10))
    + b"]><lolz>&lol9;</lolz>"
)


def test_an_external_entity_is_refused_and_the_file_never_read(tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:SECRET")
    payload = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://%s">]><r>&xxe;</r>' % str(secret).encode()
    with pytest.raises(xml.UnsafeXML) as err:
        xml.parse(payload)
    assert "SECRET" not in str(err.value)


def test_a_network_dtd_is_refused():
    with pytest.raises(xml.UnsafeXML):
        xml.parse(b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd"><r/>')


def test_billion_laughs_is_refused_quickly():
    started = time.monotonic()
    with pytest.raises(xml.UnsafeXML):
        xml.parse(BILLION_LAUGHS)
    assert time.monotonic() - started < 1.0


def test_malformed_xml_is_invalid_not_unsafe():
    with pytest.raises(xml.InvalidXML):
        xml.parse(b"<a><b></a>")


def test_namespaced_answers_are_read_by_local_names():
    root = xml.parse(
        b'<R xmlns="urn:ebay:apis:eBLBaseComponents"><Ack>Warning</Ack>'
        b"<Errors><ErrorCode>21917</ErrorCode></Errors><Errors><ErrorCode>1</ErrorCode></Errors></R>"
    )
    assert xml.find_text(root, "Ack") == "Warning"
    assert [xml.find_text(e, "ErrorCode") for e in xml.find_all(root, "Errors")] == ["21917", "1"]
    assert xml.find_text(root, "Missing", default="-") == "-"


def test_requests_are_built_from_data():
    element = xml.build(
        "CompleteSaleRequest",
        {
            "@version": 1,
            "OrderID": "7-1",
            "Paid": True,
            "Shipment": {
                "ShipmentTrackingDetails": [
                    {"ShipmentTrackingNumber": "0034", "ShippingCarrierUsed": "DHL"},
                    {"ShipmentTrackingNumber": "0035", "ShippingCarrierUsed": "DPD"},
                ]
            },
            "Price": {"@currencyID": "EUR", "#text": Decimal("19.90")},
            "Note": None,
            "Text": "a < b & c",
        },
        namespace="urn:ebay:apis:eBLBaseComponents",
    )
    body = xml.serialize(element)
    assert body.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    back = xml.parse(body)
    assert xml.find_text(back, "Paid") == "true" and xml.find_text(back, "Text") == "a < b & c"
    assert [
        xml.find_text(d, "ShippingCarrierUsed") for d in xml.find_all(back, "Shipment", "ShipmentTrackingDetails")
    ] == ["DHL", "DPD"]
    price = xml.find_all(back, "Price")[0]
    assert price.get("currencyID") == "EUR" and price.text == "19.90"
    assert not xml.find_all(back, "Note") and back.get("version") == "1"
