"""The connection settings form, generated from a connector's ``settings_schema``.

Secrets are password inputs that are always rendered empty: a stored secret never travels back to the
browser. When a connection is edited, an empty secret field keeps the stored value. Errors are collected
per field in the user's language, so the form comes back with every problem marked at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...channels.sdk.settings import SettingField, SettingsError, SettingsSchema
from .i18n import Translator


@dataclass
class FieldView:
    """One input as the template draws it."""

    name: str
    label: str
    help: str
    kind: str  # text | url | number | yesno | select | mapping | secret
    value: str
    required: bool
    choices: tuple[str, ...]
    has_stored_secret: bool = False
    error: str = ""
    #: (value, text shown) per choice: the value is what is stored, the text is in the reader's language
    options: tuple[tuple[str, str], ...] = ()

    @property
    def value_text(self) -> str:
        """The value as shown to the reader: a choice's translated text, anything else as it is."""
        return dict(self.options).get(self.value, self.value)


def _kind(f: SettingField) -> str:
    if f.secret:
        return "secret"
    kinds = {"url": "url", "int": "number", "bool": "yesno", "choice": "select", "mapping": "mapping", "pem": "pem"}
    return kinds.get(f.type, "text")


def _shown(f: SettingField, value: Any) -> str:
    if value is None:
        return ""
    if f.type == "bool":
        return "yes" if value else "no"
    if f.type == "mapping" and isinstance(value, dict):
        return "\n".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def field_views(
    t: Translator,
    schema: SettingsSchema,
    values: dict[str, Any] | None = None,
    *,
    stored_secrets: frozenset[str] = frozenset(),
    errors: dict[str, str] | None = None,
    only: tuple[str, ...] | None = None,
) -> list[FieldView]:
    """Inputs for every field (or the ``only`` ones), filled with ``values`` except secrets."""
    values = values or {}
    errors = errors or {}
    views = []
    for f in schema.fields:
        if only is not None and f.name not in only:
            continue
        value = "" if f.secret else _shown(f, values.get(f.name, f.default))
        views.append(
            FieldView(
                f.name,
                t(f.label),
                t(f.help) if f.help else "",
                _kind(f),
                value,
                f.required and f.default is None,
                f.choices,
                f.name in stored_secrets,
                errors.get(f.name, ""),
                tuple((c, t.label("choice_", c)) for c in f.choices),
            )
        )
    return views


def _check(t: Translator, f: SettingField, raw: str) -> str:
    """The first problem with one raw input, in the user's language; empty when it is fine."""
    text = raw.strip()
    if not text:
        return t("This field is required.") if f.required and f.default is None else ""
    if f.type == "url" and not text.lower().startswith(("http://", "https://")):
        return t("Enter an address that starts with https:// (or http://).")
    if f.type == "int":
        try:
            int(text)
        except ValueError:
            return t("Enter a whole number.")
    if f.type == "choice" and text not in f.choices:
        return t("Choose one of the options.")
    if f.type == "bool" and text not in ("yes", "no"):
        return t("Choose yes or no.")
    if f.type == "mapping":
        bad = [p for p in _pairs(text) if "=" not in p]
        if bad:
            return t("Write one pair per line as key=value (not: {bad}).", bad=bad[0])
    return ""


def _pairs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\n", ",").split(",") if p.strip()]


def parse_settings(
    t: Translator, schema: SettingsSchema, form: dict[str, str], *, stored: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validated settings and per-field errors. With ``stored`` (an edit), empty secrets keep their value."""
    raw: dict[str, Any] = {}
    errors: dict[str, str] = {}
    kept: list[SettingField] = []
    for f in schema.fields:
        text = form.get(f"s_{f.name}", "")
        if f.secret and not text.strip() and stored and stored.get(f.name):
            raw[f.name] = stored[f.name]
            kept.append(f)
            continue
        problem = _check(t, f, text)
        if problem:
            errors[f.name] = problem
            continue
        if f.type == "bool" and text.strip():
            raw[f.name] = text.strip() == "yes"
        elif f.type == "mapping":
            raw[f.name] = ",".join(_pairs(text))
        else:
            raw[f.name] = text
    if kept and stored and (moved := schema.destination_changed(stored, raw)):
        # a stored secret is only ever sent where it was entered for: a new address needs it typed again
        for f in kept:
            errors[f.name] = t(
                "The address changed ({fields}): enter this secret again.",
                fields=", ".join(t(label) for label in moved),
            )
    if errors:
        return {}, errors
    try:
        return schema.parse(raw), {}
    except SettingsError as exc:
        name = next((f.name for f in schema.fields if repr(f.name) in str(exc)), "")
        return {}, {name or "_": t("A setting is missing or not valid.") + f" ({exc})"}
