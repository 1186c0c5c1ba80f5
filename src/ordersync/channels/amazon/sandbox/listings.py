"""Listings Items 2021-08-01 and Feeds 2021-06-30 in the sandbox.

``GET /listings/2021-08-01/items/{sellerId}`` (searchListingsItems: ``marketplaceIds``, ``lastUpdatedAfter``,
``pageSize`` ≤ 20, ``pageToken``, ``includedData``), ``GET …/{sellerId}/{sku}`` (getListingsItem) and
``PATCH …/{sellerId}/{sku}`` with ``{"productType", "patches": [{"op": "replace", "path":
"/attributes/fulfillment_availability", "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": n}]}]}``
answering ``{sku, status: "ACCEPTED", submissionId, issues: []}``. The ledger records a quantity change when
the value changes (setting the same quantity again changes nothing on the listing).

Feeds: ``POST /feeds/2021-06-30/documents`` → 201 ``{feedDocumentId, url}`` where ``url`` is a pre-signed
upload address (``PUT /feed-uploads/{id}``, no token, as S3 takes it); ``POST /feeds/2021-06-30/feeds`` →
202 ``{feedId}``; ``GET …/feeds/{feedId}`` shows ``IN_QUEUE`` until ``feed_seconds`` passed, then ``DONE``
with ``resultFeedDocumentId``; ``GET …/documents/{id}`` → ``{feedDocumentId, url}``; the url answers the
JSON_LISTINGS_FEED processing report (``header``, ``issues[{messageId, sku, code, severity, message}]``,
``summary``). Messages whose SKU is in ``failing_skus`` or unknown fail with an ERROR issue and change nothing.
``POST_ORDER_ACKNOWLEDGEMENT_DATA`` feeds (a seller's cancellation) are processed by :mod:`.order_feeds`.
Feeds are processed once ``feed_seconds`` passed, at whatever request comes next.
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import order_feeds
from .parts import SandboxParts

LISTINGS = "/listings/2021-08-01/items"
FEEDS = "/feeds/2021-06-30"


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ListingsApi(SandboxParts):
    def reset_listings(self) -> None:
        self.failing_skus: set[str] = set()
        self.documents: dict[str, dict[str, Any]] = {}  # id -> {content, kind}
        self.feeds: dict[str, dict[str, Any]] = {}

    def listing_routes(self) -> list[Route]:
        return [
            Route(LISTINGS + "/{sellerId}", self.api("searchListingsItems", self.search_listings)),
            Route(LISTINGS + "/{sellerId}/{sku}", self.api("getListingsItem", self.get_listing)),
            Route(LISTINGS + "/{sellerId}/{sku}", self.api("patchListingsItem", self.patch_listing), methods=["PATCH"]),
            Route(FEEDS + "/documents", self.api("createFeedDocument", self.create_document), methods=["POST"]),
            Route(FEEDS + "/documents/{feedDocumentId}", self.api("getFeedDocument", self.get_document)),
            Route(FEEDS + "/feeds", self.api("createFeed", self.create_feed), methods=["POST"]),
            Route(FEEDS + "/feeds/{feedId}", self.api("getFeed", self.get_feed)),
            Route("/feed-uploads/{feedDocumentId}", self.upload, methods=["PUT", "GET"]),
        ]

    def _seller_check(self, request: Request) -> None:
        from .app import ApiError
        from .lwa import SELLER_ID

        if request.path_params["sellerId"] != SELLER_ID:
            raise ApiError(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The sellerId does not match the authorised selling partner.",
            )
        markets = [m for m in request.query_params.get("marketplaceIds", "").split(",") if m]
        if not markets or any(m not in self.marketplace_ids for m in markets):
            raise ApiError(400, "InvalidInput", "marketplaceIds is missing or names a marketplace of no account")

    def _item(self, listing: dict[str, Any]) -> dict[str, Any]:
        summaries = [
            {
                "marketplaceId": m,
                "asin": listing["asin"],
                "productType": "PRODUCT",
                "conditionType": "new_new",
                "status": ["BUYABLE", "DISCOVERABLE"],
                "itemName": listing["title"],
                "createdDate": _iso(listing["created"]),
                "lastUpdatedDate": _iso(listing["updated"]),
            }
            for m in self.marketplace_ids
        ]
        return {
            "sku": listing["sku"],
            "summaries": summaries,
            "fulfillmentAvailability": [{"fulfillmentChannelCode": "DEFAULT", "quantity": listing["quantity"]}],
        }

    def search_listings(self, request: Request, body: Any, pii: bool) -> tuple[int, Any]:
        from .app import ApiError, parse_time

        self._seller_check(request)
        q = request.query_params
        size = int(q.get("pageSize", 10))
        if not 1 <= size <= 20:
            raise ApiError(400, "InvalidInput", "pageSize must be between 1 and 20")
        after = parse_time(q["lastUpdatedAfter"], "lastUpdatedAfter") if q.get("lastUpdatedAfter") else None
        hits = sorted(
            (x for x in self.seller.listings.values() if after is None or x["updated"] >= after), key=lambda x: x["sku"]
        )
        start = int(q.get("pageToken", "0") or 0)
        page = hits[start : start + size]
        result: dict[str, Any] = {"numberOfResults": len(hits), "items": [self._item(x) for x in page]}
        if start + size < len(hits):
            result["pagination"] = {"nextToken": str(start + size)}
        return 200, result

    def _listing(self, request: Request) -> dict[str, Any]:
        from .app import ApiError

        self._seller_check(request)
        listing = self.seller.listings.get(request.path_params["sku"])
        if listing is None:
            raise ApiError(404, "NOT_FOUND", f"SKU '{request.path_params['sku']}' not found in marketplace")
        return listing

    def get_listing(self, request: Request, body: Any, pii: bool) -> tuple[int, Any]:
        return 200, self._item(self._listing(request))

    def set_quantity(self, sku: str, quantity: int, *, path: str, via: str) -> None:
        listing = self.seller.listings[sku]
        if listing["quantity"] != quantity:
            listing["quantity"] = quantity
            listing["updated"] = datetime.now(UTC)
            self.ledger.record(
                "listing.quantity",
                method="PATCH" if via == "patch" else "POST",
                path=path,
                resource_id=sku,
                changes={"quantity": quantity, "via": via},
            )

    def patch_listing(self, request: Request, body: Any, pii: bool) -> tuple[int, Any]:
        from .app import ApiError

        listing = self._listing(request)
        if not isinstance(body, dict) or not body.get("productType") or not isinstance(body.get("patches"), list):
            raise ApiError(400, "InvalidInput", "productType and patches are required")
        quantity = None
        for patch in body["patches"]:
            if patch.get("path") == "/attributes/fulfillment_availability" and patch.get("op") in ("replace", "merge"):
                for entry in patch.get("value") or []:
                    if entry.get("fulfillment_channel_code") == "DEFAULT" and isinstance(entry.get("quantity"), int):
                        quantity = entry["quantity"]
        submission = secrets.token_hex(16)
        if quantity is None or quantity < 0:
            issue = {
                "code": "90220",
                "message": "'fulfillment_availability' is required but not supplied.",
                "severity": "ERROR",
                "attributeNames": ["fulfillment_availability"],
                "categories": ["MISSING_ATTRIBUTE"],
            }
            return 200, {"sku": listing["sku"], "status": "INVALID", "submissionId": submission, "issues": [issue]}
        self.set_quantity(listing["sku"], quantity, path=request.url.path, via="patch")
        return 200, {"sku": listing["sku"], "status": "ACCEPTED", "submissionId": submission, "issues": []}

    # feeds ---------------------------------------------------------------------------------------------
    def create_document(self, request: Request, body: Any, pii: bool) -> tuple[int, Any]:
        from .app import ApiError

        if not isinstance(body, dict) or not body.get("contentType"):
            raise ApiError(400, "InvalidInput", "contentType is required")
        doc = "amzn1.tortuga.4.eu." + secrets.token_hex(12)
        self.documents[doc] = {"content": None, "kind": "input", "type": str(body["contentType"])}
        base = str(request.base_url).rstrip("/")
        return 201, {"feedDocumentId": doc, "url": f"{base}/feed-uploads/{doc}?X-Amz-Signature={secrets.token_hex(8)}"}

    async def upload(self, request: Request) -> Response:
        doc = request.path_params["feedDocumentId"]
        if not request.query_params.get("X-Amz-Signature"):
            return Response("<Error><Code>AccessDenied</Code></Error>", 403, media_type="application/xml")
        with self._lock:
            entry = self.documents.get(doc)
        if entry is None:
            return Response("<Error><Code>NoSuchKey</Code></Error>", 404, media_type="application/xml")
        if request.method == "GET":
            return Response(entry["content"] or b"", 200, media_type=entry.get("type", "application/json"))
        content = await request.body()
        with self._lock:
            entry["content"] = content
        return Response(status_code=200)

    def create_feed(self, request: Request, body: Any, pii: bool) -> tuple[int, Any]:
        from .app import ApiError

        if not isinstance(body, dict) or body.get("feedType") not in ("JSON_LISTINGS_FEED", order_feeds.FEED_TYPE):
            raise ApiError(
                400,
                "InvalidInput",
                "feedType must be JSON_LISTINGS_FEED or POST_ORDER_ACKNOWLEDGEMENT_DATA (the types this sandbox takes)",
            )
        doc = self.documents.get(str(body.get("inputFeedDocumentId")))
        if doc is None or doc["content"] is None:
            raise ApiError(400, "InvalidInput", "inputFeedDocumentId names no uploaded document")
        feed_id = str(50000 + len(self.feeds) + 1) + secrets.token_hex(3)
        self.feeds[feed_id] = {
            "feedId": feed_id,
            "feedType": body["feedType"],
            "marketplaceIds": body.get("marketplaceIds") or [],
            "createdTime": _iso(datetime.now(UTC)),
            "processingStatus": "IN_QUEUE",
            "due": time.monotonic() + self.feed_seconds,
            "document": doc,
        }
        self.ledger.record(
            "feed.create",
            method="POST",
            path=request.url.path,
            resource_id=feed_id,
            body={"feedType": body["feedType"]},
        )
        return 202, {"feedId": feed_id}

    def get_feed(self, request: Request, body: Any, pii: bool) -> tuple[int, Any]:
        from .app import ApiError

        feed = self.feeds.get(request.path_params["feedId"])
        if feed is None:
            raise ApiError(404, "NotFound", "Feed not found")
        self.process_due_feeds()
        return 200, {k: v for k, v in feed.items() if k not in ("due", "document")}

    def process_due_feeds(self) -> None:
        """Amazon processes feeds on its own time: every feed whose time has come, at any request."""
        for feed in self.feeds.values():
            if feed["processingStatus"] == "IN_QUEUE" and time.monotonic() >= feed["due"]:
                if feed["feedType"] == order_feeds.FEED_TYPE:
                    self._process_orders(feed)
                else:
                    self._process(feed, f"{FEEDS}/feeds/{feed['feedId']}")

    def _process_orders(self, feed: dict[str, Any]) -> None:
        try:
            report = order_feeds.process(self, feed["document"]["content"], f"{FEEDS}/feeds/{feed['feedId']}")
        except ValueError:  # not XML, or XML with a DOCTYPE
            feed["processingStatus"] = "FATAL"
            return
        self._finish(feed, report, "text/xml")

    def _finish(self, feed: dict[str, Any], report: bytes, content_type: str = "application/json") -> None:
        doc = "amzn1.tortuga.4.eu.report." + secrets.token_hex(8)
        self.documents[doc] = {"content": report, "kind": "result", "type": content_type}
        now = _iso(datetime.now(UTC))
        feed |= {
            "processingStatus": "DONE",
            "processingStartTime": now,
            "processingEndTime": now,
            "resultFeedDocumentId": doc,
        }

    def _process(self, feed: dict[str, Any], path: str) -> None:
        try:
            data = json.loads(feed["document"]["content"])
            messages = data["messages"]
        except (ValueError, KeyError, TypeError):
            feed["processingStatus"] = "FATAL"
            return
        issues, accepted = [], 0
        for msg in messages:
            sku, quantity = msg.get("sku"), None
            for patch in msg.get("patches") or []:
                if patch.get("path") == "/attributes/fulfillment_availability":
                    for entry in patch.get("value") or []:
                        quantity = entry.get("quantity")
            if sku in self.failing_skus or sku not in self.seller.listings or not isinstance(quantity, int):
                issues.append(
                    {
                        "messageId": msg.get("messageId"),
                        "sku": sku,
                        "code": "8541",
                        "severity": "ERROR",
                        "message": f"The SKU '{sku}' cannot be updated: the listing is not active in this marketplace.",
                    }
                )
                continue
            self.set_quantity(sku, quantity, path=path, via="feed")
            accepted += 1
        report = {
            "header": {
                "sellerId": data.get("header", {}).get("sellerId", ""),
                "version": "2.0",
                "feedId": feed["feedId"],
            },
            "issues": issues,
            "summary": {
                "errors": len(issues),
                "warnings": 0,
                "messagesProcessed": len(messages),
                "messagesAccepted": accepted,
                "messagesInvalid": len(issues),
            },
        }
        self._finish(feed, json.dumps(report).encode())

    def get_document(self, request: Request, body: Any, pii: bool) -> tuple[int, Any]:
        from .app import ApiError

        doc = request.path_params["feedDocumentId"]
        if doc not in self.documents:
            raise ApiError(404, "NotFound", "Feed document not found")
        base = str(request.base_url).rstrip("/")
        return 200, {"feedDocumentId": doc, "url": f"{base}/feed-uploads/{doc}?X-Amz-Signature={secrets.token_hex(8)}"}
