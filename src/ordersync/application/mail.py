"""The account's outgoing mail settings: its SMTP server and its templates, looked up by account name."""

from __future__ import annotations

from ..hub import Hub
from ..mail import smtp, templates


def smtp_config(hub: Hub, account: str | None) -> smtp.SmtpConfig:
    """The account's SMTP server, or a HubError that says how to set one."""
    with hub.db.session() as s:
        return smtp.require(hub, s, hub.account_id(account, s))


def all_templates(hub: Hub, account: str | None) -> list[templates.Template]:
    with hub.db.session() as s:
        return templates.all_templates(s, hub.account_id(account, s))


def put_template(
    hub: Hub, account: str | None, kind: str, language: str, subject: str | None, body: str | None
) -> templates.Template:
    """Override a template's subject and/or body (both None: back to the built-in default)."""
    with hub.db.session() as s:
        return templates.put(s, hub.account_id(account, s), kind, language, subject, body)
