"""What the sandbox's mixins (listings and feeds, messaging, LWA, the conformance profile) use of the app that
combines them, declared once for the type checker; the app (:mod:`.app`) and the SDK's sandbox kit provide
it at run time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ordersync.channels.sdk.sandbox import Ledger

    from .data import Seller
    from .usage_plans import UsagePlans


class SandboxParts:
    _lock: threading.RLock
    ledger: Ledger
    seller: Seller
    plans: UsagePlans
    marketplace_ids: list[str]
    seller_refresh_token: str
    feed_seconds: float
    lag: float
    token_refreshes: int
    sent_messages: dict[str, list[dict[str, Any]]]

    if TYPE_CHECKING:

        def api(
            self,
            operation: str,
            handler: Callable[..., tuple[int, Any]],
            *,
            restricted: str = "",
            media_type: str = "application/json",
        ) -> Callable[..., Any]: ...

        def _order(self, oid: str) -> dict[str, Any]: ...

        def control_orders(self, body: dict[str, Any]) -> dict[str, Any]: ...

        def process_due_feeds(self) -> None: ...
