"""The kinds of line an order's history holds, each with its English template: the one catalogue.

A history entry is stored as a kind from this catalogue with its parameters (``order_events.history_kind``
and ``params``) beside the English sentence rendered here (``text``), which logs, the command line, the API
and integrators' webhooks show. The web app says the same entry again in the reader's language from kind and
parameters; the templates below are its gettext message ids, so a template changed here needs its German in
``web/ui/locale/de`` (tests/web/test_history.py fails until it has it).

Parameters by name: ``old``, ``new`` and ``state`` hold an order state's number and are shown as the state's
name; ``mail`` holds a buyer mail's kind (state, tracking, message, forward); ``lines`` is a list of
``{"quantity": "1.5", "item": "<SKU or line id>"}`` shown as "1.5 × TEE-1, …" with the reader's numbers.
Every other parameter is shown as stored. Kind ``text`` carries a sentence as written (lines from before kinds existed, or a connector's
own note), and a reader that meets a kind it does not know shows the stored English text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from string import Formatter
from typing import Any

from .states import OrderState

STATE_PARAMS = frozenset({"old", "new", "state"})
MAIL_PARAM = "mail"
LINES_PARAM = "lines"
TEXT = "text"


@dataclass(frozen=True)
class HistoryKind:
    name: str
    #: the English sentence with {placeholders}; with ``plural`` set, the singular form
    template: str
    #: the order event type it is filed under (``order_events.kind``: what webhooks and the API call it)
    event: str
    #: the plural form, for a kind with a count in parameter ``n``
    plural: str | None = None
    #: the parameter names the template needs (with ``n`` for a kind with a plural), read from it once
    params: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        names = {name for _, name, _, _ in Formatter().parse(self.template) if name}
        object.__setattr__(self, "params", frozenset(names | ({"n"} if self.plural else set())))


def _kinds(*kinds: HistoryKind) -> dict[str, HistoryKind]:
    return {k.name: k for k in kinds}


KINDS = _kinds(
    HistoryKind("imported", "imported ({status})", "imported"),
    HistoryKind("imported_in_state", "imported ({state})", "imported"),
    HistoryKind("updated_from_channel", "updated from channel", "updated"),
    HistoryKind("state_from_channel", "state {old} → {new} ({status}) from channel", "updated"),
    HistoryKind("state_changed", "state {old} → {new}", "state"),
    HistoryKind("shipment", "shipment {carrier} {tracking}", "shipment"),
    HistoryKind("shipment_lines", "shipment {carrier} {tracking} ({lines})", "shipment"),
    HistoryKind("lines_cancelled", "lines cancelled: {lines}", "line_cancelled"),
    HistoryKind("lines_cancelled_reason", "lines cancelled: {lines} ({reason})", "line_cancelled"),
    HistoryKind(
        "channel_cancels_no_lines",
        "the channel {system} takes no line cancellations: cancel the lines there too",
        "line_cancelled",
    ),
    HistoryKind("ack_accepted", "accepted (queued for the channel)", "acknowledgement"),
    HistoryKind("ack_rejected", "rejected: {reason} (queued for the channel)", "acknowledgement"),
    HistoryKind("message", "message: {subject}", "message"),
    HistoryKind("message_by_mail", "message by e-mail: {subject}", "message"),
    HistoryKind("mail_queued", "{mail} mail queued: {subject}", "mail_queued"),
    HistoryKind("mail_no_address", "no {mail} mail: the buyer's e-mail address is unknown", "mail_skipped"),
    HistoryKind("mail_no_connection", "no {mail} mail: the order's connection was removed", "mail_skipped"),
    HistoryKind("mail_sent", "{mail} mail to {to}: {subject}", "mail"),
    HistoryKind("forward_mail_sent", "forward mail to {to} ({target}), CSV and PDF attached", "mail"),
    HistoryKind("tags", "tags {tags}", "tags"),
    HistoryKind("forward_queued_by_hand", "forward to {target} queued (by hand)", "forward"),
    HistoryKind("forward_queued_by_rule", "forward to {target} queued (by rule {rule})", "forward"),
    HistoryKind("forwarded", "forwarded to {target}: {detail}", "forward"),  # entries written before 2026-12
    HistoryKind("forwarded_by_mail", "forwarded to {target} by e-mail to {to}", "forward"),
    HistoryKind("forwarded_by_http", "forwarded to {target}: HTTP {status} from {url}", "forward"),
    HistoryKind(
        "forward_failed",
        "forward to {target} failed after {n} attempt: {error}",
        "forward",
        plural="forward to {target} failed after {n} attempts: {error}",
    ),
    HistoryKind("oversold", "oversold: not enough stock for {skus}", "oversold"),
    HistoryKind("personal_data_erased", "personal data erased at the buyer's request ({reason})", "erasure"),
    HistoryKind(
        "personal_data_stripped_on_import",
        "the channel sent the erased buyer's personal data again: not stored ({reason})",
        "erasure",
    ),
    HistoryKind(TEXT, "{text}", "note"),
)


def kind_of(name: str) -> HistoryKind:
    """The catalogue's kind ``name``; a name it does not hold is a programming error, said at once."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown order history kind {name!r}; the catalogue is ordersync.domain.history") from None


def check(kind: HistoryKind, params: Mapping[str, Any]) -> None:
    """Refuse parameters that leave a placeholder of the template empty, or a state that is not one."""
    missing = kind.params - params.keys()
    if missing:
        raise ValueError(f"order history kind {kind.name!r} needs {', '.join(sorted(missing))}")
    for name in STATE_PARAMS & params.keys():
        OrderState(int(params[name]))  # ValueError names the bad number
    if LINES_PARAM in params:
        lines = params[LINES_PARAM]
        if not isinstance(lines, list) or not all(
            isinstance(x, dict) and {"quantity", "item"} <= x.keys() for x in lines
        ):
            raise ValueError(f"order history kind {kind.name!r}: lines are a list of {{quantity, item}}, not {lines!r}")


def lines_text(lines: list[dict[str, str]], number: Callable[[str], str] = str) -> str:
    """Lines with their quantities, "2 × TEE-1, 1.5 × CAP"; ``number`` writes a quantity for the reader."""
    return ", ".join(f"{number(x['quantity'])} × {x['item']}" for x in lines)


def english(name: str, params: Mapping[str, Any]) -> str:
    """The entry's English sentence (what logs, the CLI and the API show)."""
    kind = kind_of(name)
    values = {
        k: OrderState(int(v)).name_en if k in STATE_PARAMS else lines_text(v) if k == LINES_PARAM else v
        for k, v in params.items()
    }
    template = kind.plural if kind.plural and int(params["n"]) != 1 else kind.template
    return template.format(**values).strip()
