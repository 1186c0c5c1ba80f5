"""The consent round trip of OAuth 2's authorization-code grant, for the web wizard and the CLI.

``begin`` stores a random state (hashed), bound to whoever started it (a value kept in the seller's web
session, or "cli"), with the PKCE verifier sealed, expiring after ``STATE_TTL``, and returns the platform's
consent URL. ``finish`` accepts the callback only with a known, unused, unexpired state of the same binding
and system, consumes it in one statement (so it works once), exchanges the code and stores the tokens, which
clears "needs re-authorisation".
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update

from ..channels.sdk.errors import ChannelError
from ..channels.sdk.oauth2 import TokenSet
from ..channels.sdk.oauth2_auth import TokenEndpoint, consent_url, pkce_pair
from ..domain.timeutil import utcnow
from ..store.models import Connection, OAuthState
from . import connections
from .hub import Hub, HubError
from .oauth_tokens import store_authorisation

STATE_TTL = timedelta(minutes=15)
CLI_BINDING = "cli"


class ConsentRejected(HubError):
    """The callback cannot be accepted (unknown, reused, expired or foreign state; refused code). ``reason``
    is a fixed sentence (the web app translates it), ``detail`` the platform's own words if any."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Callback:
    connection_id: int
    name: str


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def redirect_uri(hub: Hub, system: str) -> str:
    return f"{hub.config.base_url}/oauth/callback/{system}"


def uses_consent(system: str) -> bool:
    try:
        decl = connections.get_connector(system).oauth
    except LookupError:
        return False
    return decl is not None and decl.consent


def begin(hub: Hub, connection_id: int, *, binding: str) -> str:
    """Store a fresh state for this connection and return the consent URL to send the seller to."""
    row = connections.load(hub, connection_id)
    decl = connections.get_connector(row.system).oauth
    if decl is None or not decl.consent:
        raise HubError(f"{row.system} connections are not authorised on a consent page")
    state = secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair() if decl.pkce else ("", "")
    uri = redirect_uri(hub, row.system)
    now = utcnow()
    with hub.db.session() as s:
        s.add(
            OAuthState(
                state_hash=_hash(state),
                connection_id=connection_id,
                binding=_hash(binding),
                verifier=hub.secrets.seal({"v": verifier}) if verifier else None,
                redirect_uri=uri,
                created_at=now,
                expires_at=now + STATE_TTL,
            )
        )
    return consent_url(decl, connections.settings_of(hub, row), redirect_uri=uri, state=state, code_challenge=challenge)


def finish(hub: Hub, system: str, state: str, code: str, *, binding: str) -> Callback:
    """Check the callback's state, use it up, exchange the code and store the tokens."""
    if not state or not code:
        raise ConsentRejected("the platform's answer has no state or no code; start the authorisation again")
    now = utcnow()
    with hub.db.session() as s:
        st = s.get(OAuthState, _hash(state))
        row = s.get(Connection, st.connection_id) if st is not None else None
        if st is None or row is None or row.system != system:
            raise ConsentRejected("this authorisation link is unknown; start the authorisation again")
        if st.binding != _hash(binding):
            raise ConsentRejected(
                "this authorisation was started in another session (or on the command "
                "line); finish it there, or start it again here"
            )
        if st.used_at is not None:
            raise ConsentRejected("this authorisation link was used already; start the authorisation again")
        if st.expires_at <= now:
            raise ConsentRejected("this authorisation link has expired; start the authorisation again")
        claimed = s.execute(
            update(OAuthState)
            .where(
                OAuthState.state_hash == st.state_hash,  # type: ignore[attr-defined]  # rowcount: an UPDATE/DELETE answers a CursorResult
                OAuthState.used_at.is_(None),
                OAuthState.expires_at > now,
            )
            .values(used_at=now)
        ).rowcount
        if claimed != 1:
            raise ConsentRejected("this authorisation link was used already; start the authorisation again")
        verifier = hub.secrets.open(st.verifier).get("v", "") if st.verifier else ""
        uri, connection_id, name = st.redirect_uri, row.id, row.name
    row = connections.load(hub, connection_id)
    decl = connections.get_connector(row.system).oauth
    endpoint = TokenEndpoint(decl, connections.settings_of(hub, row))
    try:
        tokens = endpoint.authorization_code(code, uri, verifier)
    except ChannelError as exc:
        raise ConsentRejected("the platform did not accept the authorisation", str(exc)) from None
    finally:
        endpoint.close()
    store_authorisation(hub, connection_id, tokens)
    return Callback(connection_id, name)


def store_refresh_token(hub: Hub, connection_id: int, refresh_token: str) -> None:
    """A refresh token the seller pasted (a private app's, Amazon's self-authorisation): the next call
    refreshes with it."""
    if not refresh_token.strip():
        raise HubError("the refresh token is empty")
    store_authorisation(hub, connection_id, TokenSet(refresh_token=refresh_token.strip()))


def needs_consent(hub: Hub, connection_id: int, reason: str = "waiting for the seller's consent") -> None:
    """A new connection whose platform wants consent: mark it until the callback stores its tokens."""
    from .oauth_tokens import mark_needs_reauthorisation

    mark_needs_reauthorisation(hub, connection_id, reason)
