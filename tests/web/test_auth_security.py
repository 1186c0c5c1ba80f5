"""Login, logout, throttling, CSRF, cookies, security headers, language, password and API keys."""

from __future__ import annotations

from dataclasses import replace

from ordersync import accounts
from ordersync.domain.timeutil import utcnow
from ordersync.store.models_accounts import LoginAttempt
from ordersync.sync.hub import Hub
from ordersync.web.app import create_app
from ordersync.web.ui.security import COOKIE

from .conftest import PASSWORD, Browser


def test_pages_need_a_login_and_come_back_after_it(app, owner):
    b = Browser(app)
    r = b.get("/orders?state=3")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/orders%3Fstate%3D3"
    b.get("/login")
    r = b.post("/login", {"email": owner.email, "password": PASSWORD, "next": "/orders?state=3"})
    assert r.status_code == 303 and r.headers["location"] == "/orders?state=3"
    assert b.get("/orders").status_code == 200


def test_wrong_password_is_refused_and_an_outside_next_is_ignored(app, owner):
    b = Browser(app)
    b.get("/login")
    r = b.post("/login", {"email": owner.email, "password": "not the password"})
    assert r.status_code == 401 and "E-mail address or password is wrong." in r.text
    r = b.post("/login", {"email": owner.email, "password": PASSWORD, "next": "//evil.example/x"})
    assert r.headers["location"] == "/orders"


def test_login_is_throttled_after_repeated_failures(app, hub, owner):
    now = utcnow()
    with hub.db.session() as s:
        s.add_all([LoginAttempt(email=owner.email, ip="10.0.0.1", at=now, ok=False) for _ in range(10)])
    b = Browser(app)
    b.get("/login")
    r = b.post("/login", {"email": owner.email, "password": PASSWORD})  # right password, still too soon
    assert r.status_code == 429 and "Too many failed attempts" in r.text
    assert "uid" not in r.headers.get("set-cookie", "") and b.get("/orders").status_code == 303


def test_every_post_needs_the_csrf_token(browser, owner):
    r = browser.post("/account/keys", {"label": "x"}, csrf=False)
    assert r.status_code == 403 and "This form has expired" in r.text
    r = browser.client.post("/account/keys", data={"label": "x", "csrf": "forged"})
    assert r.status_code == 403
    assert browser.post("/account/keys", {"label": "x"}).status_code == 200


def test_session_cookie_flags_and_security_headers(app, owner):
    b = Browser(app)
    r = b.get("/login")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(COOKIE + "=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on loopback: a Secure cookie would never come back
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    assert "<script>" not in r.text and " on" + "click=" not in r.text  # no inline script for the CSP to allow


def test_cookie_is_secure_behind_https(hub_config, owner, hub):
    https_hub = Hub(replace(hub_config, base_url="https://orders.example.com"), hub.db, hub.secrets)
    r = Browser(create_app(https_hub)).get("/login")
    assert "Secure" in r.headers["set-cookie"]
    assert r.headers["strict-transport-security"].startswith("max-age=")


def test_api_and_webhooks_get_no_cookie(app):
    b = Browser(app)
    r = b.client.get("/healthz")
    assert r.status_code == 200 and "set-cookie" not in r.headers


def test_sessions_survive_a_restart_because_the_key_comes_from_the_master_key(hub, browser):
    restarted = Browser(create_app(hub))
    restarted.client.cookies = browser.client.cookies
    assert restarted.get("/orders").status_code == 200


def test_a_tampered_cookie_is_no_session(app, browser):
    value = browser.client.cookies.get(COOKIE)
    browser.client.cookies.set(COOKIE, value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert browser.get("/orders").status_code == 303


def test_logout_ends_the_session(browser):
    assert browser.post("/logout").status_code == 303
    assert browser.get("/orders").status_code == 303


def test_a_copied_cookie_stops_working_after_logout(app, browser, owner):
    """The session is a signed cookie: without a server-side stamp a copy taken before logout stays valid."""
    thief = Browser(app)
    thief.client.cookies.set(COOKIE, browser.client.cookies.get(COOKIE))
    assert thief.get("/orders").status_code == 200
    assert browser.post("/logout").status_code == 303
    assert thief.get("/orders").status_code == 303
    browser.login(owner.email)  # a new login works again
    assert browser.get("/orders").status_code == 200


def test_language_is_stored_per_user(hub, browser, owner):
    assert 'lang="en"' in browser.get("/orders").text
    r = browser.post("/language", {"lang": "de", "next": "/orders"})
    assert r.headers["location"] == "/orders"
    assert accounts.get_user(hub, owner.id).locale == "de"
    page = browser.get("/orders").text
    assert 'lang="de"' in page and "Bestellungen" in page and "Einstellungen / Shops" in page
    other = Browser(create_app(hub))
    other.login(owner.email)
    assert "Bestellungen" in other.get("/orders").text  # a new login finds the user's language


def test_login_page_follows_the_browser_language_until_chosen(app):
    b = Browser(app)
    assert "Anmelden" in b.get("/login", headers={"accept-language": "de-DE,de;q=0.9"}).text
    assert "Log in" in b.get("/login", headers={"accept-language": "en-US"}).text
    b.post("/language", {"lang": "de", "next": "/login"})
    assert "Anmelden" in b.get("/login", headers={"accept-language": "en-US"}).text


def test_password_change(hub, app, browser, owner):
    elsewhere = Browser(app)
    elsewhere.login(owner.email)
    r = browser.post("/account/password", {"old": PASSWORD, "new": "a new password 1", "again": "different"})
    assert r.status_code == 400 and "The two new passwords differ." in r.text
    r = browser.post(
        "/account/password", {"old": "wrong old one", "new": "a new password 1", "again": "a new password 1"}
    )
    assert r.status_code == 400 and "The current password is not correct." in r.text
    r = browser.post("/account/password", {"old": PASSWORD, "new": "a new password 1", "again": "a new password 1"})
    assert r.status_code == 303
    assert accounts.authenticate(hub, owner.email, "a new password 1") is not None
    assert browser.get("/orders").status_code == 200  # this browser stays logged in
    assert elsewhere.get("/orders").status_code == 303  # every other session ends with the old password


def test_api_key_is_shown_once_and_can_be_revoked(hub, browser, owner):
    r = browser.post("/account/keys", {"label": "Warehouse"})
    keys = accounts.list_api_keys(hub, owner.id)
    assert len(keys) == 1 and keys[0].label == "Warehouse"
    shown = r.text.split("data-copy>")[1].split("<")[0]
    assert accounts.user_for_api_key(hub, shown).id == owner.id
    assert shown not in browser.get("/account").text  # never again
    assert browser.post(f"/account/keys/{keys[0].id}/revoke").status_code == 303
    assert accounts.list_api_keys(hub, owner.id) == []
