"""API keys: long random tokens shown once; only their SHA-256 is stored.

A key is 32 random bytes, so a fast hash is as safe as a slow one and lets every request be checked with
one indexed lookup. ``last_used_at`` is written at most once a minute per key, so a busy integrator does
not turn every read into a write (on SQLite every write takes the database's single write lock).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.timeutil import utcnow
from ..hub import Hub, HubError
from ..store.models_accounts import ApiKey, User
from .users import UserInfo, info_of

KEY_PREFIX = "osk_"
PREFIX_LENGTH = 12
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiKeyInfo:
    id: int
    label: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(hub: Hub, email: str, label: str = "") -> str:
    """A new key for the user with this e-mail; the plain key is returned once and never stored."""
    if len(label) > 100:
        raise HubError("the key's label is too long (at most 100 characters)")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with hub.db.session() as s:
        user = s.scalar(select(User).where(User.email == (email or "").strip().lower()))
        if user is None:
            raise HubError(f"no user with the e-mail {email!r}; see `ordersync users list`")
        s.add(
            ApiKey(
                user_id=user.id,
                label=label.strip(),
                prefix=key[:PREFIX_LENGTH],
                key_hash=_hash(key),
                created_at=utcnow(),
            )
        )
    return key


def list_api_keys(hub: Hub, user_id: int) -> list[ApiKeyInfo]:
    """The user's keys that are not revoked, newest first."""
    with hub.db.session() as s:
        rows = s.scalars(
            select(ApiKey).where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None)).order_by(ApiKey.id.desc())
        ).all()
        return [ApiKeyInfo(k.id, k.label, k.prefix, k.created_at, k.last_used_at) for k in rows]


def _revoke(s: Session, key: ApiKey | None, what: str) -> None:
    if key is None or key.revoked_at is not None:
        raise HubError(f"no active API key {what}")
    key.revoked_at = utcnow()


def revoke_api_key(hub: Hub, user_id: int, key_id: int) -> None:
    with hub.db.session() as s:
        key = s.get(ApiKey, key_id)
        _revoke(s, key if key is not None and key.user_id == user_id else None, f"with id {key_id}")


def revoke_api_key_by_ref(hub: Hub, email: str, ref: str) -> None:
    """Revoke one of a user's keys by its id or its shown prefix (the CLI's way)."""
    with hub.db.session() as s:
        user = s.scalar(select(User).where(User.email == (email or "").strip().lower()))
        if user is None:
            raise HubError(f"no user with the e-mail {email!r}")
        q = select(ApiKey).where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None))
        if ref.isdigit():
            keys = s.scalars(q.where(ApiKey.id == int(ref))).all()
        else:
            keys = s.scalars(q.where(ApiKey.prefix == ref[:PREFIX_LENGTH])).all()
        if len(keys) > 1:
            raise HubError(f"several keys start with {ref!r}; revoke by id")
        _revoke(s, keys[0] if keys else None, f"{ref!r} for {email}")


def user_for_api_key(hub: Hub, key: str) -> UserInfo | None:
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    now = utcnow()
    with hub.db.session() as s:
        row = s.execute(
            select(ApiKey, User)
            .join(User, User.id == ApiKey.user_id)
            .where(ApiKey.key_hash == _hash(key), ApiKey.revoked_at.is_(None))
        ).first()
        if row is None:
            return None
        api_key, user = row
        if api_key.last_used_at is None or now - api_key.last_used_at > TOUCH_EVERY:
            api_key.last_used_at = now
        return info_of(s, user)
