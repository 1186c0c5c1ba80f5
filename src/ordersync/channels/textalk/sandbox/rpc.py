"""The JSON-RPC 2.0 side of the sandbox: envelope validation, context checks and the Order methods.

Strict on purpose, so a connector mistake fails here rather than in a seller's shop:

* the envelope (JSON-RPC 2.0 spec): body not JSON → -32700 with id null; not a request object, ``jsonrpc``
  other than "2.0", a method that is not a string, an id that is not a string/number/null, or params that
  are neither array nor object → -32600; an empty batch → one -32600; requests without ``id`` are
  notifications and get no answer; a batch is answered by an array;
* unknown method → -32601; Textalk's methods take positional params (ASSUMED: every documented example is
  an array), so an object or a wrong arity/type → -32602 with ``data`` as ``[{message, pointer}]``, the
  documented form;
* the context (documented codes): no ``webshop`` → 1001, another webshop → 1002, a ``language`` that is
  not two lowercase letters → 1003, no or a wrong ``auth`` token → 1004 (order data is admin-only).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

NOT_GIVEN = object()
ORDER_SORT_KEYS = ("uid", "orderNumber", "ordered", "changed")
DATE_FILTERS = ("/ordered", "/changed")
ORDER_FILTERS = ("/uid", *DATE_FILTERS)
MAX_LIMIT = 1000  # ASSUMED cap; Textalk documents none


class Fault(Exception):
    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code, self.message, self.data = code, message, data

    def error(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            body["data"] = self.data
        return body


def invalid(message: str, pointer: str) -> Fault:
    return Fault(-32602, "Invalid params", [{"message": message, "pointer": pointer}])


def envelope_error(ident: Any, fault: Fault) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "error": fault.error(), "id": ident}


def _valid_id(ident: Any) -> bool:
    return ident is None or (isinstance(ident, (str, int, float)) and not isinstance(ident, bool))


def handle_one(request: Any, call: Callable[[str, list[Any]], Any]) -> dict[str, Any] | None:
    """The answer to one request object, or None for a notification."""
    if not isinstance(request, dict):
        return envelope_error(None, Fault(-32600, "Invalid Request"))
    ident = request.get("id", NOT_GIVEN)
    answer_id = ident if ident is not NOT_GIVEN and _valid_id(ident) else None
    params = request.get("params", [])
    if (
        request.get("jsonrpc") != "2.0"
        or not isinstance(request.get("method"), str)
        or (ident is not NOT_GIVEN and not _valid_id(ident))
        or not isinstance(params, (list, dict))
    ):
        return envelope_error(answer_id, Fault(-32600, "Invalid Request"))
    try:
        if isinstance(params, dict):
            raise invalid("params must be an array (positional parameters)", "")
        result = call(request["method"], params)
    except Fault as fault:
        return None if ident is NOT_GIVEN else envelope_error(answer_id, fault)
    return None if ident is NOT_GIVEN else {"jsonrpc": "2.0", "result": result, "id": ident}


# --- parameter readers ------------------------------------------------------------------------------


def arity(params: list[Any], least: int, most: int) -> None:
    if not least <= len(params) <= most:
        raise invalid(f"expected {least}{'' if least == most else f' to {most}'} parameters, got {len(params)}", "")


def uid_param(value: Any, pointer: str) -> int:
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.isdigit())):
        raise invalid("must be a uid (an integer)", pointer)
    return int(value)


def fields_param(value: Any, known: set[str], pointer: str) -> dict[str, Any] | None:
    """A field selection: true (every field) or {property: true | language code}. None = everything."""
    if value is True:
        return None
    if not isinstance(value, dict):
        raise invalid("must be true or an object selecting properties", pointer)
    for key, want in value.items():
        if key not in known:
            raise invalid(f"unknown property {key!r}", f"{pointer}/{key}")
        if not (want is True or (isinstance(want, str) and len(want) == 2 and want.isalpha())):
            raise invalid("must be true or a two-letter language code", f"{pointer}/{key}")
    return value


def project(record: dict[str, Any], fields: dict[str, Any] | None) -> dict[str, Any]:
    if fields is None:
        return dict(record)
    out = {}
    for key, want in fields.items():
        value = record.get(key)
        out[key] = {want: value.get(want)} if isinstance(want, str) and isinstance(value, dict) else value
    return out


def _stamp(value: Any, pointer: str) -> float:
    if not isinstance(value, str):
        raise invalid("must be an ISO 8601 date and time", pointer)
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise invalid("must be an ISO 8601 date and time", pointer) from None
    if when.tzinfo is None:
        raise invalid("needs a timezone (e.g. Z)", pointer)
    return when.timestamp()


def filters_param(value: Any, pointer: str) -> list[tuple[str, float | None, float | None]]:
    """{"/changed": {"min": iso, "max": iso}, "/uid": {"min": n, "max": n}} → (pointer, lo, hi), inclusive."""
    if value is None:
        return []
    if not isinstance(value, dict):
        raise invalid("filters must be an object", pointer)
    out = []
    for key, condition in value.items():
        where = f"{pointer}/{key.lstrip('/')}" if isinstance(key, str) else pointer
        if key not in ORDER_FILTERS:
            raise invalid(f"cannot filter on {key!r}", where)
        if not isinstance(condition, dict) or not condition or set(condition) - {"min", "max"}:
            raise invalid("condition must be an object with min and/or max", where)
        read = (lambda v, p: _stamp(v, p)) if key in DATE_FILTERS else (lambda v, p: float(uid_param(v, p)))
        lo = read(condition["min"], f"{where}/min") if "min" in condition else None
        hi = read(condition["max"], f"{where}/max") if "max" in condition else None
        out.append((key, lo, hi))
    return out


def selection_param(value: Any, pointer: str) -> dict[str, Any]:
    """The documented list selection: filters, limit, offset, sort, descending."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise invalid("list selection must be an object", pointer)
    unknown = set(value) - {"filters", "limit", "offset", "sort", "descending"}
    if unknown:
        raise invalid(f"unknown key {sorted(unknown)[0]!r}", f"{pointer}/{sorted(unknown)[0]}")
    limit, offset = value.get("limit", MAX_LIMIT), value.get("offset", 0)
    for name, number, low in (("limit", limit, 1), ("offset", offset, 0)):
        if isinstance(number, bool) or not isinstance(number, int) or number < low:
            raise invalid(f"{name} must be an integer >= {low}", f"{pointer}/{name}")
    if limit > MAX_LIMIT:
        raise invalid(f"limit must be at most {MAX_LIMIT}", f"{pointer}/limit")
    sort = value.get("sort", "uid")
    if sort not in ORDER_SORT_KEYS:
        raise invalid(f"cannot sort on {sort!r}; use one of {', '.join(ORDER_SORT_KEYS)}", f"{pointer}/sort")
    descending = value.get("descending", False)
    if not isinstance(descending, bool):
        raise invalid("descending must be true or false", f"{pointer}/descending")
    return {
        "filters": filters_param(value.get("filters"), f"{pointer}/filters"),
        "limit": limit,
        "offset": offset,
        "sort": sort,
        "descending": descending,
    }
