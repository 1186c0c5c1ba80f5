"""`ordersync mail ...`: the account's SMTP server, mail templates, and mail notices per connection."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.table import Table

from ..cli_shared import ACCOUNT, _hub, app, out

mail_app = typer.Typer(no_args_is_help=True, help="Outgoing e-mail: SMTP, templates, notices to buyers.")
smtp_app = typer.Typer(no_args_is_help=True, help="The account's SMTP server.")
templates_app = typer.Typer(no_args_is_help=True, help="Mail templates (German and English).")
mail_app.add_typer(smtp_app, name="smtp")
mail_app.add_typer(templates_app, name="templates")
app.add_typer(mail_app, name="mail")


def _read(path: str | None, what: str) -> str | None:
    from ..sync.hub import HubError

    if path is None:
        return None
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise HubError(f"{what} {path!r}: {exc.strerror}") from None


@smtp_app.command("set")
def smtp_set(
    host: str = typer.Option(..., "--host"),
    port: int = typer.Option(None, "--port", help="default 587 for starttls, 465 for tls"),
    security: str = typer.Option("starttls", "--security", help="starttls | tls"),
    user: str = typer.Option("", "--user"),
    password: str = typer.Option(None, "--password", help="kept as stored when left out"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from stdin"),
    from_address: str = typer.Option(..., "--from"),
    from_name: str = typer.Option("", "--from-name"),
    reply_to: str = typer.Option("", "--reply-to"),
    ca_file: str = typer.Option(None, "--ca-file", help="PEM CA certificate to trust (self-signed relay)"),
    language: str = typer.Option(None, "--language", help="de | en: language of buyer mails"),
    notify: bool = typer.Option(
        None,
        "--notify-buyer/--no-notify-buyer",
        help="tell buyers of state changes and shipments by mail where their channel has no API for it",
    ),
    account: str = ACCOUNT,
) -> None:
    """Set the SMTP server (the password is stored encrypted)."""
    from ..mail import smtp

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    config = smtp.save(
        _hub(),
        host=host,
        port=port,
        security=security,
        username=user,
        password=password,
        from_address=from_address,
        from_name=from_name,
        reply_to=reply_to,
        ca_pem=_read(ca_file, "CA file"),
        language=language,
        notify_buyer_by_mail=notify,
        account=account,
    )
    out.print(f"SMTP {config.host}:{config.port} ({config.security}) saved; from {config.from_address}")


@smtp_app.command("show")
def smtp_show(as_json: bool = typer.Option(False, "--json"), account: str = ACCOUNT) -> None:
    from ..application.mail import smtp_config

    c = smtp_config(_hub(), account)
    data = {
        "host": c.host,
        "port": c.port,
        "security": c.security,
        "user": c.username,
        "password": "••••••" if c.password else "",
        "from": c.from_address,
        "from_name": c.from_name,
        "reply_to": c.reply_to,
        "ca": "custom" if c.ca_pem else "system",
        "language": c.language,
        "notify_buyer_by_mail": c.notify_buyer_by_mail,
    }
    if as_json:
        out.print_json(json.dumps(data))
        return
    for key, value in data.items():
        out.print(f"{key} = {value}", markup=False)


@smtp_app.command("test")
def smtp_test(
    to: str = typer.Option(None, "--to", help="also send a test mail to this address"), account: str = ACCOUNT
) -> None:
    """Connect, start TLS and log in; with --to, send a short test mail."""
    from ..application.mail import smtp_config
    from ..mail import compose, smtp

    config = smtp_config(_hub(), account)
    out.print(smtp.verify(config), markup=False)
    if to:
        smtp.check_address(to, "--to")
        de = config.language == "de"
        message = compose.build(
            config,
            to=to,
            subject="ordersync: Testnachricht" if de else "ordersync: test mail",
            body="Der Versand über diesen Server funktioniert." if de else "Sending through this server works.",
            language=config.language,
            message_id=compose.new_message_id(config),
        )
        smtp.send(config, message)
        out.print(f"test mail sent to {to}")


@mail_app.command("notify")
def notify(
    connection: str,
    mode: str = typer.Argument(..., help="on | off | account (use the account's)"),
    language: str = typer.Option(None, "--language", help="de | en for this connection's buyers"),
    account: str = ACCOUNT,
) -> None:
    """Per connection: tell buyers of state changes and shipments by mail (where the channel has no API)."""
    from ..sync.hub import HubError
    from ..sync.mail_notices import set_connection_options

    values = {"on": True, "off": False, "account": None}
    if mode not in values:
        raise HubError(f"notify {mode!r}: use on, off or account")
    set_connection_options(_hub(), connection, notify_buyer_by_mail=values[mode], language=language, account=account)
    out.print(f"{connection}: buyer notices by mail {mode}" + (f", language {language}" if language else ""))


@templates_app.command("list")
def templates_list(
    as_json: bool = typer.Option(False, "--json"),
    placeholders: bool = typer.Option(False, "--placeholders", help="list the placeholders"),
    account: str = ACCOUNT,
) -> None:
    from ..mail import templates

    if placeholders:
        if as_json:
            out.print_json(json.dumps(templates.PLACEHOLDERS))
            return
        for name, meaning in templates.PLACEHOLDERS.items():
            out.print(f"{{{name}}}  {meaning}", markup=False)
        return
    from ..application.mail import all_templates

    items = all_templates(_hub(), account)
    if as_json:
        out.print_json(
            json.dumps(
                [
                    {"kind": t.kind, "language": t.language, "custom": t.custom, "subject": t.subject, "body": t.body}
                    for t in items
                ]
            )
        )
        return
    table = Table("kind", "language", "source", "subject")
    for t in items:
        table.add_row(t.kind, t.language, "custom" if t.custom else "built-in", t.subject)
    out.print(table)


@templates_app.command("set")
def templates_set(
    kind: str = typer.Argument(..., help="message | state | tracking | forward"),
    language: str = typer.Argument(..., help="de | en"),
    subject: str = typer.Option(None, "--subject"),
    body: str = typer.Option(None, "--body"),
    body_file: str = typer.Option(None, "--body-file", help="read the body from a file (- = stdin)"),
    reset: bool = typer.Option(False, "--reset", help="back to the built-in default"),
    account: str = ACCOUNT,
) -> None:
    """Override a template; an unknown placeholder is refused with the list of known ones."""
    from ..application.mail import put_template
    from ..sync.hub import HubError

    if body is not None and body_file is not None:
        raise HubError("give --body or --body-file, not both")
    body = _read(body_file, "body file") if body_file is not None else body
    if reset and (subject is not None or body is not None):
        raise HubError("--reset takes no --subject or --body")
    if not reset and subject is None and body is None:
        raise HubError("nothing to set: give --subject and/or --body (or --reset)")
    t = put_template(_hub(), account, kind, language, subject, body)
    out.print(f"{kind} template ({language}): {'custom' if t.custom else 'built-in default'}")
