"""The owner's user management: add a colleague (typed or made-up first password), change a role, remove;
the last owner stays, nobody removes themselves, and only owners get the page at all."""

from __future__ import annotations

import re

from ordersync import accounts

from .conftest import PASSWORD, Browser


def _made_up(page: str) -> str:
    return re.search(r"<code class=\"key\" data-copy>([^<]+)</code>", page).group(1)


def test_an_owner_adds_a_colleague_who_can_log_in_with_the_role_given(hub, app, browser, owner):
    r = browser.post("/settings/users", {"email": "Lager@A.example", "role": "staff", "password": ""})
    assert r.status_code == 200 and "lager@a.example can now log in." in r.text
    first = _made_up(r.text)
    assert len(first) >= 16 and first not in browser.get("/settings/users").text  # shown once
    colleague = Browser(app)
    colleague.login("lager@a.example", first)
    added = accounts.find_user(hub, "lager@a.example")
    assert (added.account_id, added.role) == (owner.account_id, "staff")
    assert colleague.get("/settings/users").status_code == 403  # staff do not manage users
    assert "/settings/users" not in colleague.get("/orders").text  # nor see the menu entry
    r = browser.post("/settings/users", {"email": "chefin@a.example", "role": "owner", "password": PASSWORD})
    assert r.status_code == 200 and "data-copy" not in r.text  # a typed password is not shown back
    assert accounts.authenticate(hub, "chefin@a.example", PASSWORD).role == "owner"


def test_bad_input_is_explained_and_keeps_what_was_typed(browser, owner):
    r = browser.post("/settings/users", {"email": "not-an-address", "role": "staff"})
    assert r.status_code == 400 and "Enter a valid e-mail address." in r.text and 'value="not-an-address"' in r.text
    r = browser.post("/settings/users", {"email": owner.email, "role": "staff"})
    assert r.status_code == 400 and "A user with this e-mail address exists already." in r.text
    r = browser.post("/settings/users", {"email": "x@a.example", "role": "admin"})
    assert r.status_code == 400 and "Choose a role." in r.text
    r = browser.post("/settings/users", {"email": "x@a.example", "role": "staff", "password": "short"})
    assert r.status_code == 400 and "Choose a password of at least 10 characters." in r.text


def test_roles_change_and_users_go_but_the_last_owner_stays(hub, app, browser, owner):
    staff = accounts.create_user(hub, "staff@a.example", PASSWORD, "staff", account_name="A")
    colleague = Browser(app)
    colleague.login(staff.email)
    assert browser.post(f"/settings/users/{staff.id}/role", {"role": "readonly"}).status_code == 303
    assert accounts.get_user(hub, staff.id).role == "readonly"
    assert colleague.post("/orders/bulk/state", {"state": "3"}).status_code == 403  # at once, same session
    r = browser.post(f"/settings/users/{owner.id}/role", {"role": "staff"})
    assert r.status_code == 400 and "The account needs at least one owner." in r.text
    r = browser.post(f"/settings/users/{owner.id}/delete")
    assert r.status_code == 400 and "You cannot remove yourself." in r.text
    key = accounts.create_api_key(hub, staff.email, "scanner")
    assert accounts.user_for_api_key(hub, key) is not None
    assert browser.post(f"/settings/users/{staff.id}/delete").status_code == 303
    assert accounts.get_user(hub, staff.id) is None
    assert accounts.user_for_api_key(hub, key) is None  # their keys went with them
    assert colleague.get("/orders").status_code == 303  # logged out
    assert accounts.get_user(hub, owner.id).role == "owner"


def test_the_page_is_in_german_for_a_german_owner(hub, browser, owner):
    accounts.set_locale(hub, owner.id, "de")
    page = browser.get("/settings/users").text
    assert "Benutzer hinzufügen" in page and "Inhaber" in page and "Erstes Passwort" in page
