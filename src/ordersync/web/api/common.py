"""Parameters and envelopes shared by the API's routers (Billbee's paging envelope, strict timestamps)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...domain.timeutil import parse_utc
from ...readmodel.paging import MAX_PAGE_SIZE  # noqa: F401 - the API's limit is the read model's
from .errors import ApiError



def when(value: str | None, field: str) -> datetime | None:
    """An ISO 8601 timestamp with its offset (Z or +01:00); one without is refused rather than guessed."""
    if value is None or value == "":
        return None
    try:
        return parse_utc(value, where=field)
    except ValueError as exc:
        raise ApiError(400, "invalid_request", f"query parameter {exc}; write e.g. 2026-03-01T09:00:00Z",
                       field=field, where="query") from None


def paged(rows: list[dict[str, Any]], *, page: int, page_size: int, total: int) -> dict[str, Any]:
    pages = max(1, -(-total // page_size))
    return {"Paging": {"Page": page, "TotalPages": pages, "TotalRows": total, "PageSize": page_size},
            "ErrorMessage": None, "ErrorCode": 0, "Data": rows}


def result(data: Any) -> dict[str, Any]:
    return {"ErrorMessage": None, "ErrorCode": 0, "Data": data}
