"""Amazon's usage plans: one token bucket per operation and selling partner, as the spec's descriptions state
them (the "Usage plan" table of each operation in ordersV0.json, listingsItems_2021-08-01.json,
feeds_2021-06-30.json, tokens_2021-03-01.json, messaging.json). Every answer carries the operation's rate in
``x-amzn-RateLimit-Limit``; a request beyond the bucket answers 429 with Amazon's error body
(``{"errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource."}]}``).

``scale`` multiplies every rate, not the burst (the bench runs a backlog at a hundred times Amazon's pace and
still meets the bucket's limit); the header then reports the scaled rate, which is what a client that learns
from the header must follow. The conformance suite's ``configure {quick: true}`` runs the plans at
:data:`QUICK_SCALE`: ``createFeed`` refills one call every two minutes at Amazon's pace, so a case that meets an
injected 429 (the bucket then counts as empty) would wait minutes per retry; scaled, it waits about a second
and the client still has to learn and keep the rate the header reports.

The header goes on every answer of an operation, a throttled one (429) included; Amazon documents it as
"best effort", the sandbox always sends it, also on the faults it injects when the fault names one operation's
requests (:meth:`UsagePlans.operation_of`), as Amazon's gateway counts a request before the backend fails.
"""

from __future__ import annotations

import fnmatch
import re
import threading
import time

#: operation -> (requests per second, burst), copied from the spec descriptions
PLANS: dict[str, tuple[float, float]] = {
    "getOrders": (0.0167, 20),
    "getOrder": (0.5, 30),
    "getOrderItems": (0.5, 30),
    "getOrderAddress": (0.5, 30),
    "getOrderBuyerInfo": (0.5, 30),
    "confirmShipment": (2, 10),
    "createRestrictedDataToken": (1, 10),
    "getListingsItem": (5, 10),
    "patchListingsItem": (5, 5),
    "searchListingsItems": (5, 5),
    "createFeedDocument": (0.5, 15),
    "createFeed": (0.0083, 15),
    "getFeed": (2, 15),
    "getFeeds": (0.0222, 10),
    "getFeedDocument": (0.0222, 10),
    "getMessagingActionsForOrder": (1, 5),
    **dict.fromkeys(
        (
            "confirmCustomizationDetails",
            "createConfirmDeliveryDetails",
            "createLegalDisclosure",
            "createConfirmOrderDetails",
            "createConfirmServiceDetails",
            "CreateWarranty",
            "createDigitalAccessKey",
            "createUnexpectedProblem",
            "sendInvoice",
        ),
        (1, 5),
    ),
}

#: the conformance suite's scale (``configure {quick: true}``): createFeed ≈ 1 call/s, getOrders 2 calls/s
QUICK_SCALE = 120.0

QUOTA_BODY = {"errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota for the requested resource."}]}


class UsagePlans:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.scale = 1.0
        self.throttled = 0
        self._buckets: dict[str, list[float]] = {}  # operation -> [tokens, last refill (monotonic)]
        self._routes: list[tuple[frozenset[str], str, str]] = []  # (methods, sample path, operation)

    def forget_routes(self) -> None:
        self._routes.clear()

    def route(self, methods: set[str] | None, path: str, operation: str) -> None:
        """Note which operation answers ``path`` (a route template, ``{name}`` one segment)."""
        sample = re.sub(r"\{[^{}/]+\}", "x", path)
        self._routes.append((frozenset(m.upper() for m in methods or {"GET"}), sample, operation))

    def operation_of(self, method: str | None, glob: str | None) -> str | None:
        """The operation the requests a fault rule matches belong to: one operation, or several with the same
        rate (e.g. the Messaging API's create… operations); None when the rule spans different rates."""
        found = {
            op
            for methods, sample, op in self._routes
            if (not method or method.upper() in methods) and (not glob or fnmatch.fnmatchcase(sample, glob))
        }
        return min(found) if found and len({PLANS[op][0] for op in found}) == 1 else None

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
