"""The contract helper itself: recorded exchanges are held to OpenAPI 3 and Swagger 2.0 documents, and a
request or answer that breaks the document is reported with where and what (so a contract test that uses it
can fail)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from contract.openapi_exchanges import exchange_problems, load_spec
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ordersync.channels.sdk.sandbox import Sandbox
from ordersync.channels.sdk.serving import serve_in_thread

ORDER = {
    "type": "object",
    "required": ["id", "total"],
    "properties": {"id": {"type": "integer"}, "total": {"type": "string"}},
}
OAS3 = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "servers": [{"url": "https://x.example/api/v2"}],
    "security": [{"key": []}],
    "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "x-key"}}},
    "paths": {
        "/orders/{id}": {
            "get": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                    {"name": "fields", "in": "query", "schema": {"type": "string", "enum": ["all", "short"]}},
                ],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": ORDER}}}},
            }
        }
    },
}
SWAGGER2 = {
    "swagger": "2.0",
    "info": {"title": "t", "version": "1"},
    "basePath": "/rest/default",
    "definitions": {
        "order": ORDER,
        "comment": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
    },
    "paths": {
        "/V1/orders/{id}/comments": {
            "post": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "type": "integer"},
                    {"name": "body", "in": "body", "required": True, "schema": {"$ref": "#/definitions/comment"}},
                ],
                "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/order"}}},
            }
        }
    },
}


class TinyShop(Sandbox):
    system = "tinyshop"

    def __init__(self, total: object) -> None:
        super().__init__()
        self.total = total

    def routes(self) -> list:
        async def order(request: Request) -> JSONResponse:
            return JSONResponse({"id": int(request.path_params["id"]), "total": self.total})

        async def comment(request: Request) -> JSONResponse:
            await request.body()
            return JSONResponse({"id": int(request.path_params["id"]), "total": self.total})

        return [
            Route("/api/v2/orders/{id}", order),
            Route("/rest/default/V1/orders/{id}/comments", comment, methods=["POST"]),
        ]


@pytest.fixture
def docs(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "v3.json").write_text(json.dumps(OAS3))
    (tmp_path / "v2.json").write_text(json.dumps(SWAGGER2))
    return tmp_path / "v3.json", tmp_path / "v2.json"


def run(total: object, calls) -> list[dict]:
    sandbox = TinyShop(total)
    sandbox.exchanges.recording = True
    server = serve_in_thread(sandbox.app)
    try:
        with httpx.Client(base_url=server.base_url) as client:
            calls(client)
            assert client.get("/_sandbox/exchanges").json() == sandbox.exchanges.entries()
        return sandbox.exchanges.entries()
    finally:
        server.stop()
        sandbox.close()


def test_exchanges_that_keep_to_both_documents_pass(docs):
    v3, v2 = docs
    exchanges = run(
        "12.50",
        lambda c: (
            c.get("/api/v2/orders/7", params={"fields": "all"}),
            c.post("/rest/default/V1/orders/7/comments", json={"text": "hi"}),
        ),
    )
    assert [e["status"] for e in exchanges] == [200, 200]
    assert exchanges[1]["request_body"] == '{"text":"hi"}'
    assert exchange_problems(load_spec(v3), exchanges, base_path="/api/v2") == []
    assert exchange_problems(load_spec(v2), exchanges, base_path="/rest/default") == []


def test_a_bad_request_and_a_bad_answer_are_each_named(docs):
    v3, v2 = docs
    exchanges = run(
        12.5,
        lambda c: (
            c.get("/api/v2/orders/7", params={"fields": "everything"}),
            c.post("/rest/default/V1/orders/7/comments", json={"txt": "hi"}),
            c.get("/api/v2/customers/7"),
        ),
    )
    v3_problems = exchange_problems(load_spec(v3), exchanges, base_path="/api/v2")
    assert any("GET /api/v2/orders/7?fields=everything: request" in p and "fields" in p for p in v3_problems), (
        v3_problems
    )
    assert any("GET /api/v2/orders/7" in p and "response 200" in p and "12.5" in p for p in v3_problems), v3_problems
    assert any(p.startswith("GET /api/v2/customers/7: request") for p in v3_problems), v3_problems
    v2_problems = exchange_problems(load_spec(v2), exchanges, base_path="/rest/default")
    assert any("POST /rest/default/V1/orders/7/comments: request" in p and "text" in p for p in v2_problems), (
        v2_problems
    )
    assert all("/api/v2" not in p for p in v2_problems)


def test_nothing_is_kept_while_recording_is_off():
    sandbox = TinyShop("1.00")
    server = serve_in_thread(sandbox.app)
    try:
        with httpx.Client(base_url=server.base_url) as client:
            client.get("/api/v2/orders/1")
            assert client.post("/_sandbox/exchanges", json={"record": True}).json() == {"recording": True}
            client.get("/api/v2/orders/2")
        assert [e["path"] for e in sandbox.exchanges.entries()] == ["/api/v2/orders/2"]
    finally:
        server.stop()
        sandbox.close()
