"""Parameters and envelopes shared by the API's routers (Billbee's paging envelope, strict timestamps)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, field_validator

from ...domain.timeutil import parse_utc
from ...readmodel.paging import MAX_PAGE_SIZE  # noqa: F401 - the API's limit is the read model's
from .errors import ApiError

# Ids are PostgreSQL integers (SQLite's are wider): a larger one names nothing, and saying so beats a 500.
MAX_ID = 2**31 - 1
MAX_PAGE = 1_000_000  # page × pageSize stays far inside any offset a database takes
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="an id (1 to 2147483647)")]


def when(value: str | None, field: str) -> datetime | None:
    """An ISO 8601 timestamp with its offset (Z or +01:00); one without is refused rather than guessed."""
    if value is None or value == "":
        return None
    try:
        return parse_utc(value, where=field)
    except ValueError as exc:
        raise ApiError(
            400,
            "invalid_request",
            f"query parameter {exc}; write e.g. 2026-03-01T09:00:00Z",
            field=field,
            where="query",
        ) from None


def paged(rows: list[dict[str, Any]], *, page: int, page_size: int, total: int) -> dict[str, Any]:
    pages = max(1, -(-total // page_size))
    return {
        "Paging": {"Page": page, "TotalPages": pages, "TotalRows": total, "PageSize": page_size},
        "ErrorMessage": None,
        "ErrorCode": 0,
        "Data": rows,
    }


def result(data: Any) -> dict[str, Any]:
    return {"ErrorMessage": None, "ErrorCode": 0, "Data": data}


class ApiBody(BaseModel):
    """Every request body's base: no text in it holds a NUL (PostgreSQL refuses it) or a lone surrogate
    (JSON's "\\ud800", which no database can encode), so such input is a 400 naming the field."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        _check_text(value)
        return value


def _check_text(value: Any) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("contains a NUL character, which no field may hold")
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            raise ValueError("contains an unpaired UTF-16 surrogate (e.g. \\ud800), which is not text")
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_text(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
