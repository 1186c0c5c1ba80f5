"""eBay's OAuth 2 as data (sdk.oauth2): the user token for the seller's data, and the application token
(client-credentials grant) that the Notification API's ``getPublicKey`` wants.

[spec: the ``securitySchemes`` of eBay's OAS3 contracts]: authorization URL ``https://auth.ebay.com/oauth2/
authorize``, token URL ``https://api.ebay.com/identity/v1/oauth2/token``; scopes per API. [docs]: the client
authenticates with HTTP Basic (App ID : Cert ID); user access tokens live 7200 s, refresh tokens 18 months and
are not rotated on refresh; an invalid or revoked refresh token answers 400 ``invalid_grant``.

eBay wants the application's RuName as ``redirect_uri`` (in the consent URL and the code exchange), not a URL;
the RuName's "accept URL", set in the developer portal, is where eBay then sends the seller - the hub's callback
address. The ``ru_name`` setting holds it (``OAuth2.redirect_uri_setting``); left empty, the callback URL itself
is sent, which the sandbox accepts. Not covered (unverified): eBay names ``scope`` in refresh requests; the SDK
sends none and the sandbox does not ask for it.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from typing import Any

from ordersync.channels.sdk.oauth2 import ClientAuth, Grant, MemoryTokenStore, OAuth2

SCOPE = "https://api.ebay.com/oauth/api_scope"
SCOPES = (
    SCOPE,
    f"{SCOPE}/sell.fulfillment",
    f"{SCOPE}/sell.inventory",
    f"{SCOPE}/sell.account",
    f"{SCOPE}/commerce.message",
    f"{SCOPE}/commerce.notification.subscription",
)

USER = OAuth2(
    token_url="{api_url}/identity/v1/oauth2/token",
    authorize_url="{auth_url}/oauth2/authorize",
    grants=(Grant.AUTHORIZATION_CODE, Grant.REFRESH_TOKEN),
    scopes=SCOPES,
    client_auth=ClientAuth.BASIC,
    refresh_token_setting="refresh_token",
    redirect_uri_setting="ru_name",
    # eBay's refresh request names the scopes (the same as consented, or fewer) [docs: "Using a
    # refresh token"; eBay's own OAuth clients send them]
    refresh_scopes=True,
)
#: the same user token, as the Trading API wants it (no "Bearer")
TRADING = dataclasses.replace(USER, token_header="X-EBAY-API-IAF-TOKEN", token_format="{token}")
#: the same user token as the Post-Order API wants it ("IAF <token>") [docs; unverified here]
POST_ORDER = dataclasses.replace(USER, token_format="IAF {token}")
#: the application token: client credentials with the public scope only
APPLICATION = OAuth2(
    token_url="{api_url}/identity/v1/oauth2/token",
    grants=(Grant.CLIENT_CREDENTIALS,),
    scopes=(SCOPE,),
    client_auth=ClientAuth.BASIC,
)

_app_stores: dict[tuple[str, str], MemoryTokenStore] = {}
_lock = threading.Lock()


def application_store(settings: Mapping[str, Any]) -> MemoryTokenStore:
    """One application token per (API address, client) in this process: it belongs to the app, not to a
    connection, and eBay limits how many are minted."""
    key = (str(settings.get("api_url")), str(settings.get("client_id")))
    with _lock:
        return _app_stores.setdefault(key, MemoryTokenStore())
