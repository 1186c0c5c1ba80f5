"""Password hashing with argon2id (argon2-cffi's defaults, which follow RFC 9106's recommendations)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..hub import HubError

MIN_LENGTH = 10
_hasher = PasswordHasher()


@cache
def _dummy() -> str:
    """Verified against when the e-mail is unknown, so a wrong address takes as long as a wrong password.

    Hashed on first use, not at import: an argon2 hash costs tens of milliseconds that a process which never
    checks a password (most commands, every worker) should not pay at start."""
    return _hasher.hash("never a real password")


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise HubError(f"the password is too short: use at least {MIN_LENGTH} characters")
    if password.strip() != password:
        raise HubError("the password must not begin or end with spaces")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _dummy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)
