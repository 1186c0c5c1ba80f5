"""Password hashing with argon2id (argon2-cffi's defaults, which follow RFC 9106's recommendations)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..sync.hub import HubError

MIN_LENGTH = 10
_hasher = PasswordHasher()
# verified against when the e-mail is unknown, so a wrong address takes as long as a wrong password
_DUMMY = _hasher.hash("never a real password")


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise HubError(f"the password is too short: use at least {MIN_LENGTH} characters")
    if password.strip() != password:
        raise HubError("the password must not begin or end with spaces")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)
