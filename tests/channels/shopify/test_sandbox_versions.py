"""The sandbox serves every Admin API version Shopify serves on a given day, as Shopify's versioning page says.

Stable versions are quarterly (YYYY-01/04/07/10, released 17:00 UTC on the quarter's first day) and supported
for 12 months; a retired one falls forward to the oldest supported; the next quarter's is the release
candidate; ``unstable`` always exists; anything else is 404. ``X-Shopify-API-Version`` names what was served.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from ordersync.channels.sdk.serving import serve_in_thread
from ordersync.channels.shopify import queries
from ordersync.channels.shopify.sandbox import create_sandbox
from ordersync.channels.shopify.sandbox.versions import release_candidate, resolve, supported

DAY = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def test_on_2026_12_05_four_stable_versions_are_supported_and_2027_01_is_the_candidate() -> None:
    assert supported(DAY) == ["2026-01", "2026-04", "2026-07", "2026-10"]
    assert release_candidate(DAY) == "2027-01"


def test_a_new_version_arrives_at_17_utc_on_the_quarters_first_day_and_retires_the_oldest() -> None:
    before = datetime(2027, 1, 1, 16, 59, tzinfo=UTC)
    after = datetime(2027, 1, 1, 17, 0, tzinfo=UTC)
    assert supported(before)[-1] == "2026-10" and resolve("2026-01", before) == "2026-01"
    assert supported(after) == ["2026-04", "2026-07", "2026-10", "2027-01"]
    assert resolve("2026-01", after) == "2026-04"


@pytest.mark.parametrize(
    ("requested", "served"),
    [
        ("2026-01", "2026-01"),
        ("2026-10", "2026-10"),
        ("2027-01", "2027-01"),
        ("unstable", "unstable"),
        ("2025-10", "2026-01"),
        ("2025-01", "2026-01"),
        ("2019-04", "2026-01"),
        ("2019-01", None),
        ("2025-02", None),
        ("2027-04", None),
        ("2031-01", None),
        ("latest", None),
        ("2026-1", None),
    ],
)
def test_what_is_served_for_each_requested_version(requested: str, served: str | None) -> None:
    assert resolve(requested, DAY) == served


@pytest.fixture(scope="module")
def shop():
    sandbox = create_sandbox(seed=5, orders=3, products=3)
    sandbox.now = lambda: DAY.timestamp()  # the versions follow the sandbox's clock
    with serve_in_thread(sandbox.app) as server:
        yield sandbox, server.base_url
    sandbox.close()


def _post(shop, version: str) -> httpx.Response:
    sandbox, base = shop
    return httpx.post(
        f"{base}/admin/api/{version}/graphql.json",
        json={"query": queries.SHOP},
        headers={"X-Shopify-Access-Token": sandbox.access_token},
        timeout=30,
    )


@pytest.mark.parametrize("version", ["2026-01", "2026-04", "2026-07", "2026-10", "2027-01", "unstable"])
def test_every_served_version_answers_and_names_itself(shop, version: str) -> None:
    response = _post(shop, version)
    assert response.status_code == 200 and response.json()["data"]["shop"]["name"]
    assert response.headers["X-Shopify-API-Version"] == version


def test_a_retired_version_falls_forward_to_the_oldest_supported_one(shop) -> None:
    response = _post(shop, "2025-01")
    assert response.status_code == 200 and response.json()["data"]["shop"]["name"]
    assert response.headers["X-Shopify-API-Version"] == "2026-01"


@pytest.mark.parametrize("version", ["2025-02", "2035-01", "v1", "2019-01"])
def test_an_unknown_version_is_not_found(shop, version: str) -> None:
    response = _post(shop, version)
    assert response.status_code == 404 and "X-Shopify-API-Version" not in response.headers


def test_a_wrong_token_on_a_served_version_still_names_the_version(shop) -> None:
    sandbox, base = shop
    response = httpx.post(
        f"{base}/admin/api/2026-04/graphql.json",
        json={"query": queries.SHOP},
        headers={"X-Shopify-Access-Token": "shpat_nope"},
        timeout=30,
    )
    assert response.status_code == 401 and response.headers["X-Shopify-API-Version"] == "2026-04"


def test_webhooks_name_the_version_their_subscription_is_served_in(shop, receiver) -> None:
    """A subscription made through a retired version is served (and its webhooks sent) as the oldest supported."""
    sandbox, base = shop
    response = httpx.post(
        f"{base}/admin/api/2025-07/graphql.json",
        timeout=30,
        headers={"X-Shopify-Access-Token": sandbox.access_token},
        json={
            "query": queries.WEBHOOK_CREATE,
            "variables": {
                "topic": "ORDERS_CREATE",
                "webhookSubscription": {"callbackUrl": receiver.url, "format": "JSON"},
            },
        },
    )
    assert response.json()["data"]["webhookSubscriptionCreate"]["userErrors"] == []
    sandbox.control_orders({"create": 1})
    assert sandbox.webhooks.wait_idle()
    sent = [d for d in sandbox.webhooks.deliveries() if d["url"] == receiver.url]
    assert sent and {d["headers"]["x-shopify-api-version"] for d in sent} == {"2026-01"}
