"""Etsy against its sandbox over loopback: the connection test (x-api-key with the shared secret, the shop
found through getMe), the import by modification time with offset pages and the window's count, the OAuth
consent with PKCE, tracking once, and a day's budget spent that stops the import quietly and resumes later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from ordersync.channels.etsy.connector import EtsyConnector
from ordersync.channels.sdk.connector import ConnectorContext
from ordersync.channels.sdk.errors import AuthError, PermanentError
from ordersync.channels.sdk.oauth2 import MemoryTokenStore
from ordersync.channels.sdk.oauth2_auth import TokenEndpoint, consent_url, pkce_pair
from ordersync.channels.sdk.records import OrderRef, Window
from ordersync.domain import Shipment


def everything() -> Window:
    return Window(None, datetime.now(UTC) + timedelta(minutes=5))


def test_connection_finds_the_shop_and_needs_the_shared_secret(served):
    sandbox, base_url = served
    good = EtsyConnector(sandbox.settings_for(base_url))
    result = good.test_connection()
    assert result.ok and "SandboxCeramics" in result.message and result.details["remaining_today"]
    assert good.context.state["shop_id"] == 41000001  # chosen after consent: the authorising user's shop
    bad = EtsyConnector({**sandbox.settings_for(base_url), "shared_secret": "wrong"})
    result = bad.test_connection()
    assert not result.ok and "keystring:shared secret" in result.message
    good.close()
    bad.close()


def test_receipts_are_read_by_modification_time_in_offset_pages(served):
    sandbox, base_url = served
    connector = EtsyConnector({**sandbox.settings_for(base_url), "page_size": 5})
    pages = list(connector.fetch_orders(everything()))
    assert [len(p.records) for p in pages] == [5, 5, 2] and {p.window_total for p in pages} == {12}
    stamps = [o.updated_at for p in pages for o in p.records]
    assert stamps == sorted(stamps)  # sort_on=updated, ascending
    newest = max(sandbox.receipts.values(), key=lambda r: r["updated_timestamp"])
    since = datetime.fromtimestamp(newest["updated_timestamp"], UTC)
    recent = [o.external_id for p in connector.fetch_orders(Window(since, datetime.now(UTC))) for o in p.records]
    assert recent == [str(newest["receipt_id"])]
    calls = [r for r in sandbox.requests.entries() if r["path"].endswith("/receipts")]
    assert "min_last_modified=" in calls[-1]["query"] and "sort_on=updated" in calls[-1]["query"]
    connector.close()


def test_the_consent_with_pkce_gives_tokens_that_import(served):
    sandbox, base_url = served
    settings = {**sandbox.settings_for(base_url), "refresh_token": ""}
    connector = EtsyConnector(settings)
    verifier, challenge = pkce_pair()
    url = consent_url(
        connector.oauth,
        connector.settings,
        redirect_uri="https://hub.example/oauth/callback/etsy",
        state="s1",
        code_challenge=challenge,
    )
    assert "code_challenge_method=S256" in url and "transactions_r" in url
    answer = httpx.get(url, follow_redirects=False)
    assert answer.status_code == 302
    code = httpx.URL(answer.headers["location"]).params["code"]
    endpoint = TokenEndpoint(connector.oauth, connector.settings)
    with pytest.raises(AuthError):  # the verifier is checked
        endpoint.authorization_code(code, "https://hub.example/oauth/callback/etsy", "not-the-verifier")
    answer = httpx.get(url, follow_redirects=False)
    code = httpx.URL(answer.headers["location"]).params["code"]
    tokens = endpoint.authorization_code(code, "https://hub.example/oauth/callback/etsy", verifier)
    endpoint.close()
    assert tokens.access_token.startswith("41000001.") and tokens.refresh_token and tokens.expires_at
    consented = EtsyConnector(settings, ConnectorContext(tokens=MemoryTokenStore(tokens)))
    assert len([o for p in consented.fetch_orders(everything()) for o in p.records]) == 12
    connector.close()
    consented.close()
    grants = [e["kind"] for e in sandbox.ledger.entries("token.*")]
    assert grants == ["token.authorization_code"]  # the consented tokens were used, no refresh token needed


def test_tracking_is_sent_once_and_the_us_rule_is_kept(served):
    sandbox, base_url = served
    connector = EtsyConnector(sandbox.settings_for(base_url))
    rid = str(sorted(sandbox.receipts)[0])
    first = connector.push_tracking(OrderRef(rid), Shipment(carrier="dhl", tracking_number="00340434161094042557"))
    again = connector.push_tracking(OrderRef(rid), Shipment(carrier="dhl", tracking_number="00340434161094042557"))
    assert first.ok and not first.already_done and again.already_done
    assert [e["body"] for e in sandbox.ledger.entries("receipt.shipment")] == [
        {"tracking_code": "00340434161094042557", "carrier_name": "dhl"}
    ]
    us = (
        next(r for r in sandbox.receipts.values() if r["country_iso"] == "US")
        if any(r["country_iso"] == "US" for r in sandbox.receipts.values())
        else None
    )
    if us is None:
        us = sandbox.receipts[sorted(sandbox.receipts)[1]]
        us.update(country_iso="US", grandtotal={"amount": 2500, "divisor": 100, "currency_code": "USD"})
    us["grandtotal"] = {"amount": 2500, "divisor": 100, "currency_code": "USD"}
    with pytest.raises(PermanentError, match="requires a tracking number"):
        connector.push_tracking(OrderRef(str(us["receipt_id"])), Shipment(carrier="usps", tracking_number=""))
    connector.close()


def test_a_days_budget_spent_stops_the_import_quietly_and_it_resumes_later(served):
    sandbox, base_url = served
    settings, store = {**sandbox.settings_for(base_url), "page_size": 4}, MemoryTokenStore()
    connector = EtsyConnector(settings, ConnectorContext(tokens=store))
    connector.test_connection()  # getMe, getShop: 2 calls of the day
    sandbox.control_orders({"limits": {"per_day": 3}})
    window = Window(datetime.now(UTC) - timedelta(days=40), datetime.now(UTC))
    pages = list(connector.fetch_orders(window))  # one page, then Etsy answers 429 for the rest of the day
    assert [len(p.records) for p in pages] == [4]
    state = connector.context.state
    assert state["day_budget"]["spent"] and state["resume_since"] == window.since.isoformat()
    result = connector.test_connection()
    assert not result.ok and "daily request budget" in result.message
    # x-remaining-today said 0 with the first page: nothing more was sent, not even a call to be refused
    assert [r["status"] for r in sandbox.requests.entries() if "/receipts" in r["path"]] == [200]
    connector.close()
    # a day later (here: the budget raised and the client's note of it forgotten) the next run starts where
    # the spent one stopped, even though the engine's window has moved on
    from ordersync.channels.etsy.client import DayQuota

    DayQuota._all.clear()
    sandbox.control_orders({"limits": {"per_day": 10_000}})
    later = EtsyConnector(settings, ConnectorContext(state=state, tokens=store))
    pages = list(later.fetch_orders(Window(datetime.now(UTC) - timedelta(minutes=1), datetime.now(UTC))))
    assert sum(len(p.records) for p in pages) == 12
    assert "resume_since" not in later.context.state and "day_budget" not in later.context.state
    later.close()


def test_the_sandbox_answers_429_with_etsys_limit_headers(served):
    sandbox, base_url = served
    connector = EtsyConnector(sandbox.settings_for(base_url))
    connector.test_connection()
    sandbox.control_orders({"limits": {"per_second": 1}})
    headers = {
        "x-api-key": "sandboxkeystring01:sandboxsecret",
        "authorization": "Bearer " + connector.client.http.client.auth.token().access_token,
    }
    answers = [httpx.get(f"{base_url}/v3/application/users/me", headers=headers) for _ in range(3)]
    refused = [a for a in answers if a.status_code == 429]
    assert refused and refused[0].json() == {"error": "You have exceeded your quota"}
    assert {
        "retry-after",
        "x-limit-per-second",
        "x-remaining-this-second",
        "x-limit-per-day",
        "x-remaining-today",
    } <= set(refused[0].headers)
    connector.close()


def test_a_page_size_beyond_etsys_maximum_is_refused_at_the_field(served):
    from ordersync.channels.sdk.settings import SettingsError

    sandbox, base_url = served
    with pytest.raises(SettingsError, match="page_size"):
        EtsyConnector({**sandbox.settings_for(base_url), "page_size": 101})


def test_the_sandbox_refuses_a_tree_whose_products_do_not_match_on_property(served):
    sandbox, base_url = served
    connector = EtsyConnector(sandbox.settings_for(base_url))
    tree = connector.client.inventory("7003")
    body = {
        "products": [
            {"sku": "X", "property_values": [], "offerings": [{"price": 1.0, "quantity": 1, "is_enabled": True}]}
        ],
        "quantity_on_property": tree["quantity_on_property"],
    }
    with pytest.raises(PermanentError, match="on_property"):
        connector.client.put_inventory("7003", body)
    assert sandbox.listings[7003]["inventory"] == tree  # nothing replaced
    connector.close()


def test_a_push_that_meets_a_spent_day_waits_for_it_without_calling(served):
    from ordersync.channels.etsy.client import DayBudgetSpent
    from ordersync.channels.sdk.errors import RateLimited

    sandbox, base_url = served
    connector = EtsyConnector(sandbox.settings_for(base_url))
    connector.test_connection()
    connector.client.quota.spent_for(3600)
    before = len(sandbox.requests.entries())
    with pytest.raises(RateLimited) as caught:  # the dispatcher reschedules it after retry_after
        connector.push_tracking(
            OrderRef(str(sorted(sandbox.receipts)[0])), Shipment(carrier="dhl", tracking_number="1")
        )
    assert isinstance(caught.value, DayBudgetSpent) and caught.value.retry_after > 3500
    assert len(sandbox.requests.entries()) == before
    connector.close()


def test_a_revoked_grant_marks_the_token_store_and_imports_nothing(served):
    from ordersync.channels.sdk.oauth2 import ReauthorizationNeeded

    sandbox, base_url = served
    store = MemoryTokenStore()
    connector = EtsyConnector(sandbox.settings_for(base_url), ConnectorContext(tokens=store))
    assert connector.test_connection().ok
    sandbox.conform_revoke_token({})  # the seller removed the app's access on Etsy
    with pytest.raises(ReauthorizationNeeded):
        list(connector.fetch_orders(everything()))
    assert store.problem and "invalid_grant" in store.problem
    connector.close()
