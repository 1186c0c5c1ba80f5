"""Users of an account and their roles. An e-mail address is unique in the hub: a login names no account.

Roles: ``owner`` manages users, API keys and connections; ``staff`` works on orders and stock;
``readonly`` only looks. ``can_write`` and ``is_owner`` are the only role checks the web app and the API use.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.timeutil import utcnow
from ..hub import Hub, HubError
from ..roles import LOCALES, ROLES
from ..store.models import Account
from ..store.models_accounts import User
from . import passwords

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


@dataclass(frozen=True)
class UserInfo:
    id: int
    account_id: int
    account_name: str
    email: str
    role: str
    locale: str


def can_write(user: UserInfo) -> bool:
    return user.role in ("owner", "staff")


def is_owner(user: UserInfo) -> bool:
    return user.role == "owner"


def normalise_email(email: str) -> str:
    value = (email or "").strip().lower()
    if not _EMAIL.match(value) or len(value) > 255:
        raise HubError(f"{email!r} is not an e-mail address")
    return value


def check_role(role: str) -> str:
    if role not in ROLES:
        raise HubError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return role


def info_of(s: Session, user: User) -> UserInfo:
    name = s.scalar(select(Account.name).where(Account.id == user.account_id))
    return UserInfo(user.id, user.account_id, name or "", user.email, user.role, user.locale)


def _account_for(s: Session, hub: Hub, account_name: str | None) -> int:
    if account_name is None:
        return hub.account_id(None, s)
    name = account_name.strip()
    if not name or len(name) > 100:
        raise HubError(f"{account_name!r} is not a valid account name (1-100 characters)")
    found = s.scalar(select(Account.id).where(Account.name == name))
    if found is not None:
        return found
    acc = Account(name=name, created_at=utcnow())
    s.add(acc)
    s.flush()
    return acc.id


def create_user(hub: Hub, email: str, password: str, role: str, account_name: str | None = None) -> UserInfo:
    """Create a user; the named account is created when it does not exist yet."""
    address = normalise_email(email)
    check_role(role)
    passwords.check_strength(password)
    hashed = passwords.hash_password(password)
    now = utcnow()
    try:
        with hub.db.session() as s:
            if s.scalar(select(User.id).where(User.email == address)) is not None:
                raise HubError(f"a user with the e-mail {address} already exists")
            account_id = _account_for(s, hub, account_name)
            user = User(
                account_id=account_id,
                email=address,
                password_hash=hashed,
                role=role,
                locale="en",
                created_at=now,
                password_changed_at=now,
            )
            s.add(user)
            s.flush()
            return info_of(s, user)
    except IntegrityError:
        raise HubError(f"a user with the e-mail {address} already exists") from None


def authenticate(hub: Hub, email: str, password: str) -> UserInfo | None:
    address = (email or "").strip().lower()
    with hub.db.session() as s:
        user = s.scalar(select(User).where(User.email == address))
        # verify() runs for an unknown address too (against a dummy hash): both answers take the same time
        if not passwords.verify(user.password_hash if user else None, password or "") or user is None:
            return None
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        return info_of(s, user)


def get_user(hub: Hub, user_id: int) -> UserInfo | None:
    with hub.db.session() as s:
        user = s.get(User, user_id)
        return info_of(s, user) if user is not None else None


def find_user(hub: Hub, email: str) -> UserInfo:
    address = (email or "").strip().lower()
    with hub.db.session() as s:
        user = s.scalar(select(User).where(User.email == address))
        if user is None:
            raise HubError(f"no user with the e-mail {email!r}; see `ordersync users list`")
        return info_of(s, user)


def list_users(hub: Hub, account_id: int | None = None) -> list[UserInfo]:
    """Every user (of one account, when given), by account and e-mail."""
    with hub.db.session() as s:
        q = select(User, Account.name).join(Account, Account.id == User.account_id)
        if account_id is not None:
            q = q.where(User.account_id == account_id)
        rows = s.execute(q.order_by(Account.name, User.email)).all()
        return [UserInfo(u.id, u.account_id, name, u.email, u.role, u.locale) for u, name in rows]


def change_password(hub: Hub, user_id: int, old: str, new: str) -> None:
    with hub.db.session() as s:
        user = s.get(User, user_id)
        if user is None:
            raise HubError("this user no longer exists")
        if not passwords.verify(user.password_hash, old or ""):
            raise HubError("the current password is not correct")
        passwords.check_strength(new)
        if new == old:
            raise HubError("the new password is the same as the current one")
        user.password_hash = passwords.hash_password(new)
        user.password_changed_at = utcnow()
        user.session_stamp = secrets.token_hex(16)


def end_sessions(hub: Hub, user_id: int) -> None:
    """Logout: sessions live in signed cookies, so a new stamp is what makes every earlier cookie (also a
    copied one) stop working; the next login signs the new stamp into its cookie."""
    with hub.db.session() as s:
        user = s.get(User, user_id)
        if user is not None:
            user.session_stamp = secrets.token_hex(16)


def set_locale(hub: Hub, user_id: int, locale: str) -> None:
    if locale not in LOCALES:
        raise HubError(f"unknown language {locale!r}; use one of {', '.join(LOCALES)}")
    with hub.db.session() as s:
        user = s.get(User, user_id)
        if user is None:
            raise HubError("this user no longer exists")
        user.locale = locale


def set_role(hub: Hub, account_id: int, user_id: int, role: str) -> None:
    """Change a user's role within an account; the account always keeps at least one owner."""
    check_role(role)
    with hub.db.session() as s:
        user = s.get(User, user_id)
        if user is None or user.account_id != account_id:
            raise HubError(f"no user with id {user_id}")
        if user.role == "owner" and role != "owner" and _owners(s, account_id) <= 1:
            raise HubError("the account needs at least one owner")
        user.role = role


def delete_user(hub: Hub, account_id: int, user_id: int) -> None:
    with hub.db.session() as s:
        user = s.get(User, user_id)
        if user is None or user.account_id != account_id:
            raise HubError(f"no user with id {user_id}")
        if user.role == "owner" and _owners(s, account_id) <= 1:
            raise HubError("the account's last owner cannot be deleted")
        s.delete(user)


def _owners(s: Session, account_id: int) -> int:
    return (
        s.scalar(select(func.count()).select_from(User).where(User.account_id == account_id, User.role == "owner")) or 0
    )


def add_user_raw(s: Session, account_id: int, email: str, password: str, role: str) -> User:
    """Insert a user inside the caller's transaction (first start)."""
    now = utcnow()
    user = User(
        account_id=account_id,
        email=normalise_email(email),
        password_hash=passwords.hash_password(password),
        role=check_role(role),
        locale="en",
        created_at=now,
        password_changed_at=now,
    )
    s.add(user)
    s.flush()
    return user
