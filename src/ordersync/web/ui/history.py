"""An order's history in the reader's language.

The engine writes each history line once, in English, for logs, the CLI and the API (which show it as
written). The web app reads the lines it knows back into their parts and says them again in the user's
language, with state names in that language; a line it does not know (a new connector's, an older format)
is shown as written rather than hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ...domain import OrderState
from .i18n import N_, N_plural, Translator

_BY_NAME = {s.name_en: s for s in OrderState}


def _state(t: Translator, value: str) -> str:
    """A state written as its number or its English name, in the reader's language."""
    state = _BY_NAME.get(value)
    if state is None and value.isdigit():
        try:
            state = OrderState(int(value))
        except ValueError:
            return value
    return state.label(t.locale) if state is not None else value


def _mail_kind(t: Translator, value: str) -> str:
    return t.label("mail_", value)


_Fixers = dict[str, Callable[[Translator, str], str]]
_PATTERNS: list[tuple[re.Pattern[str], str, _Fixers]] = [
    (re.compile(r"imported \((?P<status>.*)\)"), N_("imported ({status})"), {"status": _state}),
    (re.compile(r"updated from channel"), N_("updated from channel"), {}),
    (re.compile(r"state (?P<old>\d+) → (?P<new>\d+) \((?P<status>.*)\) from channel"),
     N_("state {old} → {new} ({status}) from channel"), {"old": _state, "new": _state}),
    (re.compile(r"state (?P<old>.+) → (?P<new>.+)"), N_("state {old} → {new}"), {"old": _state, "new": _state}),
    (re.compile(r"shipment (?P<carrier>\S+) (?P<tracking>.+)"), N_("shipment {carrier} {tracking}"), {}),
    (re.compile(r"lines cancelled: (?P<lines>.+?) \((?P<reason>.*)\)"), N_("lines cancelled: {lines} ({reason})"), {}),
    (re.compile(r"lines cancelled: (?P<lines>.+)"), N_("lines cancelled: {lines}"), {}),
    (re.compile(r"the channel (?P<system>\S+) takes no line cancellations: cancel the lines there too"),
     N_("the channel {system} takes no line cancellations: cancel the lines there too"), {}),
    (re.compile(r"accepted \(queued for the channel\)"), N_("accepted (queued for the channel)"), {}),
    (re.compile(r"rejected: (?P<reason>.*) \(queued for the channel\)"),
     N_("rejected: {reason} (queued for the channel)"), {}),
    (re.compile(r"message by e-mail:(?: (?P<subject>.*))?"), N_("message by e-mail: {subject}"), {}),
    (re.compile(r"message:(?: (?P<subject>.*))?"), N_("message: {subject}"), {}),
    (re.compile(r"(?P<kind>\w+) mail queued: (?P<subject>.*)"), N_("{kind} mail queued: {subject}"),
     {"kind": _mail_kind}),
    (re.compile(r"no (?P<kind>\w+) mail: the buyer's e-mail address is unknown"),
     N_("no {kind} mail: the buyer's e-mail address is unknown"), {"kind": _mail_kind}),
    (re.compile(r"no (?P<kind>\w+) mail: the order's connection was removed"),
     N_("no {kind} mail: the order's connection was removed"), {"kind": _mail_kind}),
    (re.compile(r"(?P<kind>\w+) mail to (?P<to>\S+): (?P<subject>.*)"), N_("{kind} mail to {to}: {subject}"),
     {"kind": _mail_kind}),
    (re.compile(r"tags (?P<tags>.+)"), N_("tags {tags}"), {}),
    (re.compile(r"forward to (?P<target>.+) queued \(manual\)"), N_("forward to {target} queued (by hand)"), {}),
    (re.compile(r"forward to (?P<target>.+) queued \(rule:(?P<rule>\d+)\)"),
     N_("forward to {target} queued (by rule {rule})"), {}),
    (re.compile(r"forwarded to (?P<target>.+?): (?P<detail>.*)"), N_("forwarded to {target}: {detail}"), {}),
    (re.compile(r"forward to (?P<target>.+) failed after (?P<n>\d+) attempt\(s\): (?P<error>.*)"),
     N_plural("forward to {target} failed after {n} attempt: {error}",
              "forward to {target} failed after {n} attempts: {error}"), {}),
    (re.compile(r"forward mail to (?P<to>\S+) \((?P<target>.+)\), CSV and PDF attached"),
     N_("forward mail to {to} ({target}), CSV and PDF attached"), {}),
    (re.compile(r"oversold: not enough stock for (?P<skus>.+)"), N_("oversold: not enough stock for {skus}"), {}),
]


def readable(t: Translator, text: str) -> str:
    for pattern, msgid, fixers in _PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            parts = {name: value or "" for name, value in found.groupdict().items()}
            for name, fix in fixers.items():
                parts[name] = fix(t, parts[name])
            if isinstance(msgid, tuple):  # a count in it: the plural form the reader's language needs
                return t.n(*msgid, int(parts["n"]), **parts).strip()
            return t(msgid, **parts).strip()
    return text
