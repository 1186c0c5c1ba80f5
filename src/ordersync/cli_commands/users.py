"""`ordersync users ...` and `ordersync apikeys ...`: operators manage logins and integrators' API keys."""

from __future__ import annotations

import sys

import typer
from rich.table import Table

from ..cli_shared import ACCOUNT, _hub, app, out
from ..roles import ROLES

users_app = typer.Typer(no_args_is_help=True, help="Users of the web app and their roles.")
apikeys_app = typer.Typer(no_args_is_help=True, help="API keys for the REST API (one user each).")
app.add_typer(users_app, name="users")
app.add_typer(apikeys_app, name="apikeys")


def _read_password() -> str:
    from ..sync.hub import HubError

    line = sys.stdin.readline()
    if not line:
        raise HubError("--password-stdin: nothing was read from standard input")
    return line.rstrip("\r\n")


@users_app.command("create")
def create(
    email: str,
    role: str = typer.Option(..., "--role", help=f"one of {', '.join(ROLES)}"),
    account: str = ACCOUNT,
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="read the password from the first line of standard input"
    ),
) -> None:
    """Create a user (and the account, when --account names a new one). Without --password-stdin a random
    password is made and printed once."""
    import secrets

    from .. import accounts

    password = _read_password() if password_stdin else secrets.token_urlsafe(12)
    user = accounts.create_user(_hub(), email, password, role, account)
    out.print(f"created {user.role} {user.email} in account {user.account_name!r}", markup=False)
    if not password_stdin:
        out.print(f"password (shown once): {password}", markup=False, soft_wrap=True)


@users_app.command("list")
def list_users(account: str = ACCOUNT) -> None:
    """Every user of one account (or of every account when there are several and none is named)."""
    from .. import accounts
    from ..sync.hub import HubError

    hub = _hub()
    try:
        account_id = hub.account_id(account) if account else hub.account_id()
    except HubError:
        if account:
            raise
        account_id = None
    table = Table("id", "account", "email", "role", "language")
    for u in accounts.list_users(hub, account_id):
        table.add_row(str(u.id), u.account_name, u.email, u.role, u.locale)
    out.print(table)


@users_app.command("set-role")
def set_role(email: str, role: str) -> None:
    """Change a user's role (an account always keeps one owner)."""
    from .. import accounts

    hub = _hub()
    user = accounts.find_user(hub, email)
    accounts.set_role(hub, user.account_id, user.id, role)
    out.print(f"{user.email} is now {role}", markup=False)


@apikeys_app.command("create")
def create_key(email: str, label: str = typer.Option("", "--label", help="what the key is for")) -> None:
    """Create an API key for a user; the key is printed once, last on its line, and never shown again."""
    from .. import accounts

    hub = _hub()
    key = accounts.create_api_key(hub, email, label)
    print(f"API key for {email.strip().lower()} (shown once): {key}")


@apikeys_app.command("list")
def list_keys(email: str) -> None:
    """A user's active keys (only their prefixes: keys are never stored)."""
    from .. import accounts

    hub = _hub()
    user = accounts.find_user(hub, email)
    table = Table("id", "prefix", "label", "created (UTC)", "last used (UTC)")
    for k in accounts.list_api_keys(hub, user.id):
        table.add_row(
            str(k.id),
            k.prefix + "…",
            k.label,
            k.created_at.strftime("%Y-%m-%d %H:%M"),
            k.last_used_at.strftime("%Y-%m-%d %H:%M") if k.last_used_at else "never",
        )
    out.print(table)


@apikeys_app.command("revoke")
def revoke_key(email: str, key: str = typer.Argument(..., help="the key's id, prefix or the key itself")) -> None:
    """Revoke a key at once; requests with it get 401 from then on."""
    from .. import accounts

    accounts.revoke_api_key_by_ref(_hub(), email, key)
    out.print(f"revoked API key {key[:12]} of {email}", markup=False)
