"""Errors of the REST API: always JSON, always saying what is wrong and where (which field, in which part).

Every API route uses :class:`ApiRoute`, which turns errors raised anywhere in the request (the auth
dependency, parameter validation, the hub's own ``HubError``) into one JSON shape, without app-wide
exception handlers that would also catch the web UI's errors::

    {"ErrorMessage": "query parameter pageSize: must be at most 250", "ErrorCode": 400,
     "Error": "invalid_request", "Errors": [{"Field": "pageSize", "In": "query", "Message": "..."}]}
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from ...sync.hub import HubError

_PARTS = {"query": "query parameter", "path": "path parameter", "body": "body field", "header": "header"}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        where: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.errors = [{"Field": field, "In": where, "Message": message}] if field else []
        self.headers = headers or {}


def not_found(what: str, ident: Any) -> ApiError:
    return ApiError(404, "not_found", f"no {what} with id {ident}")


def error_response(
    status: int, code: str, message: str, errors: list[dict] | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"ErrorMessage": message, "ErrorCode": status, "Error": code, "Errors": errors or []},
        status_code=status,
        headers=headers,
    )


def _validation(exc: RequestValidationError) -> JSONResponse:
    errors: list[dict[str, Any]] = []
    for e in exc.errors():
        loc = [str(x) for x in e.get("loc", ())]
        where = loc[0] if loc else "body"
        field = ".".join(loc[1:]) or None
        message = e.get("msg", "invalid")
        if e.get("type") == "json_invalid":
            message = "the body is not valid JSON" + (f" ({e['ctx']['error']})" if e.get("ctx") else "")
        elif e.get("type") == "missing":
            message = "is required"
        elif e.get("type") == "extra_forbidden":
            message = "is not a known field"
        errors.append({"Field": field, "In": where, "Message": message})
    first: dict[str, Any] = errors[0] if errors else {"Field": None, "In": "request", "Message": "invalid request"}
    label = _PARTS.get(first["In"], first["In"])
    summary = f"{label} {first['Field']}: {first['Message']}" if first["Field"] else f"{label}: {first['Message']}"
    if len(errors) > 1:
        summary += f" (and {len(errors) - 1} more)"
    return error_response(400, "invalid_request", summary, errors)


_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


def _refuse_nul(request: Request) -> None:
    """No field holds a NUL character (PostgreSQL refuses it in text): say so before any query sees it."""
    for where, items in (("path", request.path_params.items()), ("query", request.query_params.multi_items())):
        for name, value in items:
            if "\x00" in name or (isinstance(value, str) and "\x00" in value):
                label = _PARTS[where]
                field = name.replace("\x00", "\\x00")[:100]
                raise ApiError(
                    400,
                    "invalid_request",
                    f"{label} {field}: contains a NUL character (%00), which no field may hold",
                    field=field,
                    where=where,
                )


class ApiRoute(APIRoute):
    def get_route_handler(self):
        handler = super().get_route_handler()

        async def handle(request: Request):
            try:
                _refuse_nul(request)
                auth = getattr(request.app.state, "api_auth", None)
                if auth is not None and request.method in _WITH_BODY:  # the key before the body is read
                    request.state.api_user = await run_in_threadpool(
                        auth.authenticate_header, request.headers.get("authorization", "")
                    )
                return await handler(request)
            except ApiError as exc:
                return error_response(exc.status, exc.code, exc.message, exc.errors, exc.headers)
            except RequestValidationError as exc:
                return _validation(exc)
            except HubError as exc:  # the hub refused a well-formed request, and says why
                return error_response(422, "unprocessable", " ".join(str(exc).split()))

        return handle
