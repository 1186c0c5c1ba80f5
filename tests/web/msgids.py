"""Every English message id the web UI can show, found in its templates and Python code by Babel's
extractors with the keywords scripts/update_translations.py uses (``i18n.EXTRACT_KEYWORDS``)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from ordersync.web import ui
from ordersync.web.ui.i18n import EXTRACT_KEYWORDS, EXTRACT_METHODS

UI = Path(ui.__file__).parent


def extracted() -> set[str | tuple[str, str]]:
    """Message ids as Babel extracts them: a string, or (singular, plural) for a message with a count."""
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(UI), EXTRACT_METHODS, keywords=EXTRACT_KEYWORDS
    ):
        if isinstance(message, tuple):
            found.add((message[0], message[1]))
        elif message and not message.endswith("_"):  # 'role_' + value: the values are i18n.DATA_IDS
            found.add(message)
    return found


def all_ids() -> set[str | tuple[str, str]]:
    """Extracted ids and the order history's templates, which live in ``domain.history`` outside the UI."""
    from ordersync.web.ui.history import message_ids

    return extracted() | message_ids()
