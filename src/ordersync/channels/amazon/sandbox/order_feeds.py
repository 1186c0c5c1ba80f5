"""The order acknowledgement feed (``POST_ORDER_ACKNOWLEDGEMENT_DATA``) in the sandbox: a seller's cancellation.

The feed's XSD is not among the specs; the sandbox takes the shape Amazon's feed documentation shows (as
quoted by third parties, unverified): ``AmazonEnvelope/Message/OrderAcknowledgement`` with
``AmazonOrderID``, ``StatusCode`` (``Failure`` cancels the order) and ``Item[{AmazonOrderItemCode,
CancelReason}]``. When the feed is processed, an order that is Pending or Unshipped turns ``Canceled`` (the
ledger records ``order.cancel`` with the reason); any other order, an unknown order or item, or a missing
reason is an error in the XML processing report (``ProcessingReport/ProcessingSummary`` and
``Result{MessageID, ResultCode Error, ResultMessageCode, ResultDescription}``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ordersync.channels.sdk import xml

FEED_TYPE = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
REASONS = {
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
}


def _cancel_one(sandbox: Any, ack: Any, path: str) -> str:
    """ "" when the message cancelled its order, else the error's description."""
    oid = xml.find_text(ack, "AmazonOrderID", default="") or ""
    order = sandbox.seller.orders.get(oid)
    if order is None:
        return f"Order {oid!r} was not found"
    if xml.find_text(ack, "StatusCode", default="") != "Failure":
        return ""  # a Success acknowledgement changes nothing here
    items = {i["OrderItemId"] for i in sandbox.seller.items[oid]}
    reasons = set()
    for item in xml.find_all(ack, "Item"):
        code = xml.find_text(item, "AmazonOrderItemCode", default="")
        if code not in items:
            return f"AmazonOrderItemCode {code!r} is not an item of order {oid}"
        reasons.add(xml.find_text(item, "CancelReason", default="") or "")
    if not reasons or not reasons <= REASONS:
        return f"Order {oid}: a CancelReason of {sorted(REASONS)} is required for every item"
    if order["OrderStatus"] not in ("Pending", "Unshipped"):
        return f"Order {oid} has status {order['OrderStatus']} and cannot be canceled"
    order["OrderStatus"] = "Canceled"
    order["LastUpdateDate"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sandbox.ledger.record(
        "order.cancel",
        method="POST",
        path=path,
        resource_id=oid,
        changes={"status": "Canceled", "reason": ",".join(sorted(reasons))},
    )
    return ""


def process(sandbox: Any, content: bytes, path: str) -> bytes:
    """Apply the feed; the processing report as XML."""
    root = xml.parse(content)
    messages = xml.find_all(root, "Message")
    errors = []
    for message in messages:
        message_id = xml.find_text(message, "MessageID", default="0")
        acks = xml.find_all(message, "OrderAcknowledgement")
        problem = _cancel_one(sandbox, acks[0], path) if acks else "OrderAcknowledgement is missing"
        if problem:
            errors.append(
                {
                    "MessageID": message_id,
                    "ResultCode": "Error",
                    "ResultMessageCode": "18028",
                    "ResultDescription": problem,
                }
            )
    report = xml.build(
        "AmazonEnvelope",
        {
            "Header": {"DocumentVersion": "1.02", "MerchantIdentifier": "sandbox"},
            "MessageType": "ProcessingReport",
            "Message": {
                "MessageID": 1,
                "ProcessingReport": {
                    "DocumentTransactionID": 1,
                    "StatusCode": "Complete",
                    "ProcessingSummary": {
                        "MessagesProcessed": len(messages),
                        "MessagesSuccessful": len(messages) - len(errors),
                        "MessagesWithError": len(errors),
                        "MessagesWithWarning": 0,
                    },
                    "Result": errors or None,
                },
            },
        },
    )
    return xml.serialize(report)
