"""Shopware 5 records written from the vendor's documentation (shopware5/devdocs ``rest-api/examples/order``,
"Result" of ``GET /api/orders/15``), trimmed to what the mapper reads plus a few neighbours. Not the
sandbox's data: the sandbox and the connector share their author's assumptions, the docs do not."""

from __future__ import annotations

import copy
from typing import Any

COUNTRY_DE = {"id": 2, "name": "Deutschland", "iso": "DE", "isoName": "GERMANY", "iso3": "DEU", "areaId": 1}

ORDER_15: dict[str, Any] = {
    "id": 15, "number": "20001", "customerId": 2, "paymentId": 4, "dispatchId": 9, "partnerId": "", "shopId": 1,
    "invoiceAmount": 998.56, "invoiceAmountNet": 839.13, "invoiceShipping": 0, "invoiceShippingNet": 0,
    "orderTime": "2012-08-30T10:15:54+0200", "transactionId": "", "comment": "", "customerComment": "",
    "internalComment": "", "net": 1, "taxFree": 0, "temporaryId": "", "referer": "", "clearedDate": None,
    "trackingCode": "", "languageIso": "1", "currency": "EUR", "currencyFactor": 1,
    "remoteAddress": "217.86.205.141",
    "details": [
        {"id": 42, "orderId": 15, "articleId": 197, "taxId": 1, "taxRate": 19, "statusId": 0, "number": "20001",
         "articleNumber": "SW10196", "price": 836.134, "quantity": 1, "articleName": "ESD Download Artikel",
         "shipped": 0, "shippedGroup": 0, "releaseDate": "-0001-11-30T00:00:00+0053", "mode": 0, "esdArticle": 1,
         "config": "", "ean": None, "unit": None, "packUnit": None},
        {"id": 43, "orderId": 15, "articleId": 0, "taxId": 0, "taxRate": 19, "statusId": 0, "number": "20001",
         "articleNumber": "SHIPPINGDISCOUNT", "price": -2, "quantity": 1, "articleName": "Warenkorbrabatt",
         "shipped": 0, "shippedGroup": 0, "releaseDate": "-0001-11-30T00:00:00+0053", "mode": 4, "esdArticle": 0,
         "config": "", "ean": None, "unit": None, "packUnit": None},
        {"id": 44, "orderId": 15, "articleId": 0, "taxId": 0, "taxRate": 19, "statusId": 0, "number": "20001",
         "articleNumber": "sw-payment-absolute", "price": 5, "quantity": 1,
         "articleName": "Zuschlag für Zahlungsart", "shipped": 0, "shippedGroup": 0,
         "releaseDate": "-0001-11-30T00:00:00+0053", "mode": 4, "esdArticle": 0, "config": "", "ean": None,
         "unit": None, "packUnit": None},
    ],
    "documents": [],
    "payment": {"id": 4, "name": "invoice", "description": "Rechnung", "template": "invoice.tpl"},
    "paymentStatus": {"id": 17, "description": "Offen", "position": 0, "group": "payment", "sendMail": 0},
    "orderStatus": {"id": 0, "description": "Offen", "position": 1, "group": "state", "sendMail": 1},
    "customer": {"id": 2, "paymentId": 4, "groupKey": "H", "shopId": 1, "active": True,
                 "email": "mustermann@b2b.de"},
    "billing": {"id": 1, "orderId": 15, "customerId": 2, "countryId": 2, "company": "B2B", "department": "Einkauf",
                "salutation": "company", "number": "", "firstName": "Händler", "lastName": "Kundengruppe-Netto",
                "street": "Musterweg 55", "zipCode": "00000", "city": "Musterstadt", "phone": "012345 / 6789",
                "fax": "", "vatId": "", "country": COUNTRY_DE},
    "shipping": {"id": 1, "orderId": 15, "countryId": 2, "customerId": 2, "company": "B2B", "department": "Einkauf",
                 "salutation": "company", "firstName": "Händler", "lastName": "Kundengruppe-Netto",
                 "street": "Musterweg 55", "zipCode": "00000", "city": "Musterstadt", "country": COUNTRY_DE},
    "paymentStatusId": 17, "orderStatusId": 0,
}


def order(**changes: Any) -> dict[str, Any]:
    record = copy.deepcopy(ORDER_15)
    record.update(changes)
    return record
