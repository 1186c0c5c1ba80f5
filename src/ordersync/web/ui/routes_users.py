"""The account's users, for its owners: who may log in, with which role; add, change role, remove.

An owner adds a colleague with a first password, typed or made up here and shown once, and hands it over;
the colleague changes it on the account page. The last owner can neither be demoted nor removed, and
nobody removes themselves here (that would end their own session mid-click).
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends

from ... import accounts
from ...sync.hub import HubError
from .deps import Page, UIError, member, not_found, redirect, render, viewer
from .errors import explain

router = APIRouter(include_in_schema=False)


def _owner_viewing(page: Page = Depends(viewer)) -> Page:
    if not page.is_owner:
        raise UIError(403, "Only the account's owner can manage its users.")
    return page


def _owner_posting(page: Page = Depends(member)) -> Page:
    if not page.is_owner:
        raise UIError(403, "Only the account's owner can manage its users.")
    return page


def _users_page(
    page: Page,
    *,
    status: int = 200,
    error: str = "",
    created: tuple[str, str] | None = None,
    email: str = "",
    role: str = "staff",
):
    users = accounts.list_users(page.hub, page.account_id)
    return render(
        page,
        "users.html",
        status=status,
        users=users,
        roles=accounts.ROLES,
        error=error,
        created=created,
        email=email,
        role=role,
    )


def _colleague(page: Page, user_id: int) -> accounts.UserInfo:
    other = accounts.get_user(page.hub, user_id)
    if other is None or other.account_id != page.account_id:
        raise not_found()
    return other


@router.get("/settings/users")
def users(page: Page = Depends(_owner_viewing)):
    return _users_page(page)


@router.post("/settings/users")
def add_user(page: Page = Depends(_owner_posting)):
    email = page.form.get("email", "").strip()
    role = page.form.get("role", "")
    password = page.form.get("password", "")
    if role not in accounts.ROLES:
        return _users_page(page, status=400, error=page.t("Choose a role."), email=email)
    made_up = not password
    if made_up:
        password = secrets.token_urlsafe(12)  # 16 characters; shown once below, stored only as a hash
    try:
        created = accounts.create_user(page.hub, email, password, role, account_name=page.account)
    except HubError as exc:
        detail = str(exc)
        if detail.startswith("a user with the e-mail"):
            error = page.t("A user with this e-mail address exists already.")
        elif detail.endswith("is not an e-mail address"):
            error = page.t("Enter a valid e-mail address.")
        else:
            error = explain(page.t, exc)
        return _users_page(page, status=400, error=error, email=email, role=role)
    # a password made up here is shown in this response only, never put in the session cookie
    return _users_page(page, created=(created.email, password if made_up else ""))


@router.post("/settings/users/{user_id:int}/role")
def change_role(user_id: int, page: Page = Depends(_owner_posting)):
    other = _colleague(page, user_id)
    role = page.form.get("role", "")
    if role not in accounts.ROLES:
        return _users_page(page, status=400, error=page.t("Choose a role."))
    try:
        accounts.set_role(page.hub, page.account_id, other.id, role)
    except HubError as exc:
        return _users_page(page, status=400, error=explain(page.t, exc))
    page.flash("The role of {email} was changed.", email=other.email)
    return redirect("/settings/users")


@router.post("/settings/users/{user_id:int}/delete")
def remove_user(user_id: int, page: Page = Depends(_owner_posting)):
    other = _colleague(page, user_id)
    if other.id == page.member.id:
        return _users_page(page, status=400, error=page.t("You cannot remove yourself. Ask another owner."))
    try:
        accounts.delete_user(page.hub, page.account_id, other.id)
    except HubError as exc:
        return _users_page(page, status=400, error=explain(page.t, exc))
    page.flash("{email} can no longer log in.", email=other.email)
    return redirect("/settings/users")
