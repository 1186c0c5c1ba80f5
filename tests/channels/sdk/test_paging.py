"""Paginators over real HTTP, and the loop guard."""

from __future__ import annotations

import random
import threading

import pytest

from ordersync.channels.sdk.http import ChannelHTTP
from ordersync.channels.sdk.paging import (
    CursorPaginator,
    LinkHeaderPaginator,
    OffsetPaginator,
    PageNumberPaginator,
    PagingLoopError,
    paginate,
    paginate_numbered_then,
)
from ordersync.channels.sdk.retry import RetryPolicy

from .conftest import Reply

JSON = {"content-type": "application/json"}


def client(base_url, fake_time):
    return ChannelHTTP(base_url, retry=RetryPolicy(max_attempts=1, sleep=fake_time.sleep, rng=random.Random(0)))


def test_page_numbers_follow_total_pages_header(script, base_url, fake_time):
    for n in (1, 2, 3):  # the scripted server ignores ?page, so queue one reply per page
        script.on("/items", Reply(200, [{"id": n}], {**JSON, "X-WP-TotalPages": "3"}))
    with client(base_url, fake_time) as http:
        pages = [
            r.json()
            for r in paginate(
                http, "/items", PageNumberPaginator(total_pages_header="X-WP-TotalPages"), params={"per_page": 1}
            )
        ]
    assert pages == [[{"id": 1}], [{"id": 2}], [{"id": 3}]]
    assert [r.query for r in script.received] == [f"per_page=1&page={n}" for n in (1, 2, 3)]


def test_page_numbers_without_header_stop_at_short_page(script, base_url, fake_time):
    script.on("/items", Reply(200, [1, 2]), Reply(200, [3]))
    with client(base_url, fake_time) as http:
        pages = list(paginate(http, "/items", PageNumberPaginator(page_size=2)))
    assert len(pages) == 2


def test_offset_paginator(script, base_url, fake_time):
    script.on("/items", Reply(200, [1, 2]), Reply(200, [3, 4]), Reply(200, []))
    with client(base_url, fake_time) as http:
        list(paginate(http, "/items", OffsetPaginator(2)))
    assert [r.query for r in script.received] == ["offset=0", "offset=2", "offset=4"]


def test_link_header_that_points_to_itself_is_a_loop(script, base_url, fake_time):
    script.on("/items", Reply(200, [1], {**JSON, "link": f'<{base_url}/items?page=2>; rel="next"'}))
    with client(base_url, fake_time) as http, pytest.raises(PagingLoopError, match="again"):
        list(paginate(http, "/items", LinkHeaderPaginator()))
    assert script.count("/items") == 2  # page 1, then page 2 offering page 2 again


def test_repeated_cursor_is_a_loop(script, base_url, fake_time):
    script.on("/items", Reply(200, {"next": "a"}), Reply(200, {"next": "b"}), Reply(200, {"next": "a"}))
    paginator = CursorPaginator(lambda r: r.json().get("next"), param="after")
    with client(base_url, fake_time) as http, pytest.raises(PagingLoopError):
        list(paginate(http, "/items", paginator))
    assert [r.query for r in script.received] == ["", "after=a", "after=b"]


def test_page_cap_stops_endless_paging(script, base_url, fake_time):
    script.on("/items", Reply(200, [1], {**JSON, "X-WP-TotalPages": "1000000"}))
    with client(base_url, fake_time) as http, pytest.raises(PagingLoopError, match="cap 5"):
        list(paginate(http, "/items", PageNumberPaginator(total_pages_header="X-WP-TotalPages", max_pages=5)))
    assert script.count("/items") == 5


def test_cursor_paginator_ends_on_empty_token(script, base_url, fake_time):
    script.on("/items", Reply(200, {"next": "a"}), Reply(200, {"next": None}))
    with client(base_url, fake_time) as http:
        assert len(list(paginate(http, "/items", CursorPaginator(lambda r: r.json()["next"])))) == 2


def test_a_pages_follow_up_runs_where_the_page_was_fetched_and_pages_stay_in_order(script, base_url, fake_time):
    """``then`` (a page's further reads: its refunds, its addresses) runs in the worker that fetched the page,
    beside the other pages in flight, not after each page in the reader; what comes back is still in page order."""
    for _ in range(6):
        script.on("/items", Reply(200, [], {**JSON, "X-WP-TotalPages": "6"}))

    def then(response):
        return int(response.request.url.params["page"]), threading.current_thread().name

    paginator = PageNumberPaginator(total_pages_header="X-WP-TotalPages")
    with client(base_url, fake_time) as http:
        pages = list(paginate_numbered_then(http, "/items", paginator, then, concurrency=3))
    assert [number for number, _ in pages] == [1, 2, 3, 4, 5, 6]
    me = threading.current_thread().name
    assert pages[0][1] == me  # the first page tells how many there are: read before any other
    assert all(thread.startswith("ordersync-fetch") for _, thread in pages[1:])
