"""GET /api/v1/shipments names what each parcel ships: the order lines and quantities (item-level fulfilment);
a parcel recorded for the whole order lists no lines."""

from __future__ import annotations


def test_the_shipment_list_carries_each_parcels_lines(api):
    order_id = api.a.order_ids[0]
    line = api.a_("GET", f"/api/v1/orders/{order_id}").json()["Data"]["OrderItems"][0]
    first = api.a_(
        "POST",
        f"/api/v1/orders/{order_id}/shipment",
        json={
            "ShippingId": "JJD1",
            "Shipper": "DHL",
            "Lines": [{"TransactionId": line["TransactionId"], "Quantity": 2}],
        },
    )
    assert first.status_code == 201, first.text
    rest = api.a_("POST", f"/api/v1/orders/{order_id}/shipment", json={"ShippingId": "JJD2", "Shipper": "DPD"})
    assert rest.status_code == 201, rest.text
    listed = {x["ShippingId"]: x for x in api.a_("GET", f"/api/v1/shipments?orderId={order_id}").json()["Data"]}
    assert listed["JJD1"]["Lines"] == [
        {"TransactionId": line["TransactionId"], "SKU": line["Product"]["SKU"], "Quantity": line["Quantity"]}
    ]  # the whole line, as the API writes amounts
    assert listed["JJD2"]["Lines"] == []  # a further parcel recorded for the whole order
    assert listed["JJD1"]["OrderId"] == order_id
    detail = api.a_("GET", f"/api/v1/orders/{order_id}").json()["Data"]
    assert [s["Lines"] for s in detail["ShippingIds"]] == [listed["JJD1"]["Lines"], []]
