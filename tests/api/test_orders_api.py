"""/api/v1/orders: list with Billbee's filters and paging envelope, detail, state, shipment, message, tags."""

from __future__ import annotations

import json

from sqlalchemy import select

from ordersync.domain import OrderState
from ordersync.store.models import OrderRow, OutboxEntry


def outbox(hub, order_id):
    with hub.db.session() as s:
        return [
            (e.kind, json.loads(e.payload))
            for e in s.scalars(select(OutboxEntry).where(OutboxEntry.order_id == order_id).order_by(OutboxEntry.id))
        ]


def test_list_orders_with_paging_and_filters(api):
    r = api.a_("GET", "/api/v1/orders?pageSize=3")
    assert r.status_code == 200
    body = r.json()
    assert body["Paging"] == {"Page": 1, "TotalPages": 2, "TotalRows": 4, "PageSize": 3}
    assert body["ErrorCode"] == 0 and body["ErrorMessage"] is None
    first = body["Data"][0]
    assert first["OrderNumber"] == "ALPHA1004" and first["State"] == 3 and first["StateName"] == "Paid"
    assert first["TotalCost"] == "23.90" and first["Currency"] == "EUR"
    assert first["CreatedAt"] == "2026-03-01T13:00:00+00:00"
    assert first["ApiAccountId"] == api.a.connection_id and first["ApiAccountName"] == "alpha-shop"
    page2 = api.a_("GET", "/api/v1/orders?pageSize=3&page=2").json()
    assert [o["OrderNumber"] for o in page2["Data"]] == ["ALPHA1001"]
    q = "/api/v1/orders?minOrderDate=2026-03-01T10:30:00%2B00:00&maxOrderDate=2026-03-01T12:00:00Z&sort=created"
    assert [o["OrderNumber"] for o in api.a_("GET", q).json()["Data"]] == ["ALPHA1002", "ALPHA1003"]
    assert api.a_("GET", "/api/v1/orders?orderStateId=3&orderStateId=4").json()["Paging"]["TotalRows"] == 4
    assert api.a_("GET", "/api/v1/orders?orderStateId=1").json()["Data"] == []
    assert api.a_("GET", f"/api/v1/orders?shopId={api.a.connection_id}").json()["Paging"]["TotalRows"] == 4
    assert api.a_("GET", "/api/v1/orders?search=buyer3@").json()["Data"][0]["OrderNumber"] == "ALPHA1003"
    assert api.a_("GET", "/api/v1/orders?modifiedAtMin=2099-01-01T00:00:00Z").json()["Data"] == []
    assert api.a_("GET", "/api/v1/orders?modifiedAtMax=2099-01-01T00:00:00Z").json()["Paging"]["TotalRows"] == 4


def test_get_one_order_and_find_by_number(api):
    order_id = api.a.order_ids[1]
    r = api.a_("GET", f"/api/v1/orders/{order_id}")
    assert r.status_code == 200
    o = r.json()["Data"]
    assert o["BillBeeOrderId"] == order_id and o["OrderNumber"] == "ALPHA1002" and o["Id"] == "alpha-2"
    assert o["ShippingAddress"]["Street"] == "Gartenweg" and o["ShippingAddress"]["HouseNumber"] == "7a"
    assert o["InvoiceAddress"]["CountryISO2"] == "DE" and o["Buyer"]["Email"] == "buyer2@alpha.example"
    (item,) = o["OrderItems"]
    assert item["Product"]["SKU"] == "ALPHA-MUG" and item["Quantity"] == "2" and item["UnitPrice"] == "7.50"
    assert item["TotalPrice"] == "15.00" and item["TaxRate"] == "19"
    assert o["Payments"][0]["PayValue"] == o["TotalCost"] == "21.90" and o["ShippingCost"] == "4.90"
    assert o["History"][0]["EventTypeName"] == "imported" and o["ShippingIds"] == []
    assert api.a_("GET", "/api/v1/orders/findbyextref/ALPHA1002").json()["Data"]["BillBeeOrderId"] == order_id
    assert api.a_("GET", "/api/v1/orders/findbyextref/alpha-2").json()["Data"]["BillBeeOrderId"] == order_id
    r = api.a_("GET", "/api/v1/orders/999999")
    assert r.status_code == 404 and r.json()["ErrorMessage"] == "no order with id 999999"
    assert api.a_("GET", "/api/v1/orders/findbyextref/NOPE").status_code == 404


def test_change_state_goes_to_the_channel_through_the_outbox(api):
    order_id = api.a.order_ids[0]
    before = api.a_("GET", f"/api/v1/orders/{order_id}").json()["Data"]["State"]
    r = api.a_("PUT", f"/api/v1/orders/{order_id}/orderstate", json={"NewStateId": 7, "Comment": "done"})
    assert r.status_code == 200 and r.json()["Data"] == {
        "BillBeeOrderId": order_id,
        "State": 7,
        "StateName": "Closed",
        "Changed": True,
    }
    assert ("state", {"comment": "done", "state": 7}) in outbox(api.hub, order_id)
    again = api.a_("PUT", f"/api/v1/orders/{order_id}/orderstate", json={"NewStateId": 7})
    assert again.json()["Data"]["Changed"] is False
    assert [k for k, _ in outbox(api.hub, order_id)].count("state") == 1
    o = api.a_("GET", f"/api/v1/orders/{order_id}").json()["Data"]
    assert o["StateName"] == "Closed"
    change = o["History"][0]  # newest first: the entry as data (kind, parameters) and in English
    assert change["EventTypeName"] == "state" and change["HistoryKind"] == "state_changed"
    assert change["Params"] == {"old": before, "new": 7}
    assert change["Text"] == f"state {OrderState(before).name_en} → Closed"
    assert set(o["History"][-1]) == {"Id", "Created", "EventTypeName", "Source", "Text", "HistoryKind", "Params"}


def test_add_shipment_marks_shipped_and_queues_tracking(api):
    order_id = api.a.order_ids[2]
    r = api.a_(
        "POST",
        f"/api/v1/orders/{order_id}/shipment",
        json={"ShippingId": "00340434161094042557", "Shipper": "DHL", "TrackingUrl": "https://t.example/1"},
    )
    assert r.status_code == 201
    assert r.json()["Data"]["ShippingId"] == "00340434161094042557" and r.json()["Data"]["Shipper"] == "DHL"
    kinds = [k for k, _ in outbox(api.hub, order_id)]
    assert kinds[:2] == ["tracking", "state"]
    o = api.a_("GET", f"/api/v1/orders/{order_id}").json()["Data"]
    assert o["State"] == 4 and o["ShippedAt"] and o["ShippingIds"][0]["TrackingUrl"] == "https://t.example/1"
    r = api.a_("POST", f"/api/v1/orders/{order_id}/shipment", json={"ShippingId": "  ", "Shipper": "DHL"})
    assert r.status_code == 422 and "tracking number" in r.json()["ErrorMessage"]
    listed = api.a_("GET", f"/api/v1/shipments?orderId={order_id}").json()
    assert listed["Paging"]["TotalRows"] == 1 and listed["Data"][0]["OrderNumber"] == "ALPHA1003"
    assert api.a_("GET", "/api/v1/shipment/shipments").json()["Data"] == listed["Data"]
    assert api.a_("GET", "/api/v1/shipments?createdAtMin=2099-01-01T00:00:00Z").json()["Data"] == []


def test_send_message(api):
    order_id = api.a.order_ids[0]
    r = api.a_(
        "POST",
        f"/api/v1/orders/{order_id}/send-message",
        json={"Subject": [{"Text": "Ihre Bestellung", "LanguageCode": "DE"}], "Body": "kommt morgen"},
    )
    assert r.status_code == 200 and r.json()["Data"]["Sent"] is True
    assert ("message", {"subject": "Ihre Bestellung", "text": "kommt morgen"}) in outbox(api.hub, order_id)
    r = api.a_("POST", f"/api/v1/orders/{order_id}/send-message", json={"Body": "   "})
    assert r.status_code == 400 and r.json()["Errors"][0]["Field"] == "Body"


def test_tags(api):
    order_id = api.a.order_ids[0]
    base = f"/api/v1/orders/{order_id}/tags"
    assert api.a_("POST", base, json={"Tags": ["vip", "gift"]}).json()["Data"] == ["gift", "vip"]
    assert api.a_("POST", base, json={"Tags": ["vip", "late"]}).json()["Data"] == ["gift", "late", "vip"]
    assert api.a_("PUT", base, json={"Tags": ["only"]}).json()["Data"] == ["only"]
    assert api.a_("GET", base).json()["Data"] == ["only"]
    assert api.a_("GET", "/api/v1/orders?tag=only").json()["Data"][0]["BillBeeOrderId"] == order_id
    assert api.a_("DELETE", f"{base}/only").json()["Data"] == []
    r = api.a_("DELETE", f"{base}/only")
    assert r.status_code == 404 and "no tag 'only'" in r.json()["ErrorMessage"]
    r = api.a_("POST", base, json={"Tags": ["x" * 101]})
    assert r.status_code == 422 and "longer than 100" in r.json()["ErrorMessage"]
    r = api.a_("POST", base, json={"Tags": "vip"})
    assert r.status_code == 400 and r.json()["Errors"][0]["Field"] == "Tags"
    with api.hub.db.session() as s:
        assert s.get(OrderRow, order_id).state == 3
