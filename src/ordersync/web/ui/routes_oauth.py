"""OAuth 2 consent in Settings / Shops: send the seller to the platform's consent page and take its callback.

The state is bound to the seller's web session (a random value kept in the session plus the user id), stored
hashed on the server, single use and expiring (sync.oauth_consent). A wrong, reused or expired state, or a
code the platform refuses, is a 400 page that says what happened; nothing here answers 5xx.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse

from ...sync import oauth_consent
from .deps import Page, UIError, owner, redirect, viewer

router = APIRouter(include_in_schema=False)


def binding(page: Page) -> str:
    """What ties a consent round trip to this browser session and user."""
    if not page.session.get("oauth_bind"):
        page.session["oauth_bind"] = secrets.token_urlsafe(24)
    return f"{page.member.id}:{page.session['oauth_bind']}"


def send_to_consent(page: Page, conn_id: int) -> RedirectResponse:
    return RedirectResponse(oauth_consent.begin(page.hub, conn_id, binding=binding(page)), status_code=303)


@router.post("/settings/shops/{conn_id:int}/authorize")
def authorize(conn_id: int, page: Page = Depends(owner)):
    from .routes_shops import _own

    row = _own(page, conn_id)
    if not oauth_consent.uses_consent(row.system):
        raise UIError(400, "This connection is not authorised on a consent page.")
    return send_to_consent(page, conn_id)


@router.get("/oauth/callback/{system}")
def callback(system: str, state: str = "", code: str = "", error: str = "", page: Page = Depends(viewer)):
    if error:
        raise UIError(
            400, "The platform did not grant access ({error}). Start the authorisation again.", error=error[:100]
        )
    try:
        done = oauth_consent.finish(page.hub, system, state, code, binding=binding(page))
    except oauth_consent.ConsentRejected as exc:
        reason = page.t(exc.reason) + (f" ({exc.detail})" if exc.detail else "")
        raise UIError(400, "The authorisation could not be completed: {reason}", reason=reason) from None
    page.flash("{name} is authorised. The next import starts within a few seconds.", name=done.name)
    return redirect(f"/settings/shops/{done.connection_id}")
