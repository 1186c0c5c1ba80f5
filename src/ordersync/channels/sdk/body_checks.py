"""Errors inside a 200 answer, turned into the SDK's error classes so retries and pacing apply to them too.

GraphQL answers 200 with ``errors``, eBay's XML APIs 200 with ``<Ack>Failure</Ack>``, JSON-RPC and many
shop APIs 200 with ``{"success": false}``. A connector declares a :data:`BodyCheck` (a callable on the
response, usually built from one of the rules below) and :class:`~.http.ChannelHTTP` runs it on every 2xx
answer. What it returns decides, by class, what happens next, exactly as for an HTTP status:

* :class:`~.errors.RateLimited` (with ``retry_after``): waited out and repeated, pausing the operation's
  budget; a throttled answer proves nothing ran, so even a POST is repeated;
* :class:`~.errors.TransientError`: repeated with backoff when the request is safe to repeat;
* any other :class:`~.errors.ChannelError`: raised at once;
* ``None``: the answer is a result.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from .errors import ChannelError, PermanentError, RateLimited, TransientError
from .xml import InvalidXML, UnsafeXML, find_all, find_text, parse

BodyCheck = Callable[[httpx.Response], ChannelError | None]


def _json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content) if response.content else None
    except ValueError:
        return None


def json_flag(
    field: str = "success",
    *,
    failed_when: Any = False,
    message: str = "message",
    error: type[ChannelError] = PermanentError,
) -> BodyCheck:
    """``{"success": false, "message": "..."}``: the answer failed when ``field`` equals ``failed_when``."""

    def check(response: httpx.Response) -> ChannelError | None:
        body = _json(response)
        if not isinstance(body, dict) or field not in body or body[field] != failed_when:
            return None
        text = body.get(message) or f"{field} is {body[field]!r}"
        return error(
            f"the channel answered 200 but reports a failure: {text}", status=response.status_code, body=response.text
        )

    return check


def graphql_errors(
    codes: Mapping[str, type[ChannelError]] | None = None,
    *,
    default: type[ChannelError] = PermanentError,
    retry_after: Callable[[dict[str, Any]], float | None] | None = None,
) -> BodyCheck:
    """A GraphQL answer with top-level ``errors``: the class is looked up by ``extensions.code`` (first hit
    in ``codes`` wins), else ``default``. ``retry_after`` computes the wait of a throttled answer from the
    whole body (Shopify reports its bucket's level and restore rate)."""
    table = dict(codes or {})

    def check(response: httpx.Response) -> ChannelError | None:
        body = _json(response)
        errors = body.get("errors") if isinstance(body, dict) else None
        if not errors:
            return None
        items = errors if isinstance(errors, list) else [errors]
        found = [str((e.get("extensions") or {}).get("code", "")) for e in items if isinstance(e, dict)]
        kind = next((table[c] for c in found if c in table), default)
        messages = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in items)
        text = f"GraphQL errors ({', '.join(c for c in found if c) or 'no code'}): {messages}"
        if issubclass(kind, RateLimited):
            return kind(
                text,
                retry_after=retry_after(body) if retry_after else None,
                status=response.status_code,
                body=response.text,
            )
        return kind(text, status=response.status_code, body=response.text)

    return check


#: eBay's ErrorCode for "call usage limit reached"; SystemError classification means eBay's side failed.
EBAY_THROTTLE_CODES = frozenset({"518"})


def xml_ack(
    *,
    ack: str = "Ack",
    failures: frozenset[str] = frozenset({"Failure"}),
    throttle_codes: frozenset[str] = EBAY_THROTTLE_CODES,
    transient_classes: frozenset[str] = frozenset({"SystemError"}),
) -> BodyCheck:
    """An XML answer whose ``<Ack>`` says Failure (eBay Trading and its relatives). Each ``<Errors>``
    element with ``SeverityCode`` Error is weighed: a throttle code makes it RateLimited, an
    ``ErrorClassification`` in ``transient_classes`` a TransientError, anything else a PermanentError.
    A body that is not safe, well-formed XML is a TransientError (a proxy page, a cut-off answer)."""

    def check(response: httpx.Response) -> ChannelError | None:
        try:
            root = parse(response.content)
        except UnsafeXML as exc:
            return PermanentError(f"refused the channel's answer: {exc}", status=response.status_code)
        except InvalidXML as exc:
            return TransientError(
                f"the channel's XML answer is not well-formed: {exc}", status=response.status_code, body=response.text
            )
        if find_text(root, ack) not in failures:
            return None
        errors = [e for e in find_all(root, "Errors") if find_text(e, "SeverityCode", default="Error") == "Error"]
        codes = [find_text(e, "ErrorCode", default="") or "" for e in errors]
        messages = (
            "; ".join(
                f"{c}: {find_text(e, 'LongMessage') or find_text(e, 'ShortMessage') or ''}".strip(": ")
                for c, e in zip(codes, errors, strict=True)
            )
            or "no error detail"
        )
        text = f"the channel answered {ack} Failure: {messages}"
        if any(c in throttle_codes for c in codes):
            return RateLimited(text, retry_after=None, status=response.status_code, body=response.text)
        if errors and all(find_text(e, "ErrorClassification") in transient_classes for e in errors):
            return TransientError(text, status=response.status_code, body=response.text)
        return PermanentError(text, status=response.status_code, body=response.text)

    return check
