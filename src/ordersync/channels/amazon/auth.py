"""Login with Amazon on top of the SDK's OAuth 2 authenticator, with two Amazon specifics.

* The SP-API answers a refused access token with **403** ``Unauthorized`` (details "The access token you
  provided has expired." or "… is revoked, malformed or invalid."), not 401: that 403 is treated as the
  SDK treats a 401 (refresh once under the shared token lock, send once more). Amazon's 403 for missing
  roles carries other details and stays an error.
* Restricted data (buyer name, shipping address) needs a Restricted Data Token in place of the LWA token:
  a request made with ``headers={RDT_HEADER: token}`` is sent with that token instead (the marker header
  itself never leaves the hub).
"""

from __future__ import annotations

import json
from collections.abc import Generator

import httpx

from ordersync.channels.sdk.oauth2_auth import OAuth2Auth

RDT_HEADER = "x-ordersync-rdt"


def token_refused(response: httpx.Response) -> bool:
    if response.status_code == 401:
        return True
    if response.status_code != 403:
        return False
    try:
        errors = json.loads(response.content).get("errors") or []
    except (ValueError, AttributeError):
        return False
    return any(
        isinstance(e, dict) and e.get("code") == "Unauthorized" and "access token" in str(e.get("details", ""))
        for e in errors
    )


class LwaAuth(OAuth2Auth):
    requires_response_body = True

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        rdt = request.headers.pop(RDT_HEADER, None)
        if rdt:
            request.headers[self.decl.token_header] = rdt
            yield request
            return
        token = self.token()
        self._attach(request, token)
        response = yield request
        if token_refused(response):
            self._attach(request, self.token(rejected=token.access_token))
            yield request
