"""Amazon records written down from the documented examples in ordersV0.json (the ``x-amzn-api-sandbox``
static responses of getOrders and getOrderItems, TEST_CASE_200), plus the variants the documentation
describes in words (a Pending order without prices, an FBA order, an address read with a Restricted Data
Token)."""

from __future__ import annotations

import copy

#: getOrders TEST_CASE_200, first order (abridged to the fields the mapper reads, values as documented)
US_ORDER = {
    "AmazonOrderId": "902-1845936-5435065",
    "PurchaseDate": "1970-01-19T03:58:30Z",
    "LastUpdateDate": "1970-01-19T03:58:32Z",
    "OrderStatus": "Unshipped",
    "FulfillmentChannel": "MFN",
    "SalesChannel": "Amazon.com",
    "ShipServiceLevel": "Std US D2D Dom",
    "OrderTotal": {"CurrencyCode": "USD", "Amount": "11.01"},
    "NumberOfItemsShipped": 0,
    "NumberOfItemsUnshipped": 1,
    "PaymentMethod": "Other",
    "PaymentMethodDetails": ["Standard"],
    "IsReplacementOrder": False,
    "MarketplaceId": "ATVPDKIKX0DER",
    "ShipmentServiceLevelCategory": "Standard",
    "OrderType": "StandardOrder",
    "IsBusinessOrder": False,
    "IsPrime": False,
    "IsGlobalExpressEnabled": False,
    "IsPremiumOrder": False,
    "IsSoldByAB": False,
    "IsIBA": False,
    "IsISPU": False,
    "IsAccessPointOrder": False,
}
#: getOrderItems TEST_CASE_200
US_ITEMS = [
    {
        "ASIN": "B00551Q3CS",
        "OrderItemId": "05015851154158",
        "SellerSKU": "NABetaASINB00551Q3CS",
        "Title": "B00551Q3CS [Card Book]",
        "QuantityOrdered": 1,
        "QuantityShipped": 0,
        "ProductInfo": {"NumberOfItems": "1"},
        "ItemPrice": {"CurrencyCode": "USD", "Amount": "10.00"},
        "ItemTax": {"CurrencyCode": "USD", "Amount": "1.01"},
        "PromotionDiscount": {"CurrencyCode": "USD", "Amount": "0.00"},
        "IsGift": "false",
        "ConditionId": "New",
        "ConditionSubtypeId": "New",
        "IsTransparency": False,
        "SerialNumberRequired": False,
        "IossNumber": "",
        "DeemedResellerCategory": "IOSS",
        "StoreChainStoreId": "ISPU_StoreId",
        "BuyerRequestedCancel": {
            "IsBuyerRequestedCancel": "true",
            "BuyerCancelReason": "Found cheaper somewhere else.",
        },
    }
]
#: getOrders TEST_CASE_200_NEXT_TOKEN: a Pending order, which Amazon lists without OrderTotal
PENDING_ORDER = {
    "AmazonOrderId": "902-3159896-1390916",
    "PurchaseDate": "2017-01-20T19:49:35Z",
    "LastUpdateDate": "2017-01-20T19:49:35Z",
    "OrderStatus": "Pending",
    "FulfillmentChannel": "MFN",
    "NumberOfItemsShipped": 0,
    "NumberOfItemsUnshipped": 0,
    "PaymentMethod": "Other",
    "PaymentMethodDetails": ["CreditCard", "GiftCertificate"],
    "MarketplaceId": "ATVPDKIKX0DER",
    "ShipmentServiceLevelCategory": "Standard",
    "OrderType": "StandardOrder",
    "IsBusinessOrder": False,
    "IsPrime": False,
    "IsGlobalExpressEnabled": False,
    "IsPremiumOrder": False,
}
PENDING_ITEMS = [
    {
        "ASIN": "B00551Q3CS",
        "OrderItemId": "05015851154159",
        "SellerSKU": "NABetaASINB00551Q3CS",
        "Title": "B00551Q3CS [Card Book]",
        "QuantityOrdered": 2,
        "QuantityShipped": 0,
    }
]

#: a German business Prime order read with a Restricted Data Token (Address and BuyerInfo as the spec defines)
DE_ORDER = {
    **copy.deepcopy(US_ORDER),
    "AmazonOrderId": "302-1111111-2222222",
    "SalesChannel": "Amazon.de",
    "MarketplaceId": "A1PA6795UKMFR9",
    "OrderTotal": {"CurrencyCode": "EUR", "Amount": "44.80"},
    "IsBusinessOrder": True,
    "IsPrime": True,
    "IsPremiumOrder": True,
    "ShipmentServiceLevelCategory": "Expedited",
    "ShippingAddress": {
        "Name": "Anna Müller",
        "AddressLine1": "Hauptstraße 12",
        "City": "Berlin",
        "PostalCode": "10115",
        "CountryCode": "DE",
        "Phone": "+49 30 1234567",
    },
    "BuyerInfo": {"BuyerEmail": "abc123@marketplace.amazon.de", "BuyerName": "Anna Müller"},
}
DE_ITEMS = [
    {
        "ASIN": "B07XJ8C8F5",
        "OrderItemId": "11111111111111",
        "SellerSKU": "MUG-100",
        "Title": "Kaffeebecher",
        "QuantityOrdered": 2,
        "QuantityShipped": 0,
        "ItemPrice": {"CurrencyCode": "EUR", "Amount": "25.80"},
        "ItemTax": {"CurrencyCode": "EUR", "Amount": "4.12"},
        "ShippingPrice": {"CurrencyCode": "EUR", "Amount": "4.90"},
        "ShippingTax": {"CurrencyCode": "EUR", "Amount": "0.78"},
        "PromotionDiscount": {"CurrencyCode": "EUR", "Amount": "2.00"},
        "PromotionDiscountTax": {"CurrencyCode": "EUR", "Amount": "0.32"},
        "PromotionIds": ["SPRING-10"],
    },
    {
        "ASIN": "B08N5WRWNW",
        "OrderItemId": "22222222222222",
        "SellerSKU": "POT-200",
        "Title": "Teekanne",
        "QuantityOrdered": 1,
        "QuantityShipped": 0,
        "ItemPrice": {"CurrencyCode": "EUR", "Amount": "16.10"},
        "ItemTax": {"CurrencyCode": "EUR", "Amount": "2.57"},
    },
]
