"""Lossless JSON form of domain objects: Decimals as strings, datetimes as ISO 8601 with offset.

The store keeps an order's full picture in this form and hashes it to tell a real change from a re-read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import typing
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import IntEnum
from functools import cache
from types import NoneType, UnionType
from typing import Any, TypeVar, cast

T = TypeVar("T")


_PLAIN = (str, int, float, bool, type(None))


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def to_data(obj: Any) -> Any:
    """Runs once per imported order over every nested field: plain values return on the first test."""
    kind: type = type(obj)  # annotated: mypy does not take type[Any] for Hashable, which the cache asks for
    if kind in _PLAIN:  # exact types: an IntEnum is an int subclass and must not pass here
        return obj
    if hasattr(kind, "__dataclass_fields__"):
        return {name: to_data(getattr(obj, name)) for name in _field_names(kind)}
    if isinstance(obj, IntEnum):
        return int(obj)
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, (list, tuple)):
        return [to_data(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_data(v) for k, v in obj.items()}
    return obj


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _from(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, UnionType):
        args = [a for a in typing.get_args(tp) if a is not NoneType]
        if value is None:
            return None
        return _from(args[0], value)
    if value is None:
        return None
    if origin is list:
        (inner,) = typing.get_args(tp)
        return [_from(inner, v) for v in value]
    if origin is dict:
        _, inner = typing.get_args(tp)
        return {k: _from(inner, v) for k, v in value.items()}
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            return from_data(tp, value)
        if issubclass(tp, IntEnum):
            return tp(int(value))
        if tp is Decimal:
            return Decimal(value)
        if tp is datetime:
            return datetime.fromisoformat(value)
    return value


def from_data(cls: type[T], data: dict[str, Any]) -> T:
    plain: type = cls  # (see to_data)
    hints = _hints(plain)
    kwargs = {f.name: _from(hints[f.name], data[f.name]) for f in dataclasses.fields(cast(Any, cls)) if f.name in data}
    return cls(**kwargs)


def _encode(obj: Any) -> Any:
    """What json's C encoder cannot write itself, one level at a time (it recurses into what this returns):
    the same form as ``to_data`` without a Python call for every plain value. The way to write a type is
    decided once per type (``_writer``), which an order's twenty-odd calls here then look up."""
    kind: type = type(obj)  # (see to_data)
    write = _WRITERS.get(kind)
    if write is None:
        write = _WRITERS[kind] = _writer(kind)
    return write(obj)


def _writer(kind: type) -> Callable[[Any], Any]:
    """How ``_encode`` writes a value of type ``kind``: a dataclass as the dict of its fields, a Decimal as its
    string, a datetime in ISO 8601; anything else is refused."""
    if hasattr(kind, "__dataclass_fields__"):
        return _dataclass_writer(kind)
    if issubclass(kind, Decimal):
        return str
    if issubclass(kind, datetime):
        return kind.isoformat
    return _refuse


def _dataclass_writer(kind: type) -> Callable[[Any], Any]:
    """A function that returns a dataclass's fields as a dict, written out for the class as ``dataclasses``
    writes ``__init__``. A field whose annotation names Decimal or datetime has its value written here already
    when it is exactly one of those (as ``_writer`` would write it): the encoder then need not call back for
    it. Any other value is left for the encoder, which writes it or calls ``_encode``: the same text."""
    fields = {f.name: f.type for f in dataclasses.fields(kind)}
    entries = []
    for name in _field_names(kind):
        annotation = fields[name] if isinstance(fields[name], str) else repr(fields[name])
        if "Decimal" in annotation or "datetime" in annotation:
            entries.append(
                f"{name!r}: (_str(v) if (t := _type(v := o.{name})) is _Decimal"
                " else v.isoformat() if t is _datetime else v)"
            )
        else:
            entries.append(f"{name!r}: o.{name}")
    source = (
        "def write(o, _type=type, _str=str, _Decimal=_Decimal, _datetime=_datetime):\n"
        f"    return {{{', '.join(entries)}}}\n"
    )
    namespace: dict[str, Any] = {"_Decimal": Decimal, "_datetime": datetime}
    exec(source, namespace)  # noqa: S102 - the source is built from the field names of a dataclass
    return cast(Callable[[Any], Any], namespace["write"])


def _refuse(obj: Any) -> Any:
    raise TypeError(f"{type(obj).__name__} is not serialisable")


_WRITERS: dict[type, Callable[[Any], Any]] = {}  # per type, as the program defines them: nothing to go stale


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_encode)


def dumps(obj: Any) -> str:
    """The canonical form the store keeps and hashes; equal to ``json.dumps(to_data(obj), sort_keys=True, ...)``
    (an IntEnum is written as its number by the encoder itself; tests/domain hold the two equal)."""
    return _ENCODER.encode(obj)


def digest(text: str) -> str:
    """The hash of an already serialised form (see ``dumps``)."""
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def content_hash(obj: Any) -> str:
    return digest(dumps(obj))
