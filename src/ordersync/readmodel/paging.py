"""Pages of a read-model list: one shape and one check of the page parameters for every list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from ..sync.hub import HubError

MAX_PAGE_SIZE = 250
T = TypeVar("T")


@dataclass
class ResultPage(Generic[T]):
    rows: list[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def check_page(page: int, page_size: int) -> int:
    """The offset of ``page``; a HubError saying what is allowed when the parameters are not."""
    if page < 1:
        raise HubError(f"page {page} is not valid; pages start at 1")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise HubError(f"page size {page_size} is not valid; use 1 to {MAX_PAGE_SIZE}")
    return (page - 1) * page_size
