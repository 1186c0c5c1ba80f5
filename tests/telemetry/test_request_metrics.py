"""Each web process times its requests by route template and counts its server errors (telemetry.metrics)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

from ordersync.telemetry.metrics import registry
from ordersync.web.requestmetrics import RequestMetrics


def sample(name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


def app_with_routes() -> FastAPI:
    app = FastAPI()

    @app.get("/things/{thing_id}")
    def thing(thing_id: int) -> dict:
        return {"id": thing_id}

    @app.get("/unavailable")
    def unavailable() -> PlainTextResponse:
        return PlainTextResponse("later", status_code=503)

    @app.get("/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_middleware(RequestMetrics)
    return app


def test_requests_are_timed_by_route_template_and_server_errors_counted():
    client = TestClient(app_with_routes(), raise_server_exceptions=False)
    before = {
        "thing": sample(
            "ordersync_http_request_duration_seconds_count", method="GET", route="/things/{thing_id}", status="200"
        ),
        "unavailable": sample("ordersync_http_request_errors_total", method="GET", route="/unavailable"),
        "broken": sample("ordersync_http_request_errors_total", method="GET", route="/broken"),
        "missing": sample(
            "ordersync_http_request_duration_seconds_count", method="GET", route="unmatched", status="404"
        ),
        "odd": sample("ordersync_http_request_duration_seconds_count", method="other", route="unmatched", status="404"),
    }
    for thing_id in (1, 2, 3):
        assert client.get(f"/things/{thing_id}").status_code == 200
    assert client.get("/unavailable").status_code == 503
    assert client.get("/broken").status_code == 500
    assert client.get("/no/such/page/4711").status_code == 404
    assert client.request("BREW", "/no/such/pot").status_code == 404

    assert (
        sample("ordersync_http_request_duration_seconds_count", method="GET", route="/things/{thing_id}", status="200")
        - before["thing"]
        == 3
    )  # one series for the route, not one per id
    assert (
        sample("ordersync_http_request_errors_total", method="GET", route="/unavailable") - before["unavailable"] == 1
    )
    assert sample("ordersync_http_request_errors_total", method="GET", route="/broken") - before["broken"] == 1
    assert (
        sample("ordersync_http_request_duration_seconds_count", method="GET", route="unmatched", status="404")
        - before["missing"]
        == 1
    )
    assert (
        sample("ordersync_http_request_duration_seconds_count", method="other", route="unmatched", status="404")
        - before["odd"]
        == 1
    )
    assert sample("ordersync_http_request_errors_total", method="GET", route="/things/{thing_id}") == 0
