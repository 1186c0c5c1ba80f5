"""The PrestaShop webservice calls ordersync makes, over the SDK's ChannelHTTP.

Facts [docs: PrestaShop 8 devdocs "Webservice", VENDOR-FACTS §2.9]: the webservice key is the HTTP Basic user
with an empty password; ``output_format=JSON`` asks for JSON answers (reads); writes take XML only
(``<prestashop><order_history>…``; PrestaShop parses no JSON bodies, issue #11099), built here with lxml
(``sdk.xml.build``). Lists: ``display=full|[f1,f2]``, ``filter[f]=[a|b]`` (any of) and ``[a,b]`` (interval),
``date=1`` to filter by a date, ``sort=[id_ASC]``, ``limit=offset,count``. An empty listing is ``[]`` rather
than ``{"orders": []}`` (issues #10172, #22760), which ``rows`` accepts. No rate limit is documented; the
budget (burst 20, 10 calls/s for each request the ``concurrency`` setting allows in flight) spares small hosting
plans and is an assumption; the in-flight bound is what keeps an import from taking up the shop's PHP workers.

Order paging is by offset over the window sorted by id. The window only shrinks while it is paged (an order
changed now leaves it; none can enter, ``until`` lies in the past), which moves later records forward by one
place each. Every page after the first therefore starts one record early, at the previous page's last id: if
another record stands there, the window shrank before this page; the window is counted again (ids only) and
the smaller total tells the engine to read the window again (the window-shift rule).

Concurrent pages (the ``concurrency`` setting; PrestaShop documents no limit, VENDOR-FACTS: "none in core"). The
window's size is known before the first page: the count above is a ``display=[id]`` listing of the whole window
(one request per run, which the sequential read makes too; for 10,000 orders about 10,000 ``{"id": n}`` objects,
some 150 KB, and one query for the shop), so every page's offset is known too. After the first page (read alone: it
decides whether the shop sorts), the pages up to the counted total are requested up to ``concurrency`` at a time
and checked in order exactly as above: a page counts only from the previous page's last id, which is a property of
the two answers, not of when they were read. Records only leave the window, so the count is an upper bound; a last
page that comes back full is followed by the next one (one more request when the total is a multiple of the page
size). A page that comes back empty where records were expected (records before it left the window, so later
ones moved into pages already read) is still handed on, empty, with the new count: otherwise the engine would not
learn of the shift and those records would be missed. Once a shift is found the pages already in flight are still checked against their neighbours (a record they
skip is read when the engine reads the window again); the window is counted again until a count differs from the
first, then no more.

Some shops answer every ``sort=[...]`` with 200 and ``[]`` (a PrestaShop 9 deployment's notes [3p]: the built
ORDER BY fails and the error is swallowed). When the window has orders (its ids were counted without a sort)
but the first sorted page is empty, the client drops ``sort`` for the rest of its life and relies on the
webservice's default order, the primary key ascending [unverified].
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from ..sdk import xml
from ..sdk.concurrency import in_order
from ..sdk.errors import NotFoundError, TransientError
from ..sdk.http import ChannelHTTP
from ..sdk.ratelimit import RateBudget, budget_for
from ..sdk.retry import CHECKED_WRITE, RetryPolicy

API = "/api"
JSON = {"output_format": "JSON"}
#: a 5xx after a POST may come after PrestaShop saved it: the connector checks before it writes again
SINGULAR = {
    "orders": "order",
    "order_carriers": "order_carrier",
    "order_histories": "order_history",
    "customers": "customer",
    "addresses": "address",
    "products": "product",
    "customer_threads": "customer_thread",
    "customer_messages": "customer_message",
    "stock_availables": "stock_available",
}


def pid(value: str | int) -> str:
    """A PrestaShop id for a path or filter; anything else cannot exist in the shop."""
    text = str(value).strip()
    if not text.isdigit():
        raise NotFoundError(f"{value!r} is not a PrestaShop id")
    return text


def any_of(values: Any) -> str:
    return "[" + "|".join(sorted({pid(v) for v in values}, key=int)) + "]"


class PrestashopClient:
    def __init__(
        self,
        base_url: str,
        key: str,
        *,
        timeout: float = 30,
        connection_key: str = "",
        verify_tls: bool = True,
        ca_pem: str = "",
        retry: RetryPolicy | None = None,
        concurrency: int = 1,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.concurrency = max(1, concurrency)
        #: 10 calls/s for each request the connection may have in flight (an assumption, see above)
        budget = budget_for(
            f"prestashop:{connection_key or self.base_url}",
            lambda: RateBudget(20 * self.concurrency, 10 * self.concurrency),
        )
        self.http = ChannelHTTP(
            self.base_url,
            auth=httpx.BasicAuth(key, ""),
            timeout=timeout,
            budget=budget,
            verify=verify_tls,
            ca_pem=ca_pem,
            retry=retry,
            in_flight=self.concurrency,
        )
        #: dropped when the shop answers a sorted list with [] although it has records (see order_pages)
        self.sort: dict[str, str] = {"sort": "[id_ASC]"}

    def close(self) -> None:
        self.http.close()

    # reads -----------------------------------------------------------------------------------
    def rows(self, resource: str, params: Mapping[str, Any], *, retry: RetryPolicy | None = None) -> list[dict]:
        response = self.http.request(
            "GET", f"{API}/{resource}", params={**JSON, **params}, expect_json=True, retry=retry
        )
        body = response.json()
        if body == [] or body == {}:
            return []
        if not isinstance(body, dict) or not isinstance(body.get(resource), list):
            raise TransientError(f'GET /api/{resource}: expected {{"{resource}": [...]}}, got {str(body)[:120]}')
        if resource == "orders":  # every order record, a broken one too: the mapper quarantines it
            return body[resource]
        return [r for r in body[resource] if isinstance(r, dict)]

    def one(self, resource: str, ident: str) -> dict[str, Any]:
        body = self.http.request("GET", f"{API}/{resource}/{pid(ident)}", params=JSON, expect_json=True).json()
        record = body.get(SINGULAR.get(resource, resource[:-1])) if isinstance(body, dict) else None
        if not isinstance(record, dict):
            raise TransientError(
                f"GET /api/{resource}/{ident}: no {SINGULAR.get(resource, resource)} object in the answer"
            )
        return record

    def by_ids(self, resource: str, ids: set[str], fields: str = "full") -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        found = {}
        ordered = sorted(ids, key=int)
        for start in range(0, len(ordered), 100):  # keeps the URL short
            chunk = ordered[start : start + 100]
            for row in self.rows(resource, {"display": fields, "filter[id]": any_of(chunk)}):
                found[str(row.get("id"))] = row
        return found

    def window_ids(self, window_filter: Mapping[str, str]) -> int:
        return len(self.rows("orders", {**window_filter, "display": "[id]"}))

    def order_pages(
        self, window_filter: Mapping[str, str], size: int, *, concurrency: int | None = None
    ) -> Iterator[tuple[list[Any], int]]:
        """Pages of full orders in the window, each with the window's total as counted for it; up to
        ``concurrency`` pages in flight after the first (default: the client's)."""
        workers = self.concurrency if concurrency is None else max(1, concurrency)
        first_total = total = self.window_ids(window_filter)

        def page(offset: int, count: int) -> list[Any]:
            return self.rows("orders", {**window_filter, "display": "full", **self.sort, "limit": f"{offset},{count}"})

        rows = page(0, size)
        if not rows and total and self.sort:
            self.sort = {}  # this shop answers every sorted list with []: its default order is by id
            rows = page(0, size)
        if rows:
            yield rows, total
        if len(rows) < size:
            return
        last_id = _id(rows[-1])

        def after(offset: int) -> tuple[int, list[Any]]:  # a page from one record early: see the docstring
            return offset, page(offset - 1, size + 1)

        planned = range(size, first_total, size) if workers > 1 else range(0)
        offset = size
        for offset, rows in in_order(after, planned, workers):
            rows, total = self._checked(rows, last_id, window_filter, total, first_total)
            if rows or total != first_total:  # an empty page that found the window shrunk still tells the engine
                yield rows, total
            if len(rows) < size:
                return
            last_id = _id(rows[-1]) or last_id
            offset += size
        while True:  # one page at a time: with a concurrency of 1, or past the counted total
            rows, total = self._checked(after(offset)[1], last_id, window_filter, total, first_total)
            if rows or total != first_total:
                yield rows, total
            if len(rows) < size:
                return
            offset += size
            last_id = _id(rows[-1]) or last_id

    def _checked(
        self, rows: list[Any], last_id: int | None, window_filter: Mapping[str, str], total: int, first_total: int
    ) -> tuple[list[Any], int]:
        """A page read from one record early, without that record; if another stands there, the window shrank
        before this page: it is counted again (until a count differs from the first) and only unseen orders kept."""
        head = _id(rows[0]) if rows else None
        if head == last_id:
            return rows[1:], total
        if total == first_total:
            total = self.window_ids(window_filter)
        return [r for r in rows if (_id(r) or 0) > (last_id or 0)], total

    # writes ----------------------------------------------------------------------------------
    def write(
        self,
        method: str,
        resource: str,
        fields: Mapping[str, Any],
        ident: str | None = None,
        *,
        params: Mapping[str, str] | None = None,
    ) -> dict:
        body = xml.serialize(xml.build("prestashop", {SINGULAR[resource]: dict(fields)}))
        path = f"{API}/{resource}" + (f"/{pid(ident)}" if ident is not None else "")
        checked = method == "POST"
        response = self.http.request(
            method,
            path,
            params={**JSON, **(params or {})},
            content=body,
            expect_json=True,
            headers={"Content-Type": "text/xml; charset=utf-8"},
            idempotent=False if checked else None,
            error_mapping=CHECKED_WRITE if checked else None,
        )
        data = response.json()
        return data.get(SINGULAR[resource], {}) if isinstance(data, dict) else {}


def _id(row: Any) -> int | None:
    text = str(row.get("id")) if isinstance(row, dict) else ""
    return int(text) if text.isdigit() else None
