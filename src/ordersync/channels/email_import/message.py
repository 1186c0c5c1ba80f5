"""A received mail reduced to what the order parsers read: headers, plain text, attachments.

Order mails come as text/plain, text/html or both, in any transfer encoding and charset, sometimes
forwarded (the original as a message/rfc822 attachment). This module turns all of that into one text the
parsers can read line by line; it never raises anything but RecordError, so a damaged mail is quarantined
with a reason instead of stopping the import.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import Message
from email.utils import parseaddr, parsedate_to_datetime

from lxml import etree
from lxml import html as lxml_html

from ..sdk.errors import RecordError

MAX_MAIL_BYTES = 10 * 1024 * 1024  # an order mail is a few kB; bigger ones are quarantined, not parsed
MAX_PARTS = 200
_BLOCK_TAGS = {
    "p",
    "div",
    "tr",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tbody",
    "thead",
    "section",
    "article",
    "header",
    "footer",
    "address",
    "blockquote",
    "pre",
    "hr",
}
_CELL_TAGS = {"td", "th"}


@dataclass(slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(slots=True)
class MailContent:
    message_id: str
    sender: str  # the address only, lower case
    subject: str
    date: datetime | None
    text: str  # the plain-text part, or the HTML part rendered as text
    html_text: str  # the HTML part rendered as text ("" without one)
    attachments: list[Attachment] = field(default_factory=list)
    forwarded_by: str = ""  # the address that forwarded the mail, when the order mail came as an attachment

    @property
    def texts(self) -> list[str]:
        """The readable bodies, plain text first: parsers try them in this order."""
        return [t for t in dict.fromkeys((self.text, self.html_text)) if t.strip()]


def mail_key(raw: bytes, message_id: str) -> str:
    """The identity of a mail: its Message-ID, or a digest of its bytes when it has none."""
    if message_id:
        return message_id
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:32]


def read_mail(raw: bytes) -> MailContent:
    if not isinstance(raw, (bytes, bytearray)):
        raise RecordError(f"mail is {type(raw).__name__}, not bytes")
    if len(raw) > MAX_MAIL_BYTES:
        raise RecordError(
            f"mail has {len(raw)} bytes, more than the {MAX_MAIL_BYTES} an order mail may have",
            hint="Order mails are small; this one is kept in the mailbox for a look by hand.",
        )
    try:
        msg = message_from_bytes(bytes(raw), policy=policy.compat32)
        outer = _headers(msg)
        inner = _forwarded_original(msg)
        if inner is not None:
            content = _content(inner, _headers(inner))
            content.forwarded_by = outer[1]
            if not content.message_id:
                content.message_id = outer[0]
            return content
        return _content(msg, outer)
    except RecordError:
        raise
    except (ValueError, LookupError, UnicodeError) as exc:
        # The standard library's MIME parser raises these on some malformed structures.
        raise RecordError(
            f"the mail's MIME structure could not be read ({type(exc).__name__}: {exc})",
            hint="The mail is damaged or not a MIME message.",
        ) from None


def _header(msg: Message, name: str) -> str:
    value = msg.get(name)
    if value is None:
        return ""
    from email.header import decode_header, make_header

    try:
        text = str(make_header(decode_header(str(value))))
    except (ValueError, LookupError, UnicodeError, TypeError):
        text = str(value)
    return " ".join(text.split())


def _headers(msg: Message) -> tuple[str, str, str, datetime | None]:
    message_id = _header(msg, "Message-ID").strip()[:300]
    sender = parseaddr(_header(msg, "From"))[1].strip().lower()
    subject = _header(msg, "Subject")
    date = None
    raw_date = _header(msg, "Date")
    if raw_date:
        try:
            date = parsedate_to_datetime(raw_date)
        except (ValueError, TypeError, IndexError, OverflowError):
            date = None
        if date is not None and date.tzinfo is None:
            date = None  # "-0000" means the zone is unknown; we do not guess
    return message_id, sender, subject, date


def _forwarded_original(msg: Message) -> Message | None:
    """A mail forwarded as attachment carries the shop's original as message/rfc822."""
    for part in _walk(msg):
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return payload[0]
    return None


def _walk(msg: Message):
    for n, part in enumerate(msg.walk()):
        if n >= MAX_PARTS:
            raise RecordError(f"the mail has more than {MAX_PARTS} MIME parts", hint="Not an order mail.")
        yield part


def _decoded(part: Message) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):  # decode=True gives bytes, or None for a multipart
        payload = part.get_payload()
        return payload if isinstance(payload, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, "replace")
    except LookupError:  # an unknown charset name: read it as UTF-8 rather than give up
        return data.decode("utf-8", "replace")


def _content(msg: Message, headers: tuple[str, str, str, datetime | None]) -> MailContent:
    message_id, sender, subject, date = headers
    plain: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    for part in _walk(msg):
        if part.is_multipart() or part.get_content_type() == "message/rfc822":
            continue
        disposition = str(part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        filename = part.get_filename() or ""
        ctype = part.get_content_type()
        if disposition == "attachment" or filename or not ctype.startswith("text/"):
            data = part.get_payload(decode=True) or b""
            attachments.append(Attachment(_clean_filename(filename), ctype, data))
        elif ctype == "text/html":
            html.append(html_to_text(_decoded(part)))
        elif ctype == "text/plain":
            plain.append(_decoded(part))
    html_text = _normalise("\n".join(html))
    text = _normalise("\n".join(plain)) or html_text
    return MailContent(message_id, sender, subject, date, text, html_text, attachments)


def _clean_filename(name: str) -> str:
    from email.header import decode_header, make_header

    try:
        name = str(make_header(decode_header(name)))
    except (ValueError, LookupError, UnicodeError, TypeError):
        pass
    return name.replace("\x00", "")[:200]


_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f\u200b]+")


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def html_to_text(markup: str) -> str:
    """Render HTML as lines: block elements break lines, table cells of a row are joined by " | ", so an
    item table reads like the plain-text list it stands for. Scripts and styles are dropped."""
    if not markup.strip():
        return ""
    try:
        root = lxml_html.document_fromstring(markup.replace("\x00", ""))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):  # e.g. "Document is empty"
        return ""
    for bad in root.xpath("//script|//style|//head"):
        bad.drop_tree()
    out: list[str] = []

    def walk(el, in_cell: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if tag == "br":
            out.append("\n")
        elif tag in _CELL_TAGS:
            out.append(" | ")
        elif tag in _BLOCK_TAGS and not in_cell:
            out.append("\n")
        if el.text and tag:
            out.append(el.text)
        for child in el:
            walk(child, in_cell or tag in _CELL_TAGS)
            if child.tail:
                out.append(child.tail)
        if tag in _BLOCK_TAGS and not in_cell:
            out.append("\n")

    walk(root, False)
    lines: list[str] = []
    for line in "".join(out).split("\n"):
        line = _SPACES.sub(" ", line).strip()
        line = re.sub(r"^(\|\s*)+", "", line)
        line = re.sub(r"(\s*\|)+$", "", line).strip()
        if line or (lines and lines[-1]):  # one blank line at most, as a section break
            lines.append(line)
    return "\n".join(lines)
