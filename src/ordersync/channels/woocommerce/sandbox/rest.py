"""The request pipeline every ``/wp-json/wc/v3`` route runs through, in WordPress's order:
authentication errors, then argument validation (400), then the permission check (401 for an anonymous
caller), then the handler. Item routes let an anonymous caller through to a 404 when the id does not exist,
as WooCommerce's permission checks only look at existing objects.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from starlette.requests import Request
from starlette.responses import Response

from .params import WCError, php_query, validate
from .store import bound, dump

if TYPE_CHECKING:
    from .app import WooSandbox

API = "/wp-json/wc/v3"
_DENIED = {
    "list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "view": ("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."),
    "edit": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "create": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "delete": ("woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."),
    "batch": ("woocommerce_rest_cannot_batch", "Sorry, you are not allowed to batch manipulate this resource."),
}


@dataclass
class Ctx:
    request: Request
    args: dict[str, Any]
    body: Any
    site: str

    def id(self, name: str = "id") -> int:
        return int(self.request.path_params[name])

    @property
    def path(self) -> str:
        return self.request.url.path


def respond(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    content = data if isinstance(data, bytes) else dump(data)
    return Response(content, status, headers=headers, media_type="application/json; charset=UTF-8")


def invalid_id(code: str, status: int, message: str = "Invalid ID.") -> WCError:
    return WCError(status, code, message)


def _parse_body(request: Request, raw: bytes) -> tuple[Any, dict, WCError | None]:
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/x-www-form-urlencoded"):
        form = php_query(raw.decode("utf-8", "replace"))
        return form, form, None
    if raw.strip() and "json" in ctype:
        try:
            return json.loads(raw), {}, None
        except ValueError:
            return (
                None,
                {},
                WCError(
                    400,
                    "rest_invalid_json",
                    "Invalid JSON body passed.",
                    json_error_code=4,
                    json_error_message="Syntax error",
                ),
            )
    return None, {}, None


Handler = Callable[["WooSandbox", Ctx], Awaitable[Response]]
Entry = tuple[str, dict | None, Handler, Callable[["WooSandbox", Request], bool] | None]


def endpoint(sb: WooSandbox, table: dict[str, Entry]) -> Callable:
    async def run(request: Request) -> Response:
        entry = table.get("GET" if request.method == "HEAD" else request.method)
        try:
            if entry is None:
                raise WCError(404, "rest_no_route", "No route was found matching the URL and request method.")
            action, spec, handler, exists = entry
            raw = await request.body()
            body, form, json_error = _parse_body(request, raw)
            query = php_query(request.url.query)
            path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1").split("?")[0]
            authed = sb.auth.authenticate(
                method=request.method,
                scheme=request.url.scheme,
                host=request.headers.get("host", ""),
                path=path,
                query=query,
                form=form,
                headers=dict(request.headers),
            )
            if json_error:
                raise json_error
            values = {**query, **form, **(body if isinstance(body, dict) else {})}
            args = validate(spec, values) if spec else {}
            if not authed and action != "public" and (exists is None or exists(sb, request)):
                code, message = _DENIED[action]
                raise WCError(401, code, message)
            return await handler(sb, Ctx(request, args, body, sb.site(request)))
        except WCError as exc:
            headers = (
                {
                    "WWW-Authenticate": 'Basic realm="WooCommerce API. Use a consumer key in the username '
                    'field and a consumer secret in the password field."'
                }
                if exc.message == "Consumer secret is invalid."
                else None
            )
            return respond(exc.body(), exc.status, headers)

    return run


def paginate(ctx: Ctx, ids: list[int]) -> tuple[list[int], dict[str, str]]:
    """One page plus X-WP-Total, X-WP-TotalPages and the Link header (query kept, page replaced)."""
    per_page, page, offset = ctx.args["per_page"], ctx.args["page"], ctx.args.get("offset")
    start = max(0, offset) if offset is not None else (page - 1) * per_page
    total, pages = len(ids), -(-len(ids) // per_page)
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    base, links = f"{ctx.site}{ctx.path}", []
    if page > 1:
        links.append(f'<{base}?{link_query(ctx, min(page - 1, pages))}>; rel="prev"')
    if pages > page:
        links.append(f'<{base}?{link_query(ctx, page + 1)}>; rel="next"')
    if links:
        headers["Link"] = ", ".join(links)
    return ids[start : start + per_page], headers


def _php_encode(key: str, value: Any) -> list[str]:
    """One parameter as ``urlencode_deep`` then ``_http_build_query`` write it: true is "1", false "",
    a list becomes ``key%5B0%5D=...`` (brackets always encoded), values are urlencoded (space is "+")."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [part for i, v in enumerate(value) for part in _php_encode(f"{key}%5B{i}%5D", v)]
    if isinstance(value, bool):
        value = "1" if value else ""
    return [f"{key}={quote_plus(str(value)).replace('~', '%7E')}"]


def link_query(ctx: Ctx, page: int) -> str:
    """The query of a Link header as WordPress builds it: the request's query parameters in their order,
    each declared one as it was sanitised (``status=any`` comes back as ``status%5B0%5D=any``,
    ``dates_are_gmt=true`` as ``dates_are_gmt=1``), with ``page`` replaced where it stood or appended."""
    raw = php_query(ctx.request.url.query)
    values = {k: ctx.args.get(k, v) for k, v in raw.items()}
    values["page"] = page
    return "&".join(part for k, v in values.items() for part in _php_encode(quote_plus(k), v))


def windows(args: dict[str, Any]) -> dict[str, int]:
    out = {}
    for name in ("after", "before", "modified_after", "modified_before"):
        if args.get(name):
            try:
                out[name] = bound(args[name], args.get("dates_are_gmt", False))
            except ValueError:
                raise WCError(
                    400,
                    "rest_invalid_param",
                    f"Invalid parameter(s): {name}",
                    params={name: "Invalid date."},
                    details={name: {"code": "rest_invalid_date", "message": "Invalid date.", "data": None}},
                ) from None
    return out


def links(site: str, path: str, collection: str, up: str | None = None) -> dict[str, Any]:
    links = {"self": [{"href": f"{site}{API}{path}"}], "collection": [{"href": f"{site}{API}{collection}"}]}
    return links | ({"up": [{"href": f"{site}{API}{up}"}]} if up else {})


def join(items: list[bytes]) -> bytes:
    return b"[" + b",".join(items) + b"]"
