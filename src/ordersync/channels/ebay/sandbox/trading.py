"""eBay's Trading API for listings made outside the Inventory API: ``ReviseInventoryStatus``, and
``GetMyeBaySelling`` (ActiveList) for the listings themselves.

[docs: developer.ebay.com Trading reference]: ``POST /ws/api.dll`` with ``X-EBAY-API-CALL-NAME``,
``X-EBAY-API-SITEID``, ``X-EBAY-API-COMPATIBILITY-LEVEL`` and the OAuth token in ``X-EBAY-API-IAF-TOKEN``;
``<ReviseInventoryStatusRequest xmlns="urn:ebay:apis:eBLBaseComponents">`` with up to four ``<InventoryStatus>
{ItemID | SKU, Quantity, StartPrice}``; the answer is HTTP 200 with ``<Ack>Success|Failure</Ack>`` and
``<Errors>{ShortMessage, LongMessage, ErrorCode, SeverityCode}``. A multi-variation listing (``Variations`` in
the store: ``[{SKU, Quantity (available), QuantitySold, Specifics}]``) is revised per variation, named by
``ItemID`` and the variation's ``SKU`` [docs]; 21916664 answers one without both (chosen here). Listings created with the Inventory API
cannot be revised here [docs]. Error codes used: 931 (invalid token), 21916635 (more than four items; chosen
here), 21916585 (item not found), 21919189 (revision limit; chosen here), 21919474 (Inventory API listing;
chosen here) - the chosen ones are unverified.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from lxml import etree
from starlette.requests import Request
from starlette.responses import Response

from ordersync.channels.sdk import xml

NS = "urn:ebay:apis:eBLBaseComponents"


def _answer(call: str, ack: str, body: dict[str, Any]) -> Response:
    root = xml.build(
        f"{call}Response",
        {
            "Timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "Ack": ack,
            "Version": "1349",
            **body,
        },
        namespace=NS,
    )
    return Response(xml.serialize(root), media_type="text/xml")


def _failure(call: str, code: str, message: str) -> Response:
    return _answer(
        call,
        "Failure",
        {
            "Errors": {
                "ShortMessage": message[:80],
                "LongMessage": message,
                "ErrorCode": code,
                "SeverityCode": "Error",
                "ErrorClassification": "RequestError",
            }
        },
    )


class Trading:
    def __init__(self, sandbox: Any) -> None:
        self.sandbox = sandbox

    async def endpoint(self, request: Request) -> Response:
        call = request.headers.get("x-ebay-api-call-name", "")
        token = request.headers.get("x-ebay-api-iaf-token", "")
        if self.sandbox.tokens.kind_of(token) != "user":
            return _failure(
                call or "Unknown",
                "931",
                "Auth token is invalid. Validation of the authentication token in API request failed.",
            )
        if not self.sandbox._count("trading"):
            return _failure(call or "Unknown", "518", "Your application has exceeded usage limit on this call.")
        body = await request.body()
        if call == "GetMyeBaySelling":
            return await asyncio.to_thread(self.selling, body)
        if call != "ReviseInventoryStatus":
            return _failure(call or "Unknown", "2", f"Unsupported API call {call!r} in this sandbox.")
        return await asyncio.to_thread(self.revise, request.url.path, body)

    def selling(self, body: bytes) -> Response:
        """``GetMyeBaySelling`` ActiveList: every active listing, those made with the Inventory API included."""
        call = "GetMyeBaySelling"
        try:
            root = xml.parse(body)
        except ValueError as exc:
            return _failure(call, "5", f"XML Parse error: {exc}")
        per_page = xml.find_text(root, "ActiveList", "Pagination", "EntriesPerPage", default="25") or "25"
        page = xml.find_text(root, "ActiveList", "Pagination", "PageNumber", default="1") or "1"
        if not per_page.isdigit() or not 1 <= int(per_page) <= 200 or not page.isdigit() or int(page) < 1:
            return _failure(call, "340", "Pagination: EntriesPerPage 1 to 200, PageNumber from 1.")
        sb = self.sandbox
        with sb.lock:
            listings = [
                {
                    "ItemID": o["listing"]["listingId"],
                    "SKU": o["sku"],
                    "Title": sb.store.items[o["sku"]]["product"]["title"],
                    "QuantityAvailable": o["availableQuantity"],
                }
                for o in sb.store.offers.values()
            ]
            listings += [_selling(lst) for lst in sb.store.legacy.values()]
        listings.sort(key=lambda lst: lst["ItemID"])
        size, number = int(per_page), int(page)
        rows = listings[(number - 1) * size : number * size]
        pages = max(1, -(-len(listings) // size))
        return _answer(
            call,
            "Success",
            {
                "ActiveList": {
                    "ItemArray": {"Item": rows} if rows else None,
                    "PaginationResult": {"TotalNumberOfPages": pages, "TotalNumberOfEntries": len(listings)},
                }
            },
        )

    def revise(self, path: str, body: bytes) -> Response:
        call = "ReviseInventoryStatus"
        try:
            root = xml.parse(body)
        except ValueError as exc:
            return _failure(call, "5", f"XML Parse error: {exc}")
        statuses = xml.find_all(root, "InventoryStatus")
        if not statuses or len(statuses) > 4:
            return _failure(call, "21916635", "Between one and four InventoryStatus containers are allowed.")
        sb, day, answered = self.sandbox, datetime.now(UTC).strftime("%Y-%m-%d"), []
        with sb.lock:
            inventory_listings = {o["listing"]["listingId"] for o in sb.store.offers.values()}
            inventory_skus = set(sb.store.items)
            for status in statuses:
                item_id, sku = xml.find_text(status, "ItemID"), xml.find_text(status, "SKU")
                quantity = xml.find_text(status, "Quantity")
                if item_id in inventory_listings or (sku in inventory_skus and not item_id):
                    return _failure(
                        call,
                        "21919474",
                        "This listing was created with the Inventory API and cannot be revised with the Trading API.",
                    )
                listing = sb.store.legacy.get(item_id or "") or next(
                    (
                        lst
                        for lst in sb.store.legacy.values()
                        if sku and (lst["SKU"] == sku or any(v["SKU"] == sku for v in lst.get("Variations") or []))
                    ),
                    None,
                )
                if listing is None:
                    return _failure(call, "21916585", f"Item {item_id or sku} not found.")
                if quantity is None or not quantity.isdigit():
                    return _failure(call, "21916587", "Quantity must be a whole number.")
                if listing.get("Variations") is not None:  # a variation: by ItemID and its SKU [docs]
                    variation = next((v for v in listing["Variations"] if sku and v["SKU"] == sku), None)
                    if variation is None or item_id != listing["ItemID"]:
                        return _failure(
                            call,
                            "21916664",
                            f"Item {listing['ItemID']} has variations: give ItemID "
                            "and the SKU of one of its variations.",
                        )
                    if int(quantity) != variation["Quantity"]:
                        if sb.store.revisions.get((day, listing["ItemID"]), 0) >= 250:
                            return _failure(
                                call,
                                "21919189",
                                "Each listing can be revised up to 250 times in one "
                                "calendar day; this listing has reached the revision "
                                "limit.",
                            )
                        sb.store.revise(listing["ItemID"], day)
                        variation["Quantity"] = int(quantity)
                        sb.ledger.record(
                            "trading.stock",
                            method="POST",
                            path=path,
                            resource_id=sku,
                            body=etree.tostring(status).decode(),
                            changes={"quantity": int(quantity)},
                        )
                    answered.append({"ItemID": listing["ItemID"], "SKU": sku, "Quantity": variation["Quantity"]})
                    continue
                if int(quantity) != listing["Quantity"]:
                    if sb.store.revisions.get((day, listing["ItemID"]), 0) >= 250:
                        return _failure(
                            call,
                            "21919189",
                            "Each listing can be revised up to 250 times in one "
                            "calendar day; this listing has reached the revision limit.",
                        )
                    sb.store.revise(listing["ItemID"], day)
                    listing["Quantity"] = int(quantity)
                    sb.ledger.record(
                        "trading.stock",
                        method="POST",
                        path=path,
                        resource_id=listing["SKU"],
                        body=etree.tostring(status).decode(),
                        changes={"quantity": int(quantity)},
                    )
                answered.append({"ItemID": listing["ItemID"], "SKU": listing["SKU"], "Quantity": listing["Quantity"]})
        return _answer(call, "Success", {"InventoryStatus": answered})


def _selling(listing: dict[str, Any]) -> dict[str, Any]:
    """A Trading listing as GetMyeBaySelling shows it; a variation's ``Quantity`` counts what was sold too
    (available = Quantity - SellingStatus/QuantitySold) [docs: VariationType; unverified here]."""
    variations = listing.get("Variations")
    if variations is None:
        return {
            "ItemID": listing["ItemID"],
            "SKU": listing["SKU"],
            "Title": listing["Title"],
            "QuantityAvailable": listing["Quantity"],
        }
    shown = {
        "ItemID": listing["ItemID"],
        "Title": listing["Title"],
        "QuantityAvailable": sum(v["Quantity"] for v in variations),
        "Variations": {
            "Variation": [
                {
                    "SKU": v["SKU"],
                    "Quantity": v["Quantity"] + v.get("QuantitySold", 0),
                    "SellingStatus": {"QuantitySold": v.get("QuantitySold", 0)},
                    "VariationSpecifics": {
                        "NameValueList": [{"Name": k, "Value": val} for k, val in v.get("Specifics", {}).items()]
                    },
                }
                for v in variations
            ]
        },
    }
    return {"SKU": listing["SKU"], **shown} if listing.get("SKU") else shown
