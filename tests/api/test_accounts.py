"""Users, roles, argon2 passwords, API keys, login throttling and the first start."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ordersync import accounts
from ordersync.accounts import throttle
from ordersync.store.models_accounts import ApiKey, LoginAttempt, User
from ordersync.sync.hub import HubError

PW = "correct horse battery"


def test_create_and_authenticate(hub):
    user = accounts.create_user(hub, "Eva@Example.com ", PW, "owner", "eva-shop")
    assert user.email == "eva@example.com" and user.role == "owner" and user.account_name == "eva-shop"
    assert user.locale == "en" and accounts.is_owner(user) and accounts.can_write(user)
    assert accounts.authenticate(hub, "eva@example.com", PW) == user
    assert accounts.authenticate(hub, "eva@example.com", PW + "x") is None
    assert accounts.authenticate(hub, "nobody@example.com", PW) is None
    with hub.db.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("$argon2id$") and PW not in stored
    assert accounts.get_user(hub, user.id) == user and accounts.get_user(hub, 999) is None


@pytest.mark.parametrize(
    "email,password,role,message",
    [
        ("not-an-address", PW, "staff", "not an e-mail address"),
        ("a@b.example", PW, "admin", "unknown role 'admin'"),
        ("a@b.example", "short", "staff", "at least 10 characters"),
    ],
)
def test_bad_input_is_refused_with_a_reason(hub, email, password, role, message):
    with pytest.raises(HubError, match=message):
        accounts.create_user(hub, email, password, role)


def test_duplicate_email_and_default_account(hub):
    first = accounts.create_user(hub, "a@b.example", PW, "staff")
    assert first.account_id == hub.account_id()  # None → the only/default account
    with pytest.raises(HubError, match="already exists"):
        accounts.create_user(hub, "A@b.example", PW, "readonly", "other")
    ro = accounts.create_user(hub, "ro@b.example", PW, "readonly")
    assert not accounts.can_write(ro) and not accounts.is_owner(ro)


def test_change_password_and_locale(hub):
    user = accounts.create_user(hub, "a@b.example", PW, "staff")
    with pytest.raises(HubError, match="current password is not correct"):
        accounts.change_password(hub, user.id, "wrong one!!", "a new password")
    with pytest.raises(HubError, match="too short"):
        accounts.change_password(hub, user.id, PW, "short")
    accounts.change_password(hub, user.id, PW, "a new password")
    assert accounts.authenticate(hub, "a@b.example", "a new password") is not None
    assert accounts.authenticate(hub, "a@b.example", PW) is None
    accounts.set_locale(hub, user.id, "de")
    assert accounts.get_user(hub, user.id).locale == "de"
    with pytest.raises(HubError, match="unknown language 'fr'"):
        accounts.set_locale(hub, user.id, "fr")


def test_roles_keep_an_owner(hub):
    owner = accounts.create_user(hub, "o@b.example", PW, "owner")
    with pytest.raises(HubError, match="at least one owner"):
        accounts.set_role(hub, owner.account_id, owner.id, "staff")
    with pytest.raises(HubError, match="last owner"):
        accounts.delete_user(hub, owner.account_id, owner.id)
    other = accounts.create_user(hub, "x@b.example", PW, "staff", "elsewhere")
    with pytest.raises(HubError, match="no user with id"):  # another account's user is invisible
        accounts.set_role(hub, owner.account_id, other.id, "readonly")
    assert [u.email for u in accounts.list_users(hub, owner.account_id)] == ["o@b.example"]


def test_api_keys_are_stored_hashed_shown_once_and_revocable(hub):
    user = accounts.create_user(hub, "a@b.example", PW, "staff")
    key = accounts.create_api_key(hub, "a@b.example", "erp")
    assert key.startswith("osk_") and len(key) > 40
    with hub.db.session() as s:
        row = s.scalar(select(ApiKey))
    assert key not in (row.key_hash, row.prefix) and key.startswith(row.prefix)
    assert accounts.user_for_api_key(hub, key) == user
    assert accounts.user_for_api_key(hub, key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    assert accounts.user_for_api_key(hub, "") is None
    (info,) = accounts.list_api_keys(hub, user.id)
    assert info.label == "erp" and info.prefix == row.prefix and info.last_used_at is not None
    other = accounts.create_user(hub, "b@b.example", PW, "staff")
    with pytest.raises(HubError, match="no active API key"):
        accounts.revoke_api_key(hub, other.id, info.id)  # not theirs
    accounts.revoke_api_key(hub, user.id, info.id)
    assert accounts.user_for_api_key(hub, key) is None and accounts.list_api_keys(hub, user.id) == []
    with pytest.raises(HubError, match="no user with the e-mail"):
        accounts.create_api_key(hub, "ghost@b.example")


def test_login_throttling_slows_repeated_failures(hub):
    accounts.create_user(hub, "a@b.example", PW, "staff")
    for _ in range(throttle.FREE_FAILURES - 1):
        accounts.record_login(hub, "a@b.example", "10.0.0.1", False)
    assert accounts.login_wait(hub, "a@b.example", "10.0.0.1") == 0
    accounts.record_login(hub, "a@b.example", "10.0.0.1", False)
    first = accounts.login_wait(hub, "a@b.example", "10.0.0.1")
    assert 0 < first <= 1
    for _ in range(4):
        accounts.record_login(hub, "a@b.example", "10.0.0.2", False)
    assert accounts.login_wait(hub, "a@b.example", "10.0.0.9") > 8  # per e-mail, from any address
    assert accounts.login_wait(hub, "other@b.example", "10.0.0.9") == 0
    # failures older than the window no longer count
    with hub.db.session() as s:
        for row in s.scalars(select(LoginAttempt)):
            row.at -= throttle.WINDOW + timedelta(seconds=1)
    assert accounts.login_wait(hub, "a@b.example", "10.0.0.1") == 0


def test_a_success_resets_the_count_and_spraying_one_address_is_slowed(hub):
    for _ in range(6):
        accounts.record_login(hub, "a@b.example", "10.0.0.1", False)
    accounts.record_login(hub, "a@b.example", "10.0.0.1", True)
    assert accounts.login_wait(hub, "a@b.example", "10.0.0.1") == 0
    for i in range(throttle.FREE_FAILURES_PER_IP + 3):
        accounts.record_login(hub, f"user{i}@b.example", "10.6.6.6", False)
    assert accounts.login_wait(hub, "fresh@b.example", "10.6.6.6") > 3
    assert accounts.login_wait(hub, "fresh@b.example", "10.0.0.7") == 0


def test_first_start_creates_one_owner(hub, monkeypatch):
    monkeypatch.delenv("ORDERSYNC_ADMIN_EMAIL", raising=False)
    message = accounts.first_start(hub)
    assert message.startswith(f"Log in at {hub.config.base_url}/ as owner@localhost with password ")
    assert message.endswith("change it under Account.")
    password = message.split("with password ", 1)[1].split(";", 1)[0]
    user = accounts.authenticate(hub, "owner@localhost", password)
    assert user.role == "owner" and user.account_id == hub.account_id()
    assert accounts.first_start(hub) is None


def test_first_start_honours_the_admin_email(hub, monkeypatch):
    monkeypatch.setenv("ORDERSYNC_ADMIN_EMAIL", "Chef@Shop.example")
    assert " as chef@shop.example " in accounts.first_start(hub)
