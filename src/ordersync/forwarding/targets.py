"""Forwarding targets: a supplier's or fulfiller's e-mail address, or an HTTP endpoint that takes JSON."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import signing
from ..channels.sdk.urlguard import UrlRefused, refuse_private_literal
from ..domain.timeutil import utcnow
from ..hub import Hub, HubError
from ..mail.smtp import check_address
from ..store.models_messaging import ForwardTarget

KINDS = ("email", "http")


@dataclass
class TargetInfo:
    id: int
    name: str
    kind: str
    address: str
    language: str
    enabled: bool
    secret: str | None = None  # only right after creation, to hand to the receiver


def _check(kind: str, address: str) -> str:
    if kind == "email":
        return check_address(address, "forwarding target address")
    if kind == "http":
        parts = urlsplit(address.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise HubError(f"forwarding target URL {address!r}: give a full http(s):// URL")
        try:
            refuse_private_literal(address.strip())
        except UrlRefused as exc:
            raise HubError(f"forwarding target URL {exc}") from None
        return address.strip()
    raise HubError(f"forwarding target kind {kind!r}: use email or http")


def add_target(
    hub: Hub,
    name: str,
    kind: str,
    address: str,
    *,
    language: str = "de",
    secret: str | None = None,
    account: str | None = None,
) -> TargetInfo:
    """An HTTP target gets a random signing secret unless one is given; it is returned once, here."""
    name = name.strip()
    if not name:
        raise HubError("a forwarding target needs a name")
    address = _check(kind, address)
    if language not in ("de", "en"):
        raise HubError(f"language {language!r}: use de or en")
    if kind == "http":
        try:
            secret = signing.check_secret(secret) if secret else signing.new_secret()
        except ValueError as exc:
            raise HubError(str(exc)) from None
    with hub.db.session() as s:
        account_id = hub.account_id(account, s)
        if s.scalar(select(ForwardTarget.id).where(ForwardTarget.account_id == account_id, ForwardTarget.name == name)):
            raise HubError(f"a forwarding target named {name!r} already exists")
        row = ForwardTarget(
            account_id=account_id,
            name=name,
            kind=kind,
            address=address,
            language=language,
            secrets=hub.secrets.seal({"secret": secret} if secret else {}),
            enabled=True,
            created_at=utcnow(),
        )
        s.add(row)
        s.flush()
        return TargetInfo(row.id, name, kind, address, language, True, secret if kind == "http" else None)


def find(s: Session, hub: Hub, name: str, account: str | None = None) -> ForwardTarget:
    account_id = hub.account_id(account, s)
    row = s.scalar(select(ForwardTarget).where(ForwardTarget.account_id == account_id, ForwardTarget.name == name))
    if row is None:
        raise HubError(f"no forwarding target named {name!r}; see `ordersync forwarding targets list`")
    return row


def list_targets(hub: Hub, account: str | None = None) -> list[TargetInfo]:
    with hub.db.session() as s:
        account_id = hub.account_id(account, s)
        rows = s.scalars(
            select(ForwardTarget).where(ForwardTarget.account_id == account_id).order_by(ForwardTarget.name)
        ).all()
        return [TargetInfo(r.id, r.name, r.kind, r.address, r.language, r.enabled) for r in rows]


def remove_target(hub: Hub, name: str, account: str | None = None) -> None:
    """Removes the target with its rules and its forwarding records."""
    with hub.db.session() as s:
        s.delete(find(s, hub, name, account))
