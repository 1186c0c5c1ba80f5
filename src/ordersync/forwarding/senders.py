"""Delivering one forward: by e-mail (CSV and PDF attached) or as a signed JSON POST.

Everything is read from the database first (``prepare``, inside a session) and sent afterwards (``send``,
outside it), so a slow mail server or endpoint never holds a database transaction open. The POST goes
through the SDK's URL guard, and a failure records the endpoint's status code, never its answer's body
(the forward log must not become a way to read a service behind the hub).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.utils import parseaddr

import httpx

from .. import signing
from ..channels.sdk.errors import PermanentError, RateLimited
from ..channels.sdk.http import USER_AGENT
from ..channels.sdk.retry import classify, parse_retry_after
from ..channels.sdk.urlguard import default_policy, guarded_client
from ..hub import Hub
from ..mail import compose, smtp, templates
from ..store.models import OrderRow
from ..store.models_messaging import ForwardTarget, OrderForward
from . import documents

HTTP_TIMEOUT = 30.0
FORWARD_ID_HEADER = "X-Ordersync-Forward-Id"


@dataclass(frozen=True, slots=True)
class Delivered:
    """A forward that went out: ``result`` is stored on the forward (English, for the log and the API);
    ``history`` is the order's history entry as a kind and its parameters, shown in the reader's language."""

    result: str
    history: tuple[str, dict[str, str]]


def message_id(forward_id: int) -> str:
    """The ``webhook-id``: one forward is one message, the same on every retry."""
    return f"fwd_{forward_id}"


@dataclass
class Job:
    forward_id: int
    kind: str
    address: str
    target: str
    language: str
    document: dict
    secret: str = ""
    smtp: smtp.SmtpConfig | None = None
    subject: str = ""
    body: str = ""


def prepare(hub: Hub, s, forward_id: int) -> Job:
    fwd = s.get(OrderForward, forward_id)
    target = s.get(ForwardTarget, fwd.target_id)
    order = s.get(OrderRow, fwd.order_id)
    doc = documents.order_document(s, order)
    job = Job(
        forward_id,
        target.kind,
        target.address,
        target.name,
        target.language,
        doc,
        secret=hub.secrets.open(target.secrets).get("secret", ""),
    )
    if target.kind == "email":
        config = smtp.load(hub, s, order.account_id)
        if config is None:
            raise PermanentError("no SMTP server is set up for this account; set one with `ordersync mail smtp set`")
        values = compose.order_values(s, order, target.language, config.from_name or config.from_address)
        values["target"] = target.name
        job.smtp = config
        job.subject, job.body = templates.get(s, order.account_id, "forward", target.language).render(values)
    return job


def send(hub: Hub, job: Job) -> Delivered:
    if job.kind == "email":
        return _send_mail(job)
    if job.kind == "http":
        return _send_http(job)
    raise PermanentError(f"forward {job.forward_id}: unknown target kind {job.kind!r}")


def _send_mail(job: Job) -> Delivered:
    config = job.smtp
    if config is None:  # never: a mail job is prepared with the account's SMTP settings, or refused
        raise PermanentError(f"forward {job.forward_id}: no SMTP server is set up for this account")
    domain = parseaddr(config.from_address)[1].rpartition("@")[2] or "ordersync.local"
    number = "".join(c if c.isalnum() or c in "-_" else "_" for c in job.document["number"])
    message = compose.build(
        config,
        to=job.address,
        subject=job.subject,
        body=job.body,
        language=job.language,
        message_id=f"<ordersync.forward.{job.forward_id}@{domain}>",
        attachments=[
            (f"order-{number}.csv", "text/csv", documents.order_csv(job.document, job.language)),
            (f"order-{number}.pdf", "application/pdf", documents.order_pdf(job.document, job.language)),
        ],
    )
    smtp.send(config, message)
    return Delivered(f"mailed to {job.address}", ("forwarded_by_mail", {"to": job.address}))


def http_body(job: Job) -> bytes:
    return json.dumps(
        {"event": "order.forward", "forward_id": job.forward_id, "target": job.target, "order": job.document},
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")


def _send_http(job: Job) -> Delivered:
    body = http_body(job)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        FORWARD_ID_HEADER: str(job.forward_id),
        **signing.headers(job.secret, message_id(job.forward_id), body, legacy="timestamp"),
    }
    where = f"POST {job.address}"
    try:
        with guarded_client(default_policy(timeout=HTTP_TIMEOUT)) as client:
            response = client.post(job.address, content=body, headers=headers)
    except httpx.TransportError as exc:
        rule = classify(exc)
        raise rule.error(f"{where}: {rule.message}: {exc or type(exc).__name__}") from None
    if response.status_code >= 300:
        rule = classify(response.status_code)
        text = f"{where}: HTTP {response.status_code} {rule.message}".rstrip(": ")
        if issubclass(rule.error, RateLimited):
            raise rule.error(
                text, retry_after=parse_retry_after(response.headers.get("retry-after")), status=response.status_code
            )
        raise rule.error(text, status=response.status_code)
    return Delivered(
        f"HTTP {response.status_code} from {job.address}",
        ("forwarded_by_http", {"status": str(response.status_code), "url": job.address}),
    )
