"""Hold recorded sandbox exchanges to a vendor's OpenAPI (3.x) or Swagger (2.0) document with openapi-core.

A contract test turns recording on (``sandbox.exchanges.recording = True``), runs the real connector against
the served sandbox, and asks ``exchange_problems`` for every request the connector sent and every answer the
sandbox gave that the vendor's document does not allow. Both sides are checked at once: a connector that
sends a parameter the vendor does not know and a sandbox that answers a shape the vendor never sends fail
alike. Security requirements are not checked (the sandbox checks its own auth, the vendor documents often
name a scheme the platform no longer uses); everything else is: the path and method, path, query and header
parameters, the request body, the status code, the answer's media type and body.

Swagger 2.0 documents (Amazon SP-API, Magento) are converted to OpenAPI 3.0 first, just enough for
validation: definitions, body and form parameters, produces/consumes, collection formats, ``x-nullable``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from copy import deepcopy
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

HOST = "http://sandbox.test"


@cache
def load_spec(path: Path) -> Any:
    """The document at ``path`` (JSON or YAML) as an openapi-core ``OpenAPI`` object; cached per process."""
    from openapi_core import Config, OpenAPI

    text = Path(path).read_text(encoding="utf-8")
    raw = json.loads(text) if str(path).endswith(".json") else _yaml(text)
    doc = swagger2_to_openapi3(raw) if str(raw.get("swagger", "")).startswith("2") else deepcopy(raw)
    doc["servers"] = [{"url": HOST + _base_path(raw)}]
    _strip_security(doc)
    # the vendors' own documents are not always valid OpenAPI (Etsy's has `default: null` on non-nullable
    # arrays): validate exchanges against them as they are, without judging the document itself
    # structured JSON types a vendor produces (Amazon's Messaging API: application/hal+json) read as JSON
    extra = {"application/hal+json": json.loads}
    return OpenAPI.from_dict(doc, config=Config(spec_validator_cls=None, extra_media_type_deserializers=extra))


def _yaml(text: str) -> dict[str, Any]:
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _base_path(raw: Mapping[str, Any]) -> str:
    """Where the document's paths start: Swagger's basePath, or the path of OpenAPI's first server URL."""
    if "swagger" in raw:
        return str(raw.get("basePath") or "").rstrip("/")
    servers = raw.get("servers") or [{"url": ""}]
    url = str(servers[0].get("url", ""))
    for name, var in (servers[0].get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(var.get("default", "")))
    if "://" in url:
        url = "/" + url.split("://", 1)[1].partition("/")[2]
    return url.rstrip("/")


def _strip_security(doc: dict[str, Any]) -> None:
    doc.pop("security", None)
    for item in (doc.get("paths") or {}).values():
        for op in item.values() if isinstance(item, dict) else ():
            if isinstance(op, dict):
                op.pop("security", None)


def exchange_problems(
    spec: Any, exchanges: Iterable[Mapping[str, Any]], *, base_path: str = "", under: str | None = None
) -> list[str]:
    """Every way the recorded ``exchanges`` break ``spec``, one line each (the same problem on the same
    operation is reported once). ``base_path`` is where the sandbox serves the document's paths (what the
    vendor's server URL or basePath carries, e.g. ``/rest/default``); only exchanges whose path starts with
    ``under`` (default: ``base_path``) are checked, so one run can be held to several documents."""
    from openapi_core.testing import MockRequest, MockResponse

    prefix = base_path.rstrip("/")
    scope = prefix if under is None else under
    seen: set[tuple[str, str]] = set()
    problems: list[str] = []
    for ex in exchanges:
        path = str(ex["path"])
        if not path.startswith(scope) or not path.startswith(prefix):
            continue
        spec_path = _base_path_of(spec) + path[len(prefix) :]
        where = f"{ex['method']} {path}" + (f"?{ex['query']}" if ex.get("query") else "")
        request = MockRequest(
            HOST,
            str(ex["method"]).lower(),
            spec_path,
            args=_args(str(ex.get("query") or "")),
            headers=dict(ex.get("request_headers") or {}),
            data=str(ex.get("request_body") or "").encode() or None,
            content_type=_mime((ex.get("request_headers") or {}).get("content-type", "")),
        )
        for stage, errors in (("request", _errors(spec.iter_request_errors(request))),):
            for error in errors:
                _add(problems, seen, where, stage, error)
        if ex.get("status") is None:
            _add(problems, seen, where, "response", "the sandbox sent no answer")
            continue
        response = MockResponse(
            str(ex.get("response_body") or "").encode(),
            status_code=int(ex["status"]),
            headers=dict(ex.get("response_headers") or {}),
            content_type=_mime((ex.get("response_headers") or {}).get("content-type", "")),
        )
        for error in _errors(spec.iter_response_errors(request, response)):
            _add(problems, seen, where, f"response {ex['status']}", error)
    return problems


def _base_path_of(spec: Any) -> str:
    return str(spec.spec["servers"][0]["url"])[len(HOST) :]


def _args(query: str) -> Any:
    from werkzeug.datastructures import ImmutableMultiDict

    return ImmutableMultiDict(parse_qsl(query, keep_blank_values=True))


def _mime(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip() or "application/json"


def _errors(found: Iterable[Exception]) -> list[str]:
    out = []
    for exc in found:
        details = [str(e) for e in getattr(exc, "schema_errors", None) or ()]
        cause = exc.__cause__
        while cause is not None and not details:
            details = [str(e).split("\n", 1)[0] for e in getattr(cause, "schema_errors", None) or ()]
            cause = cause.__cause__ if not details else None
            if not details and cause is not None:
                details = [str(cause).split("\n", 1)[0]]
        out.append(f"{exc}" + (f": {'; '.join(details[:3])}" if details else ""))
    return out


def _add(problems: list[str], seen: set[tuple[str, str]], where: str, stage: str, error: str) -> None:
    key = (where.split("?", 1)[0], error)
    if key not in seen:
        seen.add(key)
        problems.append(f"{where}: {stage}: {error}")


# Swagger 2.0 -> OpenAPI 3.0 (what validation needs) ----------------------------------------------------------
_PARAM_KEYS = (
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
)


def swagger2_to_openapi3(raw: Mapping[str, Any]) -> dict[str, Any]:
    doc = _refs(deepcopy(dict(raw)))
    produces, consumes = doc.get("produces") or ["application/json"], doc.get("consumes") or ["application/json"]
    shared_params = doc.get("parameters") or {}
    out: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": doc.get("info") or {"title": "converted", "version": "0"},
        "paths": {},
        "components": {"schemas": _schemas(doc.get("definitions") or {})},
    }
    for path, item in (doc.get("paths") or {}).items():
        common = [_resolve_param(p, shared_params) for p in item.get("parameters", [])]
        new_item: dict[str, Any] = {}
        for method, op in item.items():
            if method == "parameters" or not isinstance(op, dict):
                continue
            params = {(p.get("in"), p.get("name")): p for p in common}
            params.update(
                {
                    (p.get("in"), p.get("name")): p
                    for p in (_resolve_param(q, shared_params) for q in op.get("parameters", []))
                }
            )
            new_item[method] = _operation(
                op, list(params.values()), op.get("produces") or produces, op.get("consumes") or consumes
            )
        out["paths"][path] = new_item
    return out


def _refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: (
                v.replace("#/definitions/", "#/components/schemas/") if k == "$ref" and isinstance(v, str) else _refs(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_refs(v) for v in node]
    return node


def _schemas(definitions: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _schema(s) for name, s in definitions.items()}


def _schema(node: Any) -> Any:
    """Swagger 2.0 schema quirks in OpenAPI 3.0 terms: ``x-nullable``, string discriminators, ``type: file``."""
    if isinstance(node, list):
        return [_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _schema(v) for k, v in node.items() if k not in ("x-nullable", "discriminator")}
    if node.get("x-nullable"):
        out["nullable"] = True
    if isinstance(node.get("discriminator"), str):
        out["discriminator"] = {"propertyName": node["discriminator"]}
    if out.get("type") == "file":
        out.update(type="string", format="binary")
    return out


def _resolve_param(param: Mapping[str, Any], shared: Mapping[str, Any]) -> dict[str, Any]:
    ref = param.get("$ref", "")
    if ref.startswith("#/parameters/"):
        return dict(shared[ref.rsplit("/", 1)[1]])
    return dict(param)


def _operation(
    op: Mapping[str, Any], params: list[dict[str, Any]], produces: list[str], consumes: list[str]
) -> dict[str, Any]:
    new: dict[str, Any] = {
        k: v for k, v in op.items() if k in ("operationId", "summary", "description", "tags", "deprecated")
    }
    plain = [p for p in params if p.get("in") not in ("body", "formData")]
    new["parameters"] = [_parameter(p) for p in plain]
    body = next((p for p in params if p.get("in") == "body"), None)
    form = [p for p in params if p.get("in") == "formData"]
    if body is not None:
        new["requestBody"] = {
            "required": bool(body.get("required")),
            "content": {m: {"schema": _schema(body.get("schema") or {})} for m in consumes},
        }
    elif form:
        schema = {
            "type": "object",
            "properties": {p["name"]: _schema({k: p[k] for k in _PARAM_KEYS if k in p}) for p in form},
            "required": [p["name"] for p in form if p.get("required")],
        }
        if not schema["required"]:
            del schema["required"]
        mimes = [m for m in consumes if "form" in m] or ["application/x-www-form-urlencoded"]
        new["requestBody"] = {"content": {m: {"schema": schema} for m in mimes}}
    new["responses"] = {str(code): _response(resp, produces) for code, resp in (op.get("responses") or {}).items()}
    return new


def _parameter(p: Mapping[str, Any]) -> dict[str, Any]:
    schema = _schema({k: p[k] for k in _PARAM_KEYS if k in p})
    out: dict[str, Any] = {
        "name": p["name"],
        "in": p["in"],
        "required": bool(p.get("required") or p["in"] == "path"),
        "schema": schema,
    }
    fmt = p.get("collectionFormat", "csv")
    if p.get("type") == "array":
        if fmt == "multi":
            out.update(style="form", explode=True)
        elif fmt == "csv":
            out.update(style="form" if p["in"] == "query" else "simple", explode=False)
        elif fmt == "pipes":
            out.update(style="pipeDelimited", explode=False)
        elif fmt == "ssv":
            out.update(style="spaceDelimited", explode=False)
    return out


def _response(resp: Mapping[str, Any], produces: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"description": resp.get("description", "")}
    if resp.get("schema") is not None:
        out["content"] = {m: {"schema": _schema(resp["schema"])} for m in produces}
    if resp.get("headers"):
        out["headers"] = {
            name: {"schema": _schema({k: h[k] for k in _PARAM_KEYS if k in h})} for name, h in resp["headers"].items()
        }
    return out
