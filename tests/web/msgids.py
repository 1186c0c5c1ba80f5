"""Every English message id the web UI can show, found in its templates and Python code."""

from __future__ import annotations

import re
from pathlib import Path

from ordersync.web import ui

UI = Path(ui.__file__).parent
# _('...') in templates; t("..."), page.t("..."), flash("..."), UIError(403, "...") and dict literals in Python
_TEMPLATE = re.compile(r"""_\(\s*(['"])((?:\\.|(?!\1).)*)\1""")
_PYTHON = re.compile(r"""(?:\b(?:t|self|N_)\(|\.flash\(|UIError\(\d+,)\s*(['"])((?:\\.|(?!\1).)+)\1""")
# keys built from data in templates: 'role_' + user.role and friends
DYNAMIC = {"role_": ("owner", "staff", "readonly"), "run_": ("orders", "articles", "webhook", "dispatch"),
           "letter_": ("state", "tracking", "stock", "message", "mail"),
           "source_": ("channel", "user", "system", "poll", "webhook", "api"),
           "mail_": ("message", "state", "tracking", "forward")}


def _unescape(text: str) -> str:
    return text.replace("\\'", "'").replace('\\"', '"')


def template_ids() -> set[str]:
    found = set()
    for path in (UI / "templates").rglob("*.html"):
        text = path.read_text()
        for m in _TEMPLATE.finditer(text):
            if not m.group(2).endswith("_"):
                found.add(_unescape(m.group(2)))
    return found


def python_ids() -> set[str]:
    found = set()
    for path in UI.glob("*.py"):
        if path.name == "catalog_de.py":
            continue
        text = path.read_text()
        for m in _PYTHON.finditer(text):
            found.add(_unescape(m.group(2)))
    from ordersync.web.ui import errors, routes_shops

    found.update(errors._KNOWN.values())
    found.update(routes_shops.GROUP_TITLES.values())
    return found


def dynamic_ids() -> set[str]:
    return {prefix + value for prefix, values in DYNAMIC.items() for value in values}


def all_ids() -> set[str]:
    return template_ids() | python_ids() | dynamic_ids()
