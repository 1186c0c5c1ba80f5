"""Text a database cannot store, removed from mapped records before they reach the store.

PostgreSQL refuses a NUL character in any text column, and neither database can encode a lone surrogate
(JSON's "\\ud800" decodes to one). A buyer name with either would make the whole page's transaction fail
on every poll. Every mapped record is cleaned by the engine just before it is stored (``importer.store_page``
scans each order's stored form with :func:`json_may_have_bad_text` and walks it with :func:`clean_record`
only on a find; ``sync.articles`` cleans articles), so one damaged field costs that field's bad characters,
not the page.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar, cast

T = TypeVar("T")

_BAD = re.compile("[\x00\ud800-\udfff]")


def clean_text(value: str) -> str:
    """``value`` without NUL; a lone surrogate becomes U+FFFD (the replacement character)."""
    if not _BAD.search(value):
        return value
    return _BAD.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)


def has_bad_text(value: str) -> bool:
    return bool(_BAD.search(value))


def json_may_have_bad_text(text: str) -> bool:
    """Whether JSON written with ``ensure_ascii=False`` (the store's form, ``domain.codec.dumps``) may hold a
    string with bad text: a NUL is written as the escape ``\\u0000``, a lone surrogate as itself. One scan of
    the text instead of a walk of the record; a literal backslash-u0000 in a value only costs a walk."""
    return "\\u0000" in text or has_bad_text(text)


def clean_record(record: T) -> T:
    """Clean every string inside ``record`` (dataclasses, lists, tuples and dicts, keys too), in place where
    the container allows it; returns the record."""
    return cast(T, _clean(record))


_ATOMS = frozenset({int, float, bool, type(None), Decimal, datetime, date})  # hold no text: returned at once


@cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names, None for any other type (asked once per type, not once per value)."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


def _clean(value: Any) -> Any:
    kind: type = type(value)  # annotated: mypy does not take type[Any] for Hashable, which the cache asks for
    if kind is str:
        return clean_text(value)
    if kind in _ATOMS:
        return value
    if isinstance(value, str):
        return clean_text(value)
    names = _field_names(kind) if kind is not type else None
    if names is not None:
        for name in names:
            old = getattr(value, name)
            new = _clean(old)
            if new is not old:
                try:
                    object.__setattr__(value, name, new)
                except (AttributeError, TypeError):
                    pass
        return value
    if isinstance(value, list):
        for i, item in enumerate(value):
            new = _clean(item)
            if new is not item:
                value[i] = new
        return value
    if isinstance(value, tuple):
        items = tuple(_clean(x) for x in value)
        return (
            value
            if all(a is b for a, b in zip(items, value, strict=True))
            else type(value)(items)
            if not hasattr(value, "_fields")
            else type(value)(*items)
        )
    if isinstance(value, dict):
        if any(isinstance(k, str) and has_bad_text(k) for k in value):
            cleaned = {_clean(k): _clean(v) for k, v in value.items()}
            value.clear()
            value.update(cleaned)
            return value
        for k, v in value.items():
            new = _clean(v)
            if new is not v:
                value[k] = new
        return value
    return value
