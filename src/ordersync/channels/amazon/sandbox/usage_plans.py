"""Amazon's usage plans: one token bucket per operation and selling partner, as the spec's descriptions state
them (the "Usage plan" table of each operation in ordersV0.json, listingsItems_2021-08-01.json,
feeds_2021-06-30.json, tokens_2021-03-01.json, messaging.json). Every answer carries the operation's rate in
``x-amzn-RateLimit-Limit``; a request beyond the bucket answers 429 with Amazon's error body
(``{"errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource."}]}``).

``scale`` multiplies every rate, not the burst (the bench runs a backlog at a hundred times Amazon's pace and
still meets the bucket's limit); the header then reports the scaled rate, which is what a client that learns
from the header must follow.
"""

from __future__ import annotations

import threading
import time

#: operation -> (requests per second, burst), copied from the spec descriptions
PLANS: dict[str, tuple[float, float]] = {
    "getOrders": (0.0167, 20), "getOrder": (0.5, 30), "getOrderItems": (0.5, 30), "getOrderAddress": (0.5, 30),
    "getOrderBuyerInfo": (0.5, 30), "confirmShipment": (2, 10), "createRestrictedDataToken": (1, 10),
    "getListingsItem": (5, 10), "patchListingsItem": (5, 5), "searchListingsItems": (5, 5),
    "createFeedDocument": (0.5, 15), "createFeed": (0.0083, 15), "getFeed": (2, 15), "getFeeds": (0.0222, 10),
    "getFeedDocument": (0.0222, 10), "getMessagingActionsForOrder": (1, 5),
    **dict.fromkeys(("confirmCustomizationDetails", "createConfirmDeliveryDetails", "createLegalDisclosure",
                     "createConfirmOrderDetails", "createConfirmServiceDetails", "CreateWarranty",
                     "createDigitalAccessKey", "createUnexpectedProblem", "sendInvoice"), (1, 5)),
}

QUOTA_BODY = {"errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource."}]}


class UsagePlans:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.scale = 1.0
        self.throttled = 0
        self._buckets: dict[str, list[float]] = {}  # operation -> [tokens, last refill (monotonic)]

    def configure(self, scale: float) -> None:
        with self._lock:
            self.scale = max(0.001, float(scale))
            self._buckets.clear()

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
            self.throttled = 0

    def rate(self, operation: str) -> float:
        return PLANS[operation][0] * self.scale

    def take(self, operation: str) -> bool:
        """One request of ``operation``; False (and counted) when its bucket is empty."""
        rate, burst = PLANS[operation]
        rate = rate * self.scale
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(operation, [burst, now])
            tokens = min(burst, tokens + (now - last) * rate)
            if tokens < 1:
                self._buckets[operation] = [tokens, now]
                self.throttled += 1
                return False
            self._buckets[operation] = [tokens - 1, now]
            return True

    def header(self, operation: str) -> dict[str, str]:
        return {"x-amzn-RateLimit-Limit": f"{self.rate(operation):g}"}
