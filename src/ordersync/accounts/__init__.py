"""Accounts: users in roles, argon2 passwords, API keys, login throttling and the first start.

The web app (sessions, CSRF) and the REST API (Bearer keys) both authenticate through this package only.
"""

from .apikeys import (
    ApiKeyInfo,
    create_api_key,
    list_api_keys,
    revoke_api_key,
    revoke_api_key_by_ref,
    user_for_api_key,
)
from .firststart import first_start
from .throttle import login_wait, record_login
from .users import (
    LOCALES,
    ROLES,
    UserInfo,
    authenticate,
    can_write,
    change_password,
    create_user,
    delete_user,
    end_sessions,
    find_user,
    get_user,
    is_owner,
    list_users,
    set_locale,
    set_role,
)

__all__ = [
    "LOCALES",
    "ROLES",
    "ApiKeyInfo",
    "UserInfo",
    "authenticate",
    "can_write",
    "change_password",
    "create_api_key",
    "create_user",
    "delete_user",
    "find_user",
    "first_start",
    "get_user",
    "is_owner",
    "list_api_keys",
    "list_users",
    "login_wait",
    "record_login",
    "revoke_api_key",
    "revoke_api_key_by_ref",
    "set_locale",
    "set_role",
    "user_for_api_key",
    "end_sessions",
]
