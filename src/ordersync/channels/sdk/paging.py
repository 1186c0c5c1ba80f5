"""Paging as small strategy classes, each with one hook, and a guard against endless loops.

A paginator holds the current page token (a page number, an offset, a cursor or a URL). After each
response, :meth:`Paginator.advance` asks the strategy's ``next_value`` hook for the next token. Channels
do misbehave: a cursor that comes back unchanged, a ``Link: rel=next`` pointing at the page just read, a
total-pages header that grows as fast as we read. Instead of looping forever the guard raises
:class:`PagingLoopError` when a token repeats one already seen or the page count passes ``max_pages``.
GraphQL connections (``pageInfo { hasNextPage endCursor }``) get the same guard through
:class:`GraphQLCursorPaginator`, which reads the connection object instead of an HTTP response.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from .concurrency import in_order
from .errors import ChannelError

if TYPE_CHECKING:
    from .http import ChannelHTTP

T = TypeVar("T", bound=Hashable)
R = TypeVar("R")


class PagingLoopError(ChannelError):
    """The channel's paging does not end; raised rather than reading forever."""


def count_json_list(response: httpx.Response) -> int:
    """Records on a page whose body is a JSON array (the common REST shape)."""
    data = response.json()
    return len(data) if isinstance(data, list) else 0


class Paginator(Generic[T]):
    """Base strategy: ``next_value`` returns the next token or None when done (the one hook)."""

    def __init__(self, start: T, *, max_pages: int = 10_000) -> None:
        self.current: T = start
        self.max_pages = max_pages
        self.pages = 0
        self.finished = False
        self._seen: set[T] = {start}

    def next_value(self, response: httpx.Response) -> T | None:
        raise NotImplementedError

    def request_args(self, path: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Where the current token goes in the next request; overridden per strategy."""
        return path, params

    def advance(self, response: httpx.Response) -> None:
        self.step(lambda: self.next_value(response))

    def step(self, next_value: Callable[[], T | None]) -> None:
        """One page done; ``next_value`` gives the next token (for pages that are not HTTP responses)."""
        if self.finished:
            raise RuntimeError("paginator already finished")
        self.pages += 1
        nxt = next_value()
        if nxt is None:
            self.finished = True
            return
        if nxt in self._seen:
            raise PagingLoopError(
                f"paging loops: the channel offered page token {nxt!r} again after {self.pages} pages"
            )
        if self.pages >= self.max_pages:
            raise PagingLoopError(f"paging did not end after {self.pages} pages (cap {self.max_pages})")
        self._seen.add(nxt)
        self.current = nxt


class PageNumberPaginator(Paginator[int]):
    """``?page=N``. Stops at the total-pages header if the channel sends one (WordPress:
    ``X-WP-TotalPages``), otherwise at a short or empty page."""

    def __init__(
        self,
        start: int = 1,
        *,
        param: str = "page",
        total_pages_header: str | None = None,
        page_size: int | None = None,
        records: Callable[[httpx.Response], int] = count_json_list,
        max_pages: int = 10_000,
    ) -> None:
        super().__init__(start, max_pages=max_pages)
        self.param = param
        self.total_pages_header = total_pages_header
        self.page_size = page_size
        self.records = records
        self.total_pages: int | None = None

    def request_args(self, path: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return path, {**params, self.param: self.current}

    def next_value(self, response: httpx.Response) -> int | None:
        header = response.headers.get(self.total_pages_header) if self.total_pages_header else None
        if header is not None and header.strip().isdigit():
            self.total_pages = int(header)
            return self.current + 1 if self.current < self.total_pages else None
        n = self.records(response)
        if n == 0 or (self.page_size is not None and n < self.page_size):
            return None
        return self.current + 1


class OffsetPaginator(Paginator[int]):
    """``?offset=K&limit=N``: the next offset until a page comes back short."""

    def __init__(
        self,
        page_size: int,
        *,
        start: int = 0,
        param: str = "offset",
        records: Callable[[httpx.Response], int] = count_json_list,
        max_pages: int = 10_000,
    ) -> None:
        super().__init__(start, max_pages=max_pages)
        self.page_size = page_size
        self.param = param
        self.records = records

    def request_args(self, path: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return path, {**params, self.param: self.current}

    def next_value(self, response: httpx.Response) -> int | None:
        return self._after(self.records(response))

    def advance_by(self, n: int) -> None:
        """One page of ``n`` records done (for pages that are not HTTP responses, e.g. JSON-RPC lists)."""
        self.step(lambda: self._after(n))

    def _after(self, n: int) -> int | None:
        return None if n < self.page_size else self.current + n


class CursorPaginator(Paginator[str | None]):
    """A next-token taken from the response (body field or header) and sent back as ``param``."""

    def __init__(
        self, token: Callable[[httpx.Response], str | None], *, param: str = "cursor", max_pages: int = 10_000
    ) -> None:
        super().__init__(None, max_pages=max_pages)
        self.token = token
        self.param = param

    def request_args(self, path: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return path, ({**params, self.param: self.current} if self.current else params)

    def next_value(self, response: httpx.Response) -> str | None:
        return self.token(response) or None


class LinkHeaderPaginator(Paginator[str | None]):
    """RFC 8288 ``Link: <url>; rel="next"``; the URL already carries every parameter."""

    def __init__(self, *, max_pages: int = 10_000) -> None:
        super().__init__(None, max_pages=max_pages)

    def request_args(self, path: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return (self.current, {}) if self.current else (path, params)

    def next_value(self, response: httpx.Response) -> str | None:
        return response.links.get("next", {}).get("url") or None


class GraphQLCursorPaginator(Paginator[str | None]):
    """A Relay-style GraphQL connection: ``advance`` takes the connection object (``edges``, ``pageInfo``)
    and the next page is asked for with ``after: <endCursor>``. A next page promised without a cursor, or a
    cursor offered again, raises PagingLoopError instead of reading the same page forever."""

    def __init__(self, *, variable: str = "after", max_pages: int = 10_000) -> None:
        super().__init__(None, max_pages=max_pages)
        self.variable = variable

    def variables(self, variables: Mapping[str, Any]) -> dict[str, Any]:
        return {**variables, self.variable: self.current}

    def next_value(self, response: Mapping[str, Any]) -> str | None:  # type: ignore[override]
        info = response.get("pageInfo") or {}
        if not info.get("hasNextPage"):
            return None
        cursor = info.get("endCursor")
        if not cursor:
            raise PagingLoopError(f"paging loops: hasNextPage without an endCursor after {self.pages} pages")
        return str(cursor)


def graphql_connections(
    fetch: Callable[[str | None], Mapping[str, Any]], paginator: GraphQLCursorPaginator | None = None
) -> Iterator[Mapping[str, Any]]:
    """Every page of a GraphQL connection in order; ``fetch(after)`` runs the query for one page and returns
    the connection object. The caller may change what ``fetch`` asks for between pages (page size)."""
    paginator = paginator or GraphQLCursorPaginator()
    while not paginator.finished:
        connection = fetch(paginator.current)
        yield connection
        paginator.advance(connection)  # type: ignore[arg-type]


def paginate(
    http: ChannelHTTP,
    path: str,
    paginator: Paginator[Any],
    *,
    params: dict[str, Any] | None = None,
    method: str = "GET",
) -> Iterator[httpx.Response]:
    """Every page's response in order; the caller maps records, the paginator only moves."""
    base = dict(params or {})
    while True:
        target, args = paginator.request_args(path, base)
        response = http.request(method, target, params=args)
        yield response
        paginator.advance(response)
        if paginator.finished:
            return


def paginate_numbered_then(
    http: ChannelHTTP,
    path: str,
    paginator: PageNumberPaginator,
    then: Callable[[httpx.Response], R],
    *,
    params: dict[str, Any] | None = None,
    concurrency: int = 1,
) -> Iterator[R]:
    """Like :func:`paginate`, with up to ``concurrency`` pages in flight once the first page has told how many
    there are (its total-pages header); without that header, or with a budget of 1, page after page. Each page
    comes back as ``then(page)``, in order, and ``paginator.current`` names the page just handed back. A page
    past the end (the listing shrank while it was read) comes back empty, as it would read one after another.

    ``then`` runs where the page was fetched, so the further requests a page needs (its refunds, its
    addresses) are in flight beside the other pages' instead of after each one in the reader. A ``then`` that
    requests must keep to one request at a time: the pages in flight are the connection's budget of parallel
    requests."""
    base = dict(params or {})
    first = paginator.current
    target, args = paginator.request_args(path, base)
    response = http.request("GET", target, params=args)
    yield then(response)
    paginator.advance(response)
    if paginator.finished:
        return
    if concurrency <= 1 or paginator.total_pages is None:
        while not paginator.finished:
            target, args = paginator.request_args(path, base)
            response = http.request("GET", target, params=args)
            yield then(response)
            paginator.advance(response)
        return
    last = paginator.total_pages
    if last - first + 1 > paginator.max_pages:
        raise PagingLoopError(f"the channel announces {last} pages (cap {paginator.max_pages})")

    def fetch(number: int) -> tuple[int, R]:
        return number, then(http.request("GET", path, params={**base, paginator.param: number}))

    for number, page in in_order(fetch, range(first + 1, last + 1), concurrency):
        paginator.current = number
        yield page
    paginator.finished = True
