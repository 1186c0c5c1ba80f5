"""An order's history in the reader's language, said from each entry's kind and parameters.

The catalogue of kinds is ``domain.history``; its English templates are the gettext message ids (listed
for extraction by ``message_ids``). State parameters are named in the reader's language, a mail's kind by its
label, the quantities of ``lines`` with the reader's numbers. An entry of kind ``text``, or of a kind this code does not know (a newer connector's), is shown as
its stored English text rather than hidden.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ...domain import OrderState
from ...domain.history import KINDS, LINES_PARAM, MAIL_PARAM, STATE_PARAMS, TEXT, lines_text
from .i18n import Translator


def message_ids() -> set[str | tuple[str, str]]:
    """The catalogue's templates as the message ids the web app translates (kind ``text`` has none)."""
    return {(k.template, k.plural) if k.plural else k.template for k in KINDS.values() if k.name != TEXT}


def _value(t: Translator, name: str, value: Any) -> Any:
    if name in STATE_PARAMS:
        try:
            return OrderState(int(value)).label(t.locale)
        except (TypeError, ValueError):
            return value
    if name == MAIL_PARAM:
        return t.label("mail_", str(value))
    if name == LINES_PARAM and isinstance(value, list):
        return lines_text(value, lambda quantity: t.num(Decimal(quantity)))
    return value


def readable(t: Translator, event: Any) -> str:
    """``event`` has ``history_kind``, ``params`` and ``text`` (an order_events row or its view)."""
    kind = KINDS.get(event.history_kind)
    params = event.params if isinstance(event.params, dict) else {}
    if kind is None or kind.name == TEXT or not kind.params <= params.keys():
        return event.text
    values = {name: _value(t, name, value) for name, value in params.items()}
    if kind.plural:
        return t.n(kind.template, kind.plural, int(params["n"]), **values).strip()
    return t(kind.template, **values).strip()
