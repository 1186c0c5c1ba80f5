"""Seller cancellation of a whole MFN order: the order acknowledgement feed ``POST_ORDER_ACKNOWLEDGEMENT_DATA``.

Unverified (the feed's XSD is not among the specs here; shape from Amazon's feed documentation as quoted by
third parties, kept minimal): an ``AmazonEnvelope`` with ``Header{DocumentVersion 1.01,
MerchantIdentifier}``, ``MessageType OrderAcknowledgement`` and one ``Message{MessageID 1,
OrderAcknowledgement{AmazonOrderID, StatusCode Failure, Item[{AmazonOrderItemCode, CancelReason}]}}``;
the reason codes in :data:`REASONS`; the XML processing report's ``Result{MessageID, ResultCode Error,
ResultDescription}``. Amazon's reference pages also show a ``cancelOrder`` operation (one reason code, no
partial cancellation), which is not in the specs here either; the feed is the route the specs' Feeds API
carries (feeds_2021-06-30.json: createFeedDocument → upload → createFeed → getFeed).

Settled asynchronously like the stock feed (``sdk.async_push``), but the truth is the order's status: a
check reads the order, and an order Amazon shows ``Canceled`` is done whatever the report says (a second
feed for an order already cancelled reports an error but changed nothing). A lost ``createFeed`` answer is
found the same way, by the order's status; no such status after the lookup grace means the feed never
arrived, and the cancellation is sent again.
"""

from __future__ import annotations

from typing import Any

from ordersync.channels.sdk import xml
from ordersync.channels.sdk.async_push import JobOutcome

FEED_TYPE = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
CONTENT_TYPE = "text/xml; charset=UTF-8"
#: CancelReason values [3p, unverified]; the first is the default
REASONS = (
    "NoInventory",
    "ShippingAddressUndeliverable",
    "CustomerExchange",
    "BuyerCanceled",
    "GeneralAdjustment",
    "CarrierCreditDecision",
    "RiskAssessmentInformationNotValid",
    "CarrierCoverageFailure",
    "CustomerReturn",
    "MerchandiseNotReceived",
)
CANCELLABLE = ("Pending", "Unshipped")


def reason_of(comment: str, default: str) -> str:
    """The reason code a comment names (any case), else ``default``."""
    by_name = {r.lower(): r for r in REASONS}
    return next((by_name[w.lower()] for w in comment.replace(",", " ").split() if w.lower() in by_name), default)


def feed_document(seller_id: str, order_id: str, item_ids: list[str], reason: str) -> bytes:
    items = [{"AmazonOrderItemCode": item_id, "CancelReason": reason} for item_id in item_ids]
    envelope = xml.build(
        "AmazonEnvelope",
        {
            "@{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation": "amzn-envelope.xsd",
            "Header": {"DocumentVersion": "1.01", "MerchantIdentifier": seller_id},
            "MessageType": "OrderAcknowledgement",
            "Message": {
                "MessageID": 1,
                "OrderAcknowledgement": {"AmazonOrderID": order_id, "StatusCode": "Failure", "Item": items},
            },
        },
    )
    return xml.serialize(envelope)


def report_errors(report: bytes) -> str:
    """The ResultDescriptions of the report's errors, joined ("" when it names none)."""
    root = xml.parse(report)
    texts = [
        xml.find_text(r, "ResultDescription", default="") or xml.find_text(r, "ResultMessageCode", default="")
        for r in root.iter()
        if xml.local(r.tag) == "Result" and (xml.find_text(r, "ResultCode", default="") or "").lower() == "error"
    ]
    return "; ".join(t for t in texts if t)


def outcome(order: dict[str, Any], feed: dict[str, Any] | None, report: bytes | None) -> JobOutcome:
    """Done once Amazon shows the order Canceled; otherwise by the feed's state (None: no feed known)."""
    status = order.get("OrderStatus")
    if status == "Canceled":
        return JobOutcome.done()
    if feed is None:
        return JobOutcome.not_submitted()
    processing = feed.get("processingStatus")
    if processing in ("IN_QUEUE", "IN_PROGRESS"):
        return JobOutcome.running(check_after_s=30)
    reason = report_errors(report) if report is not None else ""
    return JobOutcome.failed(
        f"Amazon did not cancel order {order.get('AmazonOrderId')} (feed {feed.get('feedId')} "
        f"{processing}, order {status}){': ' + reason if reason else ''}"
    )
