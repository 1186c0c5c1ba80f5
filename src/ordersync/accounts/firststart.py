"""The first start: with no user at all, create an owner with a random password and say how to log in."""

from __future__ import annotations

import os
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..hub import Hub, HubError
from ..store.models import Account
from ..store.models_accounts import User
from .users import add_user_raw

DEFAULT_EMAIL = "owner@localhost"


def first_start(hub: Hub, url: str | None = None) -> str | None:
    """Returns the message to print, or None when a user exists already (nothing is done). ``url`` is where
    this process serves the web app (default: the configured public URL)."""
    email = (os.environ.get("ORDERSYNC_ADMIN_EMAIL") or DEFAULT_EMAIL).strip().lower()
    password = secrets.token_urlsafe(12)
    try:
        with hub.db.session() as s:
            if s.scalar(select(User.id).limit(1)) is not None:
                return None
            try:
                account_id = hub.account_id(None, s)
            except HubError:  # several accounts but no user: the oldest one gets the owner
                account_id = s.scalars(select(Account.id).order_by(Account.id).limit(1)).one()
            add_user_raw(s, account_id, email, password, "owner")
    except IntegrityError:  # another process made the first user at the same moment
        return None
    return (
        f"Log in at {(url or hub.config.base_url).rstrip('/')}/ as {email} with password {password}; "
        "change it under Account."
    )
