"""Text a database cannot store, removed from mapped records before they reach the store.

PostgreSQL refuses a NUL character in any text column, and neither database can encode a lone surrogate
(JSON's "\\ud800" decodes to one). A buyer name with either would make the whole page's transaction fail
on every poll. Every connector's mapped records pass through :func:`clean_record` (``map_records`` and the
engine's ``store_page`` call it), so one damaged field costs that field's bad characters, not the page.
"""

from __future__ import annotations

import dataclasses
import re
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


def clean_record(record: T) -> T:
    """Clean every string inside ``record`` (dataclasses, lists, tuples and dicts, keys too), in place where
    the container allows it; returns the record."""
    return cast(T, _clean(record))


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            old = getattr(value, f.name)
            new = _clean(old)
            if new is not old:
                try:
                    object.__setattr__(value, f.name, new)
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
        return value if all(a is b for a, b in zip(items, value, strict=True)) else type(value)(items) \
            if not hasattr(value, "_fields") else type(value)(*items)
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
