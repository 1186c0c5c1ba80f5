"""eBay orders shaped like the examples in eBay's getOrders documentation (Sell Fulfillment API, "Sample 1:
Retrieve orders by order ID" and the Order type reference): string amounts, ISO timestamps with
milliseconds, a variation listing, a German buyer with eBay-collected VAT. Written from the docs, not from
the sandbox."""

from __future__ import annotations

import copy
from typing import Any

ORDER: dict[str, Any] = {
    "orderId": "11-04921-93125",
    "legacyOrderId": "110436295851-28823127001",
    "creationDate": "2024-03-08T21:21:48.000Z",
    "lastModifiedDate": "2024-03-08T21:25:04.000Z",
    "orderFulfillmentStatus": "NOT_STARTED",
    "orderPaymentStatus": "PAID",
    "sellerId": "testuser_seller",
    "salesRecordReference": "1042",
    "ebayCollectAndRemitTax": True,
    "buyer": {
        "username": "testuser_buyer",
        "taxAddress": {"stateOrProvince": "", "postalCode": "10115", "countryCode": "DE"},
        "buyerRegistrationAddress": {
            "fullName": "Erika Mustermann",
            "contactAddress": {
                "addressLine1": "Heidestraße 17",
                "city": "Köln",
                "postalCode": "51147",
                "countryCode": "DE",
            },
            "primaryPhone": {"phoneNumber": "0221 1234567"},
            "email": "3c8b6f0e0e1f4a@members.ebay.com",
        },
    },
    "pricingSummary": {
        "priceSubtotal": {"value": "59.80", "currency": "EUR"},
        "deliveryCost": {"value": "4.99", "currency": "EUR"},
        "tax": {"value": "9.55", "currency": "EUR"},
        "total": {"value": "64.79", "currency": "EUR"},
    },
    "cancelStatus": {"cancelState": "NONE_REQUESTED", "cancelRequests": []},
    "paymentSummary": {
        "totalDueSeller": {"value": "55.24", "currency": "EUR"},
        "refunds": [],
        "payments": [
            {
                "paymentMethod": "EBAY",
                "paymentReferenceId": "5D8301234F",
                "paymentDate": "2024-03-08T21:21:50.000Z",
                "amount": {"value": "64.79", "currency": "EUR"},
                "paymentStatus": "PAID",
            }
        ],
    },
    "fulfillmentStartInstructions": [
        {
            "fulfillmentInstructionsType": "SHIP_TO",
            "minEstimatedDeliveryDate": "2024-03-11T08:00:00.000Z",
            "maxEstimatedDeliveryDate": "2024-03-13T08:00:00.000Z",
            "ebaySupportedFulfillment": False,
            "shippingStep": {
                "shipTo": {
                    "fullName": "Max Mustermann",
                    "companyName": "Muster GmbH",
                    "contactAddress": {
                        "addressLine1": "Am Hof 3",
                        "addressLine2": "Hinterhaus",
                        "city": "Berlin",
                        "postalCode": "10117",
                        "countryCode": "DE",
                    },
                    "primaryPhone": {"phoneNumber": "030 7654321"},
                },
                "shippingCarrierCode": "DHL",
                "shippingServiceCode": "DE_DHLPaket",
            },
        }
    ],
    "fulfillmentHrefs": [],
    "lineItems": [
        {
            "lineItemId": "10045823617027",
            "legacyItemId": "110436295851",
            "legacyVariationId": "410021134563",
            "sku": "SHIRT-BLUE-M",
            "title": "T-Shirt Baumwolle",
            "quantity": 2,
            "lineItemCost": {"value": "39.80", "currency": "EUR"},
            "total": {"value": "44.79", "currency": "EUR"},
            "variationAspects": [{"name": "Farbe", "value": "Blau"}, {"name": "Größe", "value": "M"}],
            "soldFormat": "FIXED_PRICE",
            "lineItemFulfillmentStatus": "NOT_STARTED",
            "deliveryCost": {"shippingCost": {"value": "4.99", "currency": "EUR"}},
            "taxes": [{"amount": {"value": "6.35", "currency": "EUR"}, "taxType": "VAT"}],
            "ebayCollectAndRemitTaxes": [
                {"taxType": "VAT", "amount": {"value": "6.35", "currency": "EUR"}, "collectionMethod": "NET"}
            ],
        },
        {
            "lineItemId": "10045823617028",
            "legacyItemId": "110436295852",
            "sku": "MUG-1",
            "title": "Kaffeebecher",
            "quantity": 1,
            "lineItemCost": {"value": "20.00", "currency": "EUR"},
            "total": {"value": "20.00", "currency": "EUR"},
            "soldFormat": "FIXED_PRICE",
            "lineItemFulfillmentStatus": "NOT_STARTED",
            "taxes": [{"amount": {"value": "3.20", "currency": "EUR"}, "taxType": "VAT"}],
            "ebayCollectAndRemitTaxes": [
                {"taxType": "VAT", "amount": {"value": "3.20", "currency": "EUR"}, "collectionMethod": "NET"}
            ],
        },
    ],
}


def order(**changes: Any) -> dict[str, Any]:
    raw = copy.deepcopy(ORDER)
    raw.update(changes)
    return raw
