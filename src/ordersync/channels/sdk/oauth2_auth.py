"""OAuth 2 at work: the token endpoint's grants, the consent URL with PKCE, and the authenticator that
:class:`~.http.ChannelHTTP` uses (``ChannelHTTP(base, auth=OAuth2Auth(...))``).

The authenticator attaches the access token to every request, refreshes it ``refresh_margin`` before it
expires, and when the platform still answers 401 it refreshes once and sends the request once more. A
refresh takes the token store's lock and reads the store again inside it: when another worker refreshed
meanwhile, its token is used and the platform sees a single refresh. Token-endpoint calls go through their
own ChannelHTTP, so the URL guard and the SDK's error policy apply to them as to every other call.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from collections.abc import Generator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from . import observe
from .errors import AuthError, ChannelError
from .http import ChannelHTTP
from .oauth2 import ClientAuth, Grant, MemoryTokenStore, OAuth2, ReauthorizationNeeded, TokenSet, TokenStore
from .retry import RetryPolicy


def _now() -> datetime:
    return datetime.now(UTC)


def pkce_pair() -> tuple[str, str]:
    """A fresh code verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def consent_url(
    decl: OAuth2, settings: Mapping[str, Any], *, redirect_uri: str, state: str, code_challenge: str = ""
) -> str:
    """The platform's consent page for this connection's client, coming back to ``redirect_uri``."""
    params = {
        "response_type": "code",
        "client_id": str(settings.get(decl.client_id_setting) or ""),
        "redirect_uri": decl.redirect_for(settings, redirect_uri),
        "state": state,
        **decl.authorize_params,
    }
    if decl.scopes:
        params["scope"] = decl.scope_separator.join(decl.scopes)
    if decl.pkce:
        params |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
    base = decl.url(decl.authorize_url, settings)
    return base + ("&" if "?" in base else "?") + urlencode(params)


class TokenEndpoint:
    """The platform's token endpoint for one connection's client."""

    def __init__(self, decl: OAuth2, settings: Mapping[str, Any], *, timeout: float = 30.0) -> None:
        self.decl, self.settings = decl, dict(settings)
        self.url = decl.url(decl.token_url, settings)
        self.http = ChannelHTTP("", timeout=timeout, retry=RetryPolicy(max_attempts=3))

    def close(self) -> None:
        self.http.close()

    def authorization_code(self, code: str, redirect_uri: str, verifier: str = "") -> TokenSet:
        form = {
            "grant_type": Grant.AUTHORIZATION_CODE.value,
            "code": code,
            "redirect_uri": self.decl.redirect_for(self.settings, redirect_uri),
        }
        if self.decl.pkce:
            form["code_verifier"] = verifier
        return self._post(form, previous=None)

    def client_credentials(self) -> TokenSet:
        form = {"grant_type": Grant.CLIENT_CREDENTIALS.value}
        if self.decl.scopes:
            form["scope"] = self.decl.scope_separator.join(self.decl.scopes)
        return self._post(form, previous=None)

    def refresh(self, current: TokenSet) -> TokenSet:
        form = {"grant_type": Grant.REFRESH_TOKEN.value, "refresh_token": current.refresh_token}
        if self.decl.refresh_scopes and self.decl.scopes:
            form["scope"] = self.decl.scope_separator.join(self.decl.scopes)
        return self._post(form, previous=current)

    def _post(self, form: dict[str, str], previous: TokenSet | None) -> TokenSet:
        client_id = str(self.settings.get(self.decl.client_id_setting) or "")
        secret = str(self.settings.get(self.decl.client_secret_setting) or "")
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.decl.client_auth is ClientAuth.BODY:
            form |= {"client_id": client_id, "client_secret": secret}
        else:
            pair = f"{client_id}:{secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        started = _now()
        try:
            response = self.http.request("POST", self.url, data=form, headers=headers, expect_json=True)
        except ChannelError as exc:
            code = _oauth_error(exc.body)
            if exc.status is not None and (exc.status, code) in self.decl.revoked_errors:
                raise ReauthorizationNeeded(
                    f"the platform refused the {form['grant_type']} grant "
                    f"({exc.status} {code}): authorise the connection again",
                    status=exc.status,
                    body=exc.body,
                ) from None
            raise
        return _token_set(response.json(), started, previous)


def _oauth_error(body: str) -> str:
    try:
        data = json.loads(body or "{}")
    except ValueError:
        return ""
    return str(data.get("error") or "") if isinstance(data, dict) else ""


def _token_set(data: Any, started: datetime, previous: TokenSet | None) -> TokenSet:
    if not isinstance(data, dict) or not data.get("access_token"):
        raise AuthError("the token endpoint answered without an access_token")
    expires_in = data.get("expires_in")
    try:
        expires_at = started + timedelta(seconds=float(expires_in)) if expires_in is not None else None
    except (TypeError, ValueError):
        raise AuthError(f"the token endpoint answered expires_in={expires_in!r}, not a number") from None
    # A platform that does not rotate answers no refresh token: the one we hold stays valid.
    refresh = str(data.get("refresh_token") or (previous.refresh_token if previous else ""))
    return TokenSet(
        access_token=str(data["access_token"]),
        expires_at=expires_at,
        refresh_token=refresh,
        token_type=str(data.get("token_type") or "Bearer"),
        scope=str(data.get("scope") or ""),
    )


class OAuth2Auth(httpx.Auth):
    """httpx authentication for ChannelHTTP: the current access token on every request, refreshed in time."""

    def __init__(self, decl: OAuth2, settings: Mapping[str, Any], store: TokenStore | None = None) -> None:
        self.decl, self.settings = decl, dict(settings)
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        self._lock = threading.Lock()
        self._cached: TokenSet | None = None
        self.refreshes = 0  # token-endpoint calls this authenticator made

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.token()
        self._attach(request, token)
        response = yield request
        if response.status_code == 401:  # expired early or revoked by the platform: refresh once, retry once
            self._attach(request, self.token(rejected=token.access_token))
            yield request

    def _attach(self, request: httpx.Request, token: TokenSet) -> None:
        request.headers[self.decl.token_header] = self.decl.token_format.format(token=token.access_token)

    def token(self, rejected: str = "") -> TokenSet:
        """A usable access token; ``rejected`` is one the platform just refused, so it is not reused."""
        with self._lock:
            if self._fits(self._cached, rejected):
                return self._cached  # type: ignore[return-value]
            stored = self.store.load()
            if self._fits(stored, rejected):
                self._cached = stored
                return stored  # type: ignore[return-value]
            with self.store.lock():
                stored = self.store.load()  # another worker may have refreshed while we waited
                if self._fits(stored, rejected):
                    self._cached = stored
                    return stored  # type: ignore[return-value]
                fresh = self._grant(stored)
                self.store.save(fresh)
                self._cached = fresh
                return fresh

    def _fits(self, token: TokenSet | None, rejected: str) -> bool:
        return token is not None and token.usable(_now(), self.decl.refresh_margin) and token.access_token != rejected

    def _grant(self, stored: TokenSet | None) -> TokenSet:
        refresh = stored.refresh_token if stored else ""
        if not refresh and self.decl.refresh_token_setting:
            refresh = str(self.settings.get(self.decl.refresh_token_setting) or "")
        endpoint = TokenEndpoint(self.decl, self.settings)
        try:
            self.refreshes += 1
            if refresh and Grant.REFRESH_TOKEN in self.decl.grants:
                return endpoint.refresh(TokenSet(refresh_token=refresh))
            if Grant.CLIENT_CREDENTIALS in self.decl.grants:
                return endpoint.client_credentials()
            raise ReauthorizationNeeded("the connection holds no refresh token: authorise it on the platform")
        except ReauthorizationNeeded as exc:
            observe.token_refresh_failed(exc)
            self.store.revoked(str(exc))
            raise
        except Exception as exc:
            observe.token_refresh_failed(exc)
            raise
        finally:
            endpoint.close()
