"""German and English for the web UI with gettext: the English text is the message id, the German is in
``locale/de/LC_MESSAGES/messages.po`` (plural forms included), compiled in memory when first used.

Dates, numbers and money come from ``ordersync.formatting`` in the user's language (the seller's time zone,
ORDERSYNC_TIMEZONE, else UTC, and the zone is shown); templates use its filters (``|datetime``, ``|date``,
``|money(currency)``, ``|number``, registered in ``deps``). A message missing from the German catalog is a test failure
(tests/web/test_i18n.py), never an English word on a German page; docs/translations.md says how ids are
extracted (Babel) and merged into the catalogs.
"""

from __future__ import annotations

import gettext
from datetime import datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ... import formatting

LOCALES = formatting.LANGUAGES
LOCALE_DIR = Path(__file__).parent / "locale"
#: what Babel's extractors look for (scripts/update_translations.py, tests/web/msgids.py): _("..."), t("..."),
#: page.t("..."), N_("..."), flash("..."), UIError(403, "..."), and the plural forms with a count
EXTRACT_KEYWORDS = {
    "_": None,
    "t": None,
    "N_": None,
    "self": None,
    "flash": None,
    "UIError": (2,),
    "ngettext": (1, 2),
    "n": (1, 2),
    "flash_n": (1, 2),
    "N_plural": (1, 2),
}
EXTRACT_METHODS = [("templates/**.html", "jinja2"), ("*.py", "python")]


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The catalog of ``locale`` from its .po file, compiled once per process (no .mo files to keep in
    step with the sources), with the connectors' own texts behind it."""
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as f:
        catalog = read_po(f, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    found = gettext.GNUTranslations(compiled)
    if locale == "de":
        found.add_fallback(_ConnectorTexts())
    return found


@cache
def connector_texts() -> dict[str, str]:
    """The German of what connectors declare (settings, help, choices as ``choice_<value>``, capability
    notes), kept by each connector in its own ``texts_de.py`` (a ``DE`` dict keyed by the English text) next
    to its code: every package under ``ordersync.channels`` and the package of every registered connector
    (plugins too). Call ``connector_texts.cache_clear()`` after registering a connector at run time."""
    import pkgutil
    from importlib import import_module
    from importlib.util import find_spec

    import ordersync.channels as channels
    from ordersync.channels.registry import all_connectors

    packages = {f"ordersync.channels.{m.name}" for m in pkgutil.iter_modules(channels.__path__) if m.ispkg}
    packages |= {cls.__module__.rpartition(".")[0] for cls in all_connectors().values()}
    texts: dict[str, str] = {}
    for package in sorted(p for p in packages if p):
        try:
            spec = find_spec(f"{package}.texts_de")
        except ModuleNotFoundError:
            spec = None
        if spec is not None:
            texts.update(getattr(import_module(f"{package}.texts_de"), "DE", {}))
    return texts


class _ConnectorTexts(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return connector_texts().get(message, message)


def german(msgid: str) -> str:
    """The German of ``msgid`` from the catalog or a connector's texts; "" where there is none."""
    text = translations("de").gettext(msgid)
    return "" if text == msgid and msgid not in _german_ids() and msgid not in connector_texts() else text


@cache
def _german_ids() -> frozenset[str]:
    with (LOCALE_DIR / "de" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return frozenset(m.id for m in read_po(f, locale="de") if isinstance(m.id, str) and m.id and m.string)


def N_(msgid: str) -> str:
    """Marks a message id that is translated later (so the catalog test finds it)."""
    return msgid


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a count that is translated later (``Translator.n``)."""
    return singular, plural


#: message ids the templates build from data ('role_' + user.role and friends), listed so extraction sees them
DATA_IDS = (
    N_("role_owner"),
    N_("role_staff"),
    N_("role_readonly"),
    N_("run_orders"),
    N_("run_articles"),
    N_("run_webhook"),
    N_("run_dispatch"),
    N_("letter_state"),
    N_("letter_tracking"),
    N_("letter_stock"),
    N_("letter_message"),
    N_("letter_mail"),
    N_("source_channel"),
    N_("source_user"),
    N_("source_system"),
    N_("source_poll"),
    N_("source_webhook"),
    N_("source_api"),
    N_("mail_message"),
    N_("mail_state"),
    N_("mail_tracking"),
    N_("mail_forward"),
)


def zone() -> ZoneInfo:
    return formatting.zone()


def pick_locale(accept_language: str | None) -> str:
    """Our language the browser prefers most by its Accept-Language q-values (RFC 9110 12.5.4; equal
    weights keep the header's order, q=0 means "not this one"); German when none of ours is wanted."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        code, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        language = code.lower().split("-")[0]
        if language in LOCALES and weight > 0:
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else "de"


class Translator:
    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in LOCALES else "en"
        self._catalog = translations(self.locale)

    def __call__(self, msgid: str, **values: object) -> str:
        text = self._catalog.gettext(msgid) if msgid else ""
        return text.format(**values) if values else text

    def n(self, singular: str, plural: str, count: int | float | Decimal, **values: object) -> str:
        """A message with a number in it, in the plural form the language needs for ``count``; ``{n}`` is
        ``count`` unless ``values`` gives it (e.g. already formatted)."""
        text = self._catalog.ngettext(singular, plural, int(count))
        return text.format(**{"n": self.num(count), **values})

    def label(self, prefix: str, value: str) -> str:
        """A translated word for a value from the data (a role, an event source); the value itself if the
        catalog does not know it (a new connector's source name is better shown than hidden)."""
        msgid = prefix + value
        text = self(msgid)
        return value if text == msgid else text

    def country(self, code: str | None) -> str:
        if not code:
            return ""
        return Locale.parse(formatting.BABEL_LOCALE[self.locale]).territories.get(code, code)

    def dt(self, value: datetime | None) -> str:
        """Day and time with the zone; "never" for a time that has not come yet (a first sync)."""
        return self("never") if value is None else formatting.datetime_(value, self.locale)

    def date(self, value: datetime | None) -> str:
        return "" if value is None else formatting.date(value, self.locale)

    def money(self, amount: Decimal | None, currency: str) -> str:
        return "" if amount is None else formatting.money(amount, currency, self.locale)

    def num(self, value: Decimal | float | None) -> str:
        return "" if value is None else formatting.number(value, self.locale)

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
        return self.n("{n} day", "{n} days", round(s / 86400))
