"""German and English for the web UI: the English text is the message id, ``catalog_de.DE`` its German.

Dates are shown in the seller's time zone (ORDERSYNC_TIMEZONE, default Europe/Berlin), numbers and money
with Babel in the user's language. A message missing from the German catalog is a test failure
(tests/web/test_i18n.py), never an English word on a German page.
"""

from __future__ import annotations

import os
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import format_currency, format_decimal

from .catalog_de import DE

LOCALES = ("de", "en")
_BABEL = {"de": "de_DE", "en": "en_GB"}


def N_(msgid: str) -> str:
    """Marks a message id that is translated later (so the catalog test finds it)."""
    return msgid


def zone() -> ZoneInfo:
    return ZoneInfo(os.environ.get("ORDERSYNC_TIMEZONE") or "Europe/Berlin")


def pick_locale(accept_language: str | None) -> str:
    """The first of our languages in an Accept-Language header; German when nothing matches."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LOCALES:
            return code
    return "de"


class Translator:
    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in LOCALES else "en"

    def __call__(self, msgid: str, **values: object) -> str:
        text = DE.get(msgid, msgid) if self.locale == "de" else msgid
        return text.format(**values) if values else text

    def label(self, prefix: str, value: str) -> str:
        """A translated word for a value from the data (a role, an event source); the value itself if the
        catalog does not know it (a new connector's source name is better shown than hidden)."""
        msgid = prefix + value
        text = self(msgid)
        return value if text == msgid else text

    def country(self, code: str | None) -> str:
        if not code:
            return ""
        return Locale.parse(_BABEL[self.locale]).territories.get(code, code)

    def dt(self, value: datetime | None, fmt: str = "short") -> str:
        if value is None:
            return self("never")
        return format_datetime(value.astimezone(zone()), fmt, locale=_BABEL[self.locale])

    def date(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value.astimezone(zone()), "dd.MM.yyyy" if self.locale == "de" else "dd/MM/yyyy",
                               locale=_BABEL[self.locale])

    def money(self, amount: Decimal | None, currency: str) -> str:
        if amount is None:
            return ""
        return format_currency(amount, currency, locale=_BABEL[self.locale])

    def num(self, value: Decimal | float | None) -> str:
        if value is None:
            return ""
        return format_decimal(value, locale=_BABEL[self.locale])

    def ago(self, seconds: float | None) -> str:
        """A lag or an age in words: "3 min", "2 h", "5 days"."""
        if seconds is None:
            return "–"
        s = max(0, int(seconds))
        if s < 90:
            return self("{n} s", n=s)
        if s < 90 * 60:
            return self("{n} min", n=round(s / 60))
        if s < 36 * 3600:
            return self("{n} h", n=round(s / 3600))
        return self("{n} days", n=round(s / 86400))
