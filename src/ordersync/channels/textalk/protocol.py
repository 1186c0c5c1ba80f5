"""JSON-RPC 2.0 as Textalk/Abicart speaks it: building calls, reading answers, classifying errors.

Pure functions shared by the client and its tests (the sandbox implements the server side on its own).

Facts (developer.abicart.se, "JSON-RPC 2.0" and "Errors"): requests are POSTed as
``{"jsonrpc": "2.0", "method": "Class.method", "params": [...], "id": n}``; instance methods take the
instance's uid as their first parameter; the standard codes -32700, -32600, -32601, -32602 (whose ``data``
may be a list of ``{message, pointer}`` or a string), -32603 and -32000..-32099 are used, plus Textalk's
own 1001 webshop missing, 1002 invalid webshop, 1003 invalid language, 1004 bad auth token, 1005 bad
session token, 1006 forbidden, 1007 secure connection required, 1008 session missing.

Assumed (not documented publicly): errors come with HTTP status 200 like any JSON-RPC answer; a non-2xx
status is still handled by ``ChannelHTTP``'s table.
"""

from __future__ import annotations

import json
from typing import Any

from ..sdk.errors import AuthError, ChannelError, PermanentError, TransientError

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS, INTERNAL_ERROR = -32700, -32600, -32601, -32602, -32603
WEBSHOP_MISSING, INVALID_WEBSHOP, INVALID_LANGUAGE, BAD_AUTH_TOKEN = 1001, 1002, 1003, 1004
BAD_SESSION_TOKEN, FORBIDDEN, SECURE_CONNECTION_REQUIRED, SESSION_MISSING = 1005, 1006, 1007, 1008

#: code -> (error class, what the seller should do)
_ERRORS: dict[int, tuple[type[ChannelError], str]] = {
    PARSE_ERROR: (PermanentError, "Textalk could not parse the request"),
    INVALID_REQUEST: (PermanentError, "Textalk rejected the request as invalid"),
    METHOD_NOT_FOUND: (PermanentError, "Textalk does not know this API method"),
    INVALID_PARAMS: (PermanentError, "Textalk rejected the parameters"),
    INTERNAL_ERROR: (TransientError, "Textalk had an internal error"),
    WEBSHOP_MISSING: (AuthError, "no webshop id was sent; set 'webshop' in the connection"),
    INVALID_WEBSHOP: (AuthError, "Textalk does not know this webshop id; check 'webshop' in the connection"),
    INVALID_LANGUAGE: (PermanentError, "Textalk does not accept the language; check 'language'"),
    BAD_AUTH_TOKEN: (
        AuthError,
        "the API token was not accepted (deactivated or mistyped?); create a new API key "
        "under Settings → External connections → API keys and update the connection",
    ),
    BAD_SESSION_TOKEN: (AuthError, "the session token was not accepted"),
    FORBIDDEN: (AuthError, "the API token lacks the permission for this call (orders must be readable)"),
    SECURE_CONNECTION_REQUIRED: (PermanentError, "Textalk requires https; use an https endpoint"),
    SESSION_MISSING: (AuthError, "this call needs a session"),
}


def error_for(method: str, error: Any) -> ChannelError:
    """The SDK error for a JSON-RPC error object, carrying ``rpc_code`` and ``rpc_data``. Unknown server errors (-32099..-32000) are transient,
    other unknown codes are permanent (repeating the same call will not change the answer)."""
    if not isinstance(error, dict):
        return TransientError(f"{method}: malformed JSON-RPC error {str(error)[:200]!r}")
    code = error.get("code")
    message = str(error.get("message") or "").strip()
    data = error.get("data")
    detail = _detail(data)
    kind: type[ChannelError]
    if isinstance(code, bool) or not isinstance(code, int):
        kind, advice = TransientError, "malformed JSON-RPC error"
    elif code in _ERRORS:
        kind, advice = _ERRORS[code]
    elif -32099 <= code <= -32000:
        kind, advice = TransientError, "Textalk server error"
    else:
        kind, advice = PermanentError, "Textalk refused the call"
    text = f"{method}: {advice} (JSON-RPC error {code}: {message or 'no message'}{'; ' + detail if detail else ''})"
    exc = kind(text, body=json.dumps(error, default=str)[:2000])
    exc.rpc_code = code  # type: ignore[attr-defined]
    exc.rpc_data = data  # type: ignore[attr-defined]
    return exc


def _detail(data: Any) -> str:
    """-32602's data: a string, or a list of {message, pointer} naming where validation failed."""
    if isinstance(data, str):
        return data[:300]
    if isinstance(data, list):
        parts = [f"{d.get('pointer', '')}: {d.get('message', '')}".strip(": ") for d in data if isinstance(d, dict)]
        return "; ".join(p for p in parts if p)[:300]
    return ""


def request(method: str, params: list[Any], ident: int) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "method": method, "params": params, "id": ident}


def result_of(method: str, answer: Any, ident: int) -> Any:
    """The ``result`` of one response object, or the classified error. A response that is not a JSON-RPC
    2.0 answer to our id is transient: a proxy or a broken backend produced it, not Textalk's API."""
    if not isinstance(answer, dict) or answer.get("jsonrpc") != "2.0":
        raise TransientError(f"{method}: the answer is not a JSON-RPC 2.0 response: {str(answer)[:200]!r}")
    if "error" in answer and answer["error"] is not None:
        raise error_for(method, answer["error"])
    if answer.get("id") != ident:
        raise TransientError(f"{method}: the answer is for request id {answer.get('id')!r}, not {ident}")
    if "result" not in answer:
        raise TransientError(f"{method}: the answer has neither result nor error")
    return answer["result"]


def parse_body(method: str, body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise TransientError(f"{method}: {len(body)} bytes that are not JSON") from None


def results_of_batch(calls: list[tuple[str, int]], answer: Any) -> list[Any]:
    """Results of a batch in the order of ``calls``; answers may come in any order (JSON-RPC 2.0, 6).
    A call refused for itself (a permanent error other than auth) is returned as its error, so one bad
    record does not sink its page; auth and transient errors are raised (the batch is repeated whole)."""
    if isinstance(answer, dict):  # a single error object: the batch as such was refused
        return [result_of(calls[0][0] if calls else "batch", answer, -1)]
    if not isinstance(answer, list):
        raise TransientError(f"batch: the answer is not a JSON array: {str(answer)[:200]!r}")
    by_id = {a.get("id"): a for a in answer if isinstance(a, dict)}
    out: list[Any] = []
    for method, ident in calls:
        if ident not in by_id:
            raise TransientError(f"batch: no answer for {method} (id {ident})")
        try:
            out.append(result_of(method, by_id[ident], ident))
        except PermanentError as exc:
            if isinstance(exc, AuthError):
                raise
            out.append(exc)
    return out
