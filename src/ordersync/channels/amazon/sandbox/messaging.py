"""The Messaging API (messaging.json) in the sandbox.

``GET /messaging/v1/orders/{amazonOrderId}?marketplaceIds=…`` (getMessagingActionsForOrder) answers the
HAL document of the spec: ``_links.self``, ``_links.actions[{href, name}]`` and ``_embedded.actions`` with
each action's ``_links.self`` and ``_links.schema``. ``POST …/messages/{type}?marketplaceIds=…`` sends one
message: 201 with ``{}``; the ``text`` must have 1 to the type's ``maxLength`` characters.

Which types Amazon lists for an order is not documented beyond "eligible actions"; the sandbox's rule
(an assumption, configurable per order with the control action ``{"action": "messaging", "id": …,
"allowed": [...]}``): none while Pending or Canceled, otherwise the delivery, order-detail and
unexpected-problem messages plus the attachment-only legalDisclosure, warranty and invoice. A type not
listed, a marketplace other than the order's, or a bad text answers 400 ``InvalidInput``. Every sent message
is in the ledger (``message.send``) and in the order's view.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from .parts import SandboxParts

MESSAGING = "/messaging/v1/orders"
#: message type -> (operationId, the text's maxLength or None where the type takes attachments only)
TYPES: dict[str, tuple[str, int | None]] = {
    "confirmCustomizationDetails": ("confirmCustomizationDetails", 800),
    "confirmDeliveryDetails": ("createConfirmDeliveryDetails", 2000),
    "legalDisclosure": ("createLegalDisclosure", None),
    "confirmOrderDetails": ("createConfirmOrderDetails", 2000),
    "confirmServiceDetails": ("createConfirmServiceDetails", 2000),
    "warranty": ("CreateWarranty", None),
    "digitalAccessKey": ("createDigitalAccessKey", 400),
    "unexpectedProblem": ("createUnexpectedProblem", 2000),
    "invoice": ("sendInvoice", None),
}
DEFAULT_ALLOWED = (
    "confirmDeliveryDetails",
    "confirmOrderDetails",
    "unexpectedProblem",
    "legalDisclosure",
    "warranty",
    "invoice",
)


class MessagingApi(SandboxParts):
    def reset_messaging(self) -> None:
        self.allowed_messages: dict[str, list[str]] = {}  # order id -> the types listed for it
        self.sent_messages: dict[str, list[dict[str, Any]]] = {}  # order id -> [{type, text}]

    def messaging_routes(self) -> list[Route]:
        hal = "application/hal+json"  # what messaging.json produces, errors included
        routes = [
            Route(
                MESSAGING + "/{amazonOrderId}",
                self.api("getMessagingActionsForOrder", self.messaging_actions, media_type=hal),
            )
        ]
        for kind, (operation, _) in TYPES.items():
            routes.append(
                Route(
                    f"{MESSAGING}/{{amazonOrderId}}/messages/{kind}",
                    self.api(operation, self._sender(kind), media_type=hal),
                    methods=["POST"],
                )
            )
        return routes

    def allowed_for(self, order: dict[str, Any]) -> list[str]:
        oid = order["AmazonOrderId"]
        if oid in self.allowed_messages:
            return list(self.allowed_messages[oid])
        return [] if order["OrderStatus"] in ("Pending", "Canceled") else list(DEFAULT_ALLOWED)

    def _marketplace(self, request: Request, order: dict[str, Any]) -> str:
        from .app import ApiError

        markets = [m for m in request.query_params.get("marketplaceIds", "").split(",") if m]
        if len(markets) != 1:
            raise ApiError(400, "InvalidInput", "marketplaceIds must name exactly one marketplace")
        if markets[0] != order["MarketplaceId"]:
            raise ApiError(400, "InvalidInput", f"Order {order['AmazonOrderId']} is not of marketplace {markets[0]}")
        return markets[0]

    def messaging_actions(self, request: Request, body: Any, pii: bool) -> tuple[int, Any]:
        oid = request.path_params["amazonOrderId"]
        order = self._order(oid)
        market = self._marketplace(request, order)
        base = f"{MESSAGING}/{oid}"
        links = [
            {"href": f"{base}/messages/{kind}?marketplaceIds={market}", "name": kind}
            for kind in self.allowed_for(order)
        ]
        embedded = [
            {
                "_links": {
                    "self": link,
                    "schema": {"href": f"{base}/messages/{link['name']}/schema", "name": link["name"]},
                }
            }
            for link in links
        ]
        return 200, {
            "_links": {"self": {"href": f"{base}?marketplaceIds={market}"}, "actions": links},
            "_embedded": {"actions": embedded},
        }

    def _sender(self, kind: str):
        def send(request: Request, body: Any, pii: bool) -> tuple[int, Any]:
            from .app import ApiError

            oid = request.path_params["amazonOrderId"]
            order = self._order(oid)
            self._marketplace(request, order)
            if kind not in self.allowed_for(order):
                raise ApiError(400, "InvalidInput", f"The {kind} message is not available for order {oid}")
            limit = TYPES[kind][1]
            if not isinstance(body, dict):
                raise ApiError(400, "InvalidInput", "The body must be a JSON object")
            if limit is None:
                attachments = body.get("attachments")
                if not isinstance(attachments, list) or not attachments:
                    raise ApiError(400, "InvalidInput", f"{kind} needs attachments")
                text = ""
            else:
                raw = body.get("text")
                text = raw if isinstance(raw, str) else ""
                if not 1 <= len(text) <= limit:
                    raise ApiError(400, "InvalidInput", f"text must have 1 to {limit} characters")
            self.sent_messages.setdefault(oid, []).append({"type": kind, "text": text})
            self.ledger.record(
                "message.send",
                method="POST",
                path=request.url.path,
                resource_id=oid,
                body=body,
                changes={"type": kind, "text": text},
            )
            return 201, {}

        return send
