"""/api/v1/products (list, get, update stock single and multiple), /connections, /enums."""

from __future__ import annotations

import json

from sqlalchemy import select

from ordersync.store.models import OutboxEntry


def test_list_and_get_products(api):
    body = api.a_("GET", "/api/v1/products").json()
    assert body["Paging"]["TotalRows"] == 2
    cap, mug = body["Data"]
    assert (mug["SKU"], mug["StockCurrent"], mug["StockReserved"], mug["StockAvailable"]) == (
        "ALPHA-MUG",
        "10",
        "8",
        "2",
    )
    assert api.a_("GET", "/api/v1/products?search=cap").json()["Data"] == [cap]
    by_id = api.a_("GET", f"/api/v1/products/{mug['Id']}").json()["Data"]
    assert by_id["SKU"] == "ALPHA-MUG" and by_id["Sources"][0]["ApiAccountName"] == "alpha-shop"
    assert by_id["Stocks"] == [
        {"Location": "default", "StockCurrent": "10", "UpdatedAt": by_id["Stocks"][0]["UpdatedAt"]}
    ]
    assert by_id["StockMovements"][0]["Reason"] == "seed"
    assert api.a_("GET", "/api/v1/products/ALPHA-MUG?lookupBy=sku").json()["Data"]["Id"] == mug["Id"]
    assert api.a_("GET", "/api/v1/products/4006381333931?lookupBy=ean").status_code == 200
    r = api.a_("GET", "/api/v1/products/ALPHA-MUG")
    assert r.status_code == 400 and "lookupBy=sku" in r.json()["ErrorMessage"]
    assert api.a_("GET", "/api/v1/products/NOPE?lookupBy=sku").status_code == 404
    r = api.a_("GET", "/api/v1/products/1?lookupBy=name")
    assert r.status_code == 400 and r.json()["Errors"][0]["Field"] == "lookupBy"


def test_update_stock_records_the_reason_and_queues_the_channels(api):
    r = api.a_(
        "POST", "/api/v1/products/updatestock", json={"Sku": "ALPHA-CAP", "NewQuantity": 25, "Reason": "inventory"}
    )
    assert r.status_code == 200
    data = r.json()["Data"]
    assert (data["SKU"], data["OldStock"], data["CurrentStock"], data["UnfulfilledAmount"]) == (
        "ALPHA-CAP",
        "10",
        "25",
        "0",
    )
    assert data["ListingsQueued"] == 1
    with api.hub.db.session() as s:
        (entry,) = s.scalars(select(OutboxEntry).where(OutboxEntry.kind == "stock"))
        assert json.loads(entry.payload)["quantity"] == 25
    detail = api.a_("GET", "/api/v1/products/ALPHA-CAP?lookupBy=sku").json()["Data"]
    assert detail["StockCurrent"] == "25" and detail["StockMovements"][0]["Reason"] == "inventory"
    assert detail["StockMovements"][0]["Change"] == "15"
    for body, field in (
        ({"Sku": "ALPHA-CAP", "NewQuantity": 1.5}, "NewQuantity"),
        ({"Sku": "ALPHA-CAP", "NewQuantity": -1}, "NewQuantity"),
        ({"Sku": "ALPHA-CAP", "NewQuantity": "many"}, "NewQuantity"),
        ({"NewQuantity": 1}, "Sku"),
    ):
        r = api.a_("POST", "/api/v1/products/updatestock", json=body)
        assert r.status_code == 400 and r.json()["Errors"][0]["Field"] == field, (body, r.text)
    r = api.a_("POST", "/api/v1/products/updatestock", json={"Sku": "NOPE", "NewQuantity": 1})
    assert r.status_code == 404 and "no article with SKU 'NOPE'" in r.json()["ErrorMessage"]
    mug_id = api.a.article_ids[0]
    r = api.a_("POST", "/api/v1/products/updatestock", json={"Sku": "ALPHA-CAP", "NewQuantity": 1, "BillbeeId": mug_id})
    assert r.status_code == 400 and r.json()["Errors"][0]["Field"] == "BillbeeId"


def test_update_stock_multiple_answers_each_entry(api):
    r = api.a_(
        "POST",
        "/api/v1/products/updatestockmultiple",
        json=[
            {"Sku": "ALPHA-CAP", "NewQuantity": 3},
            {"Sku": "NOPE", "NewQuantity": 1},
            {"Sku": "ALPHA-MUG", "NewQuantity": 12, "StockId": "lager-2"},
        ],
    )
    assert r.status_code == 200
    ok, missing, other_location = r.json()
    assert ok["ErrorCode"] == 0 and ok["Data"]["CurrentStock"] == "3"
    assert missing["ErrorCode"] == 404 and "1.Sku" in missing["ErrorMessage"] and missing["Data"] == {"SKU": "NOPE"}
    assert other_location["Data"]["OldStock"] == "0" and other_location["Data"]["CurrentStock"] == "22"
    assert api.a_("POST", "/api/v1/products/updatestockmultiple", json=[]).status_code == 400
    r = api.a_("POST", "/api/v1/products/updatestockmultiple", json=[{"Sku": "A", "NewQuantity": 1}] * 251)
    assert r.status_code == 400


def test_connections_are_read_only_and_never_show_secrets(api):
    r = api.a_("GET", "/api/v1/connections")
    assert r.status_code == 200
    (conn,) = r.json()["Data"]
    assert conn["Name"] == "alpha-shop" and conn["Platform"] == "woocommerce" and conn["DisplayName"] == "WooCommerce"
    assert conn["Orders"] == 4 and conn["IsPaused"] is False and conn["OutboxDead"] == 0
    for text in (
        r.text,
        api.a_("GET", f"/api/v1/connections/{conn['Id']}").text,
        api.a_("GET", "/api/v1/shopaccounts").text,
    ):
        assert "ck_alpha" not in text and "cs_alpha_secret" not in text and "alpha.example" not in text
    assert api.a_("GET", "/api/v1/shopaccounts").json()["Data"] == [conn]
    assert api.a_("GET", "/api/v1/connections/999").status_code == 404
    for method in ("POST", "PUT", "DELETE"):
        assert api.a_(method, f"/api/v1/connections/{conn['Id']}").status_code == 405


def test_order_state_enum(api):
    states = api.a_("GET", "/api/v1/enums/orderstates").json()
    assert states[3] == {"Id": 4, "Name": "Shipped", "NameDe": "Versendet"} and len(states) == 18
