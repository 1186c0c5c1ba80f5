"""OAuth 2 as a connector declares it: data, not code.

A connector sets ``oauth = OAuth2(...)`` on its class: where the token and consent endpoints are, which grants
the platform offers, how the client authenticates at the token endpoint, whether the platform rotates refresh
tokens, and which token-endpoint answers mean "the seller withdrew the authorisation". The SDK does the rest
(:mod:`.oauth2_auth`): it attaches the access token to every request, refreshes it before it expires and after
a 401, and keeps it in the :class:`TokenStore` the engine hands the connector through its context, so tokens
are encrypted at rest and refreshed by one worker at a time without the channel knowing about the database.

Amazon's Login with Amazon (LWA) is the refresh-token grant with the client's id and secret in the form body::

    OAuth2(token_url="https://api.amazon.com/auth/o2/token", grants=(Grant.REFRESH_TOKEN,),
           client_auth=ClientAuth.BODY, token_header="x-amz-access-token", token_format="{token}",
           refresh_token_setting="refresh_token")
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Protocol

from .errors import AuthError


class Grant(str, Enum):
    AUTHORIZATION_CODE = "authorization_code"
    CLIENT_CREDENTIALS = "client_credentials"
    REFRESH_TOKEN = "refresh_token"


class ClientAuth(str, Enum):
    BASIC = "basic"  # HTTP Basic with client id and secret (RFC 6749 2.3.1, the default)
    BODY = "body"  # client_id and client_secret as form fields (Amazon LWA, some shop systems)


@dataclass(frozen=True, slots=True)
class OAuth2:
    """What a platform's OAuth 2 looks like. URLs may name settings in braces (``{base_url}/oauth/token``)
    for platforms that run one authorisation server per shop."""

    token_url: str
    grants: tuple[Grant, ...]
    authorize_url: str = ""
    scopes: tuple[str, ...] = ()
    scope_separator: str = " "
    client_auth: ClientAuth = ClientAuth.BASIC
    pkce: bool = False  # authorization code with PKCE, method S256
    rotates_refresh_token: bool = False  # every refresh answers a new refresh token and voids the old one
    #: send ``scopes`` with every refresh too (RFC 6749 makes it optional; eBay's own clients always send it)
    refresh_scopes: bool = False
    refresh_margin: timedelta = timedelta(seconds=60)  # refresh this long before the access token expires
    #: token-endpoint answers that mean the refresh token (or the client's grant) is gone: (status, error)
    revoked_errors: tuple[tuple[int, str], ...] = ((400, "invalid_grant"), (401, "invalid_grant"))
    token_header: str = "Authorization"
    token_format: str = "Bearer {token}"
    client_id_setting: str = "client_id"
    client_secret_setting: str = "client_secret"
    #: a setting that may hold a refresh token pasted by the seller (private apps, Amazon self-authorisation)
    refresh_token_setting: str = ""
    authorize_params: Mapping[str, str] = field(default_factory=dict)  # extra consent-URL parameters
    #: a setting whose value, when set, is sent as ``redirect_uri`` instead of the hub's callback URL (eBay's
    #: RuName: a name registered with the platform, which redirects to the accept URL stored with it)
    redirect_uri_setting: str = ""

    def redirect_for(self, settings: Mapping[str, Any], callback: str) -> str:
        named = str(settings.get(self.redirect_uri_setting) or "").strip() if self.redirect_uri_setting else ""
        return named or callback

    @property
    def consent(self) -> bool:
        """Whether the seller is sent to the platform's consent page (authorization-code grant)."""
        return Grant.AUTHORIZATION_CODE in self.grants

    def url(self, template: str, settings: Mapping[str, Any]) -> str:
        try:
            return template.format_map({k: str(v).rstrip("/") for k, v in settings.items()})
        except KeyError as exc:
            raise AuthError(f"OAuth URL {template!r} names the setting {exc.args[0]!r}, which is not set") from None

    def problems(self) -> list[str]:
        """Declaration mistakes, for the registry's validation."""
        errors = []
        if not self.grants or not all(isinstance(g, Grant) for g in self.grants):
            errors.append("oauth.grants must name at least one Grant")
        if not self.token_url:
            errors.append("oauth.token_url is missing")
        if self.consent and not self.authorize_url:
            errors.append("oauth: the authorization-code grant needs authorize_url")
        if self.pkce and not self.consent:
            errors.append("oauth.pkce only applies to the authorization-code grant")
        if "{token}" not in self.token_format:
            errors.append("oauth.token_format must contain {token}")
        return errors


@dataclass(frozen=True, slots=True)
class TokenSet:
    """What the token endpoint granted. ``expires_at`` is aware UTC; None means the platform did not say."""

    access_token: str = ""
    expires_at: datetime | None = None
    refresh_token: str = ""
    token_type: str = "Bearer"
    scope: str = ""

    def usable(self, now: datetime, margin: timedelta) -> bool:
        return bool(self.access_token) and (self.expires_at is None or self.expires_at - margin > now)

    def to_dict(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "token_type": self.token_type,
            "scope": self.scope,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TokenSet:
        expires = data.get("expires_at")
        return cls(
            access_token=str(data.get("access_token") or ""),
            expires_at=datetime.fromisoformat(expires) if expires else None,
            refresh_token=str(data.get("refresh_token") or ""),
            token_type=str(data.get("token_type") or "Bearer"),
            scope=str(data.get("scope") or ""),
        )


class ReauthorizationNeeded(AuthError):
    """The platform no longer accepts the refresh token (or the client): the seller must authorise again.
    The engine marks the connection and stops polling and pushing it until then; nothing is dropped."""


class TokenStore(Protocol):
    """Where a connection's tokens live; the engine implements it (encrypted, shared by all workers).

    ``lock()`` is held by one process and thread at a time per connection; inside it, ``load`` sees what the
    previous holder saved, so a second worker uses the token the first one fetched instead of refreshing again.
    ``save`` writes access and refresh token together (one transaction)."""

    def load(self) -> TokenSet | None: ...

    def save(self, tokens: TokenSet) -> None: ...

    def lock(self) -> contextlib.AbstractContextManager[None]: ...

    def revoked(self, reason: str) -> None: ...


class MemoryTokenStore:
    """Tokens held in memory: a connection test before the connection is saved, and tests."""

    def __init__(self, tokens: TokenSet | None = None) -> None:
        self.tokens = tokens
        self.problem: str | None = None
        self._lock = threading.RLock()

    def load(self) -> TokenSet | None:
        return self.tokens

    def save(self, tokens: TokenSet) -> None:
        self.tokens = tokens

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        with self._lock:
            yield

    def revoked(self, reason: str) -> None:
        self.problem = reason
