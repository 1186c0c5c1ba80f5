"""The first import of a shop as one bulk operation, as Shopify recommends for large exports.

``bulkOperationRunQuery`` starts the export of every order up to the window's end; the operation is polled
by ``node(id:)`` until it is COMPLETED (FAILED, CANCELED or EXPIRED raise a TransientError, so the engine
tries again later); its ``url`` (``null``: nothing matched) is then streamed line by line, never loaded
whole. In the JSON Lines file each order is one line and each node of a nested connection (line items,
shipping lines) a line of its own naming its order in ``__parentId``; Shopify writes children after their
parent, so an order is complete when the next order begins. The file's storage URL is signed and must
not get our access token, so it is fetched by a plain client.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from ..sdk.errors import PermanentError, TransientError
from ..sdk.urlguard import UrlRefused, default_policy, guarded_client
from . import queries
from .client import ShopifyClient, user_errors

DONE_BAD = ("FAILED", "CANCELED", "EXPIRED")
_CHILD_FIELD = {"LineItem": "lineItems", "ShippingLine": "shippingLines"}


def start(client: ShopifyClient, search: str) -> str:
    """Start the bulk export; an operation already running (ours from a crashed run, or another app
    user's) is a TransientError: Shopify allows one at a time, so the engine retries later."""
    data = client.call(queries.BULK_RUN, {"query": queries.bulk_orders_query(search)}, mutation=True)
    payload = data.get("bulkOperationRunQuery") or {}
    errors = payload.get("userErrors") or []
    if any(e.get("code") == "OPERATION_IN_PROGRESS" for e in errors):
        raise TransientError("Shopify is still running another bulk operation for this app; try again later")
    if errors or not payload.get("bulkOperation"):
        raise PermanentError(f"Shopify refused the bulk export: {'; '.join(user_errors(payload))}")
    return payload["bulkOperation"]["id"]


def wait(
    client: ShopifyClient,
    operation_id: str,
    *,
    interval: float = 2.0,
    timeout: float = 6 * 3600,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Poll until the operation ends; return it (``url`` None when it found nothing)."""
    waited = 0.0
    while True:
        op = (client.call(queries.BULK_POLL, {"id": operation_id}) or {}).get("node") or {}
        status = op.get("status")
        if status == "COMPLETED":
            return op
        if status in DONE_BAD or not status:
            raise TransientError(
                f"bulk operation {operation_id} ended {status or 'unknown'} ({op.get('errorCode') or 'no error code'})"
            )
        if waited >= timeout:
            raise TransientError(f"bulk operation {operation_id} still {status} after {waited:.0f}s")
        sleep(interval)
        waited += interval


def records(url: str | None, *, timeout: float = 60.0) -> Iterator[dict[str, Any]]:
    """Every order of the result file, its nested nodes put back under ``lineItems``/``shippingLines``."""
    if not url:
        return
    current: dict[str, Any] | None = None
    try:
        # the result URL comes from the shop's answer: the guard checks it and every redirect hop
        with (
            guarded_client(default_policy(timeout=timeout)) as plain,
            plain.stream("GET", url, follow_redirects=True) as response,
        ):
            if response.status_code != 200:
                raise TransientError(f"bulk result {url}: HTTP {response.status_code}")
            for line in response.iter_lines():
                if not line.strip():
                    continue
                try:
                    node = json.loads(line)
                except ValueError:
                    raise TransientError(f"bulk result {url}: a line is not JSON (truncated download?)") from None
                parent = node.pop("__parentId", None)
                if parent is None:
                    if current is not None:
                        yield current
                    current = node
                    continue
                field = _CHILD_FIELD.get(node.get("__typename", ""), "lineItems")
                if current is None or current.get("id") != parent:
                    raise TransientError(
                        f"bulk result {url}: {node.get('id')} follows an order other than its parent {parent}"
                    )
                current.setdefault(field, {"edges": []})["edges"].append({"node": node})
    except httpx.HTTPError as exc:
        raise TransientError(f"bulk result {url}: {exc}") from None
    except UrlRefused as exc:
        raise UrlRefused(f"bulk result {url}: {exc}") from None
    if current is not None:
        yield current
