"""Login, logout, language, password and API keys."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from ... import accounts
from ...sync.hub import HubError
from .deps import (
    Page,
    UIError,
    anyone,
    anyone_posting,
    member,
    redirect,
    render,
    safe_next,
    viewer,
)
from .errors import explain
from .i18n import LOCALES
from .queries import session_stamp
from .security import new_token

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(page: Page = Depends(anyone)):
    return redirect("/orders" if page.user else "/login")


@router.get("/login")
def login_form(next: str = "", page: Page = Depends(anyone)):
    if page.user:
        return redirect(safe_next(next))
    return render(page, "login.html", next=safe_next(next), email="")


@router.post("/login")
def login(page: Page = Depends(anyone_posting)):
    hub, form = page.hub, page.form
    email = form.get("email", "").strip()
    password = form.get("password", "")
    ip = page.request.client.host if page.request.client else ""
    next_url = safe_next(form.get("next"))
    wait = accounts.login_wait(hub, email, ip)
    if wait > 0:
        return render(
            page,
            "login.html",
            status=429,
            next=next_url,
            email=email,
            error=page.t.n(
                "Too many failed attempts. Please wait {n} second and try again.",
                "Too many failed attempts. Please wait {n} seconds and try again.",
                int(wait + 0.999),
            ),
        )
    user = accounts.authenticate(hub, email, password) if email and password else None
    accounts.record_login(hub, email, ip, user is not None)
    if user is None:
        return render(
            page,
            "login.html",
            status=401,
            next=next_url,
            email=email,
            error=page.t("E-mail address or password is wrong."),
        )
    page.session.clear()  # a fresh session (and CSRF token) for the logged-in user
    page.session.update(
        {"uid": user.id, "acc": user.account_id, "csrf": new_token(), "pw": session_stamp(hub, user.id)}
    )
    return redirect(next_url)


@router.post("/logout")
def logout(page: Page = Depends(member)):
    lang = page.t.locale
    accounts.end_sessions(page.hub, page.member.id)  # a copy of this cookie must not stay valid for 14 days
    page.session.clear()
    page.session["lang"] = lang
    return redirect("/login")


@router.post("/language")
def language(page: Page = Depends(anyone_posting)):
    """Switch the language: stored on the user when logged in, else in the session (the login page)."""
    lang = page.form.get("lang", "")
    if lang not in LOCALES:
        raise UIError(400, "Unknown language.")
    if page.user:
        accounts.set_locale(page.hub, page.user.id, lang)
    else:
        page.session["lang"] = lang
    return redirect(safe_next(page.form.get("next")))


@router.get("/account")
def account(page: Page = Depends(viewer)):
    return _account_page(page)


def _account_page(page: Page, *, status: int = 200, new_key: str = "", error: str = ""):
    keys = accounts.list_api_keys(page.hub, page.member.id)
    return render(page, "account.html", status=status, keys=keys, new_key=new_key, error=error)


@router.post("/account/password")
def change_password(page: Page = Depends(member)):
    old, new, again = (page.form.get(k, "") for k in ("old", "new", "again"))
    if new != again:
        return _account_page(page, status=400, error=page.t("The two new passwords differ."))
    if len(new) < 10:
        return _account_page(page, status=400, error=page.t("Choose a password of at least 10 characters."))
    try:
        accounts.change_password(page.hub, page.member.id, old, new)
    except (HubError, ValueError) as exc:
        return _account_page(page, status=400, error=explain(page.t, exc))
    page.session["pw"] = session_stamp(page.hub, page.member.id)  # this browser stays logged in, others not
    page.flash("Your password was changed.")
    return redirect("/account")


@router.post("/account/keys")
def create_key(page: Page = Depends(member)):
    label = page.form.get("label", "").strip()[:100]
    key = accounts.create_api_key(page.hub, page.member.email, label)
    # shown once, in this response only: never stored in the session cookie or anywhere readable again
    return _account_page(page, new_key=key)


@router.post("/account/keys/{key_id:int}/revoke")
def revoke_key(key_id: int, page: Page = Depends(member)):
    if not any(k.id == key_id for k in accounts.list_api_keys(page.hub, page.member.id)):
        raise UIError(404, "This page does not exist, or it belongs to another account.")
    accounts.revoke_api_key(page.hub, page.member.id, key_id)
    page.flash("The API key was revoked.")
    return redirect("/account")
