"""Records in the shapes Shopware 5's REST API documents (shopware5/devdocs ``examples/order`` and
``examples/article``), written down again here: the list record, the order detail with its ``details``,
addresses, customer, payment and status objects, and articles with main detail and variants.

The shop runs at a fixed offset of +01:00 and writes times as ``2012-08-30T10:15:54+0100``, as Shopware does.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

SHOP_ZONE = timezone(timedelta(hours=1))
ORDER_STATES = {
    -1: "Abgebrochen",
    0: "Offen",
    1: "In Bearbeitung (Wartet)",
    2: "Komplett abgeschlossen",
    3: "Teilweise abgeschlossen",
    4: "Storniert / Abgelehnt",
    5: "Zur Lieferung bereit",
    6: "Teilweise ausgeliefert",
    7: "Komplett ausgeliefert",
    8: "Klärung notwendig",
}
PAYMENT_STATES = {
    9: "Teilweise in Rechnung gestellt",
    10: "Komplett in Rechnung gestellt",
    11: "Teilweise bezahlt",
    12: "Komplett bezahlt",
    13: "1. Mahnung",
    14: "2. Mahnung",
    15: "3. Mahnung",
    16: "Inkasso",
    17: "Offen",
    18: "Reserviert",
    19: "Verzögert",
    20: "Wiedergutschrift",
    21: "Überprüfung notwendig",
    30: "Es wurde kein Kredit genehmigt",
    31: "Der Kredit wurde vorläufig akzeptiert",
    32: "Der Kredit wurde genehmigt",
    33: "Die Zahlung wurde angewiesen",
    34: "Es wurde eine Zeitverlängerung eingetragen",
    35: "Vorgang wurde abgebrochen",
}
PEOPLE = [
    ("Anna", "Müller", "Hauptstraße 12", "10115", "Berlin"),
    ("Lukas", "Schmidt", "Am Markt 3a", "80331", "München"),
    ("Marie", "Weber", "Lindenallee 44", "50667", "Köln"),
]
ARTICLES = [
    (3, "SW10003", "Münsterländer Aperitif 16%", "12.90", 25),
    (4, "SW10004", "Latte Macchiato 17%", "4.50", 40),
    (5, "SW10005", "Teekanne", "34.50", 8),
]
VARIANT_ARTICLE = (6, "turn", "Sport Shoes", "99.99", [("turn", 15), ("turn.1", 15), ("turn.2", 15)])
LIST_KEYS = (
    "id",
    "number",
    "customerId",
    "paymentId",
    "dispatchId",
    "partnerId",
    "shopId",
    "invoiceAmount",
    "invoiceAmountNet",
    "invoiceShipping",
    "invoiceShippingNet",
    "orderTime",
    "transactionId",
    "comment",
    "customerComment",
    "internalComment",
    "net",
    "taxFree",
    "temporaryId",
    "referer",
    "clearedDate",
    "trackingCode",
    "languageIso",
    "currency",
    "currencyFactor",
    "remoteAddress",
    "paymentStatusId",
    "orderStatusId",
)
ARTICLE_LIST_KEYS = (
    "id",
    "mainDetailId",
    "supplierId",
    "taxId",
    "priceGroupId",
    "filterGroupId",
    "configuratorSetId",
    "name",
    "description",
    "descriptionLong",
    "added",
    "active",
    "pseudoSales",
    "highlight",
    "keywords",
    "metaTitle",
    "changed",
    "priceGroupActive",
    "lastStock",
    "crossBundleLook",
    "notification",
    "template",
    "mode",
    "availableFrom",
    "availableTo",
)


def shop_time(value: datetime) -> str:
    return value.astimezone(SHOP_ZONE).strftime("%Y-%m-%dT%H:%M:%S%z")


def money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


def status_object(ident: int, group: str) -> dict[str, Any]:
    names = ORDER_STATES if group == "state" else PAYMENT_STATES
    return {
        "id": ident,
        "description": names.get(ident, f"Status {ident}"),
        "position": ident,
        "group": group,
        "sendMail": 0,
    }


def _country() -> dict[str, Any]:
    return {
        "id": 2,
        "name": "Deutschland",
        "iso": "DE",
        "isoName": "GERMANY",
        "position": 1,
        "description": "",
        "shippingFree": False,
        "taxFree": 0,
        "taxFreeUstId": 0,
        "taxFreeUstIdChecked": 0,
        "active": True,
        "iso3": "DEU",
        "displayStateInRegistration": False,
        "forceStateInRegistration": False,
        "areaId": 1,
    }


def _address(oid: int, customer: int, person: tuple[str, ...], kind: str) -> dict[str, Any]:
    first, last, street, zip_, city = person
    record: dict[str, Any] = {
        "id": oid,
        "orderId": oid,
        "customerId": customer,
        "countryId": 2,
        "company": "",
        "department": "",
        "salutation": "mr",
        "firstName": first,
        "lastName": last,
        "street": street,
        "zipCode": zip_,
        "city": city,
    }
    if kind == "billing":
        record.update(
            {
                "number": "",
                "phone": "030 123456",
                "fax": "",
                "vatId": "",
                "country": _country(),
                "attribute": {"id": oid, "orderBillingId": oid, **{f"text{n}": None for n in range(1, 7)}},
            }
        )
    else:
        record.update(
            {
                "attribute": {"id": oid, "orderShippingId": oid, **{f"text{n}": None for n in range(1, 7)}},
                "country": _country(),
            }
        )
    return record


def _shop() -> dict[str, Any]:
    return {
        "id": 1,
        "mainId": None,
        "categoryId": 3,
        "name": "Deutsch",
        "title": None,
        "position": 0,
        "host": None,
        "basePath": "/shop",
        "baseUrl": None,
        "hosts": "",
        "secure": False,
        "alwaysSecure": False,
        "secureHost": None,
        "secureBasePath": None,
        "default": True,
        "active": True,
        "customerScope": False,
    }


def order_record(oid: int, placed: datetime, rng: random.Random) -> dict[str, Any]:
    """A new open, unpaid order placed at ``placed`` with 1-2 article lines and standard shipping."""
    customer = 1 + oid % 3
    person = PEOPLE[customer - 1]
    lines, gross = [], Decimal(0)
    for n, (article_id, number, name, price, _) in enumerate(rng.sample(ARTICLES, rng.randint(1, 2))):
        quantity = rng.randint(1, 3)
        gross += Decimal(price) * quantity
        lines.append(
            {
                "id": oid * 10 + n,
                "orderId": oid,
                "articleId": article_id,
                "taxId": 1,
                "taxRate": 19,
                "statusId": 0,
                "number": str(20000 + oid),
                "articleNumber": number,
                "price": float(price),
                "quantity": quantity,
                "articleName": name,
                "shipped": 0,
                "shippedGroup": 0,
                "releaseDate": "-0001-11-30T00:00:00+0053",
                "mode": 0,
                "esdArticle": 0,
                "config": "",
                "ean": None,
                "unit": None,
                "packUnit": None,
                "attribute": {
                    "id": oid * 10 + n,
                    "orderDetailId": oid * 10 + n,
                    **{f"attribute{k}": "" for k in range(1, 7)},
                },
            }
        )
    shipping = Decimal("3.90")
    total = gross + shipping
    net = total / Decimal("1.19")
    return {
        "id": oid,
        "number": str(20000 + oid),
        "customerId": customer,
        "paymentId": 4,
        "dispatchId": 9,
        "partnerId": "",
        "shopId": 1,
        "invoiceAmount": money(total),
        "invoiceAmountNet": money(net),
        "invoiceShipping": money(shipping),
        "invoiceShippingNet": money(shipping / Decimal("1.19")),
        "orderTime": shop_time(placed),
        "transactionId": "",
        "comment": "",
        "customerComment": "",
        "internalComment": "",
        "net": 0,
        "taxFree": 0,
        "temporaryId": "",
        "referer": "",
        "clearedDate": None,
        "trackingCode": "",
        "languageIso": "1",
        "currency": "EUR",
        "currencyFactor": 1,
        "remoteAddress": "127.0.0.1",
        "details": lines,
        "documents": [],
        "payment": {
            "id": 4,
            "name": "invoice",
            "description": "Rechnung",
            "template": "invoice.tpl",
            "class": "invoice.php",
            "table": "",
            "hide": False,
            "additionalDescription": "",
            "debitPercent": 0,
            "surcharge": 0,
            "surchargeString": "",
            "position": 3,
            "active": True,
            "esdActive": True,
            "embedIFrame": "",
            "hideProspect": 0,
            "action": "",
            "pluginId": None,
            "source": None,
        },
        "paymentStatus": status_object(17, "payment"),
        "orderStatus": status_object(0, "state"),
        "customer": {
            "id": customer,
            "paymentId": 4,
            "groupKey": "EK",
            "shopId": 1,
            "priceGroupId": None,
            "encoderName": "bcrypt",
            "hashPassword": "",
            "active": True,
            "email": f"{person[0].lower()}@example.org",
            "firstLogin": shop_time(placed),
            "lastLogin": shop_time(placed),
            "accountMode": 0,
            "confirmationKey": "",
            "sessionId": "",
            "newsletter": 0,
            "validation": "",
            "affiliate": 0,
            "paymentPreset": 0,
            "languageId": "1",
            "referer": "",
            "internalComment": "",
            "failedLogins": 0,
            "lockedUntil": None,
            "debit": None,
        },
        "paymentInstances": [],
        "billing": _address(oid, customer, person, "billing"),
        "shipping": _address(oid, customer, person, "shipping"),
        "shop": _shop(),
        "dispatch": {
            "id": 9,
            "name": "Standard Versand",
            "type": 0,
            "description": "",
            "comment": "",
            "active": True,
            "position": 1,
            "calculation": 1,
            "surchargeCalculation": 3,
            "taxCalculation": 0,
            "shippingFree": None,
            "multiShopId": None,
            "customerGroupId": None,
            "bindShippingFree": 0,
            "bindTimeFrom": None,
            "bindTimeTo": None,
            "bindInStock": None,
            "bindLastStock": 0,
            "bindWeekdayFrom": None,
            "bindWeekdayTo": None,
            "bindWeightFrom": None,
            "bindWeightTo": "1.000",
            "bindPriceFrom": None,
            "bindPriceTo": None,
            "bindSql": None,
            "statusLink": "",
            "calculationSql": None,
        },
        "attribute": {"id": oid, "orderId": oid, **{f"attribute{k}": "" for k in range(1, 7)}},
        "languageSubShop": {
            **_shop(),
            "locale": {"id": 1, "locale": "de_DE", "language": "Deutsch", "territory": "Deutschland"},
        },
        "paymentStatusId": 17,
        "orderStatusId": 0,
    }


def list_record(order: dict[str, Any]) -> dict[str, Any]:
    return {key: order.get(key) for key in LIST_KEYS}


def detail_record(ident: int, article_id: int, number: str, stock: int, main: bool, price: str) -> dict[str, Any]:
    return {
        "id": ident,
        "articleId": article_id,
        "unitId": None,
        "number": number,
        "supplierNumber": "",
        "kind": 1 if main else 2,
        "additionalText": "",
        "active": 1,
        "inStock": stock,
        "stockMin": 0,
        "weight": "0.000",
        "width": None,
        "len": None,
        "height": None,
        "ean": None,
        "position": 0,
        "minPurchase": None,
        "purchaseSteps": None,
        "maxPurchase": None,
        "purchaseUnit": None,
        "referenceUnit": None,
        "packUnit": None,
        "shippingFree": False,
        "releaseDate": None,
        "shippingTime": "",
        "prices": [
            {
                "id": ident,
                "articleId": article_id,
                "articleDetailsId": ident,
                "customerGroupKey": "EK",
                "from": 1,
                "to": "beliebig",
                "price": float(Decimal(price) / Decimal("1.19")),
                "pseudoPrice": 0,
                "basePrice": 0,
                "percent": 0,
                "regulationPrice": 0,
                "customerGroup": {
                    "id": 1,
                    "key": "EK",
                    "name": "Shopkunden",
                    "tax": True,
                    "taxInput": True,
                    "mode": False,
                    "discount": 0,
                    "minimumOrder": 0,
                    "minimumOrderSurcharge": 0,
                },
            }
        ],
        "attribute": {
            "id": ident,
            "articleId": article_id,
            "articleDetailId": ident,
            **{f"attr{n}": None if n == 17 else "" for n in range(1, 21)},
        },
        "configuratorOptions": [],
    }


def article_record(
    article_id: int, name: str, price: str, variants: list[tuple[str, int]], configurator: bool, changed: datetime
) -> dict[str, Any]:
    details = [
        detail_record(article_id * 100 + n, article_id, number, stock, n == 0, price)
        for n, (number, stock) in enumerate(variants)
    ]
    return {
        "id": article_id,
        "mainDetailId": details[0]["id"],
        "supplierId": 2,
        "taxId": 1,
        "priceGroupId": None,
        "filterGroupId": None,
        "configuratorSetId": article_id if configurator else None,
        "name": name,
        "description": "",
        "descriptionLong": "",
        "added": shop_time(changed),
        "active": True,
        "pseudoSales": 0,
        "highlight": False,
        "keywords": "",
        "metaTitle": None,
        "changed": shop_time(changed),
        "priceGroupActive": False,
        "lastStock": False,
        "crossBundleLook": 0,
        "notification": False,
        "template": "",
        "mode": 0,
        "availableFrom": None,
        "availableTo": None,
        "mainDetail": details[0],
        "tax": {"id": 1, "tax": "19.00", "name": "19%"},
        "propertyValues": [],
        "supplier": {
            "id": 2,
            "name": "Feinkost",
            "image": "",
            "link": "",
            "description": "",
            "metaTitle": None,
            "metaDescription": None,
            "metaKeywords": None,
        },
        "propertyGroup": None,
        "customerGroups": [],
        "images": [],
        "configuratorSet": {"id": article_id, "name": f"Set-{article_id}", "public": False, "type": 0, "groups": []}
        if configurator
        else None,
        # categories and translations are PHP maps keyed by id, so JSON objects
        "links": [],
        "downloads": [],
        "categories": {"15": {"id": 15, "name": "Genuss"}},
        "similar": [],
        "related": [],
        "details": details[1:],
        "seoCategories": [],
        "translations": {"2": {"name": name, "descriptionLong": "", "shopId": 2}},
    }


def article_list_record(article: dict[str, Any]) -> dict[str, Any]:
    return {key: article.get(key) for key in ARTICLE_LIST_KEYS}


def initial_articles(now: datetime) -> dict[int, dict[str, Any]]:
    changed = now - timedelta(days=3)
    articles = {
        aid: article_record(aid, name, price, [(number, stock)], False, changed)
        for aid, number, name, price, stock in ARTICLES
    }
    aid, number, name, price, variants = VARIANT_ARTICLE
    articles[aid] = article_record(aid, name, price, variants, True, changed)
    return articles


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
