"""Typed connection settings, declared per connector. Secret fields are encrypted at rest and never shown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

FieldType = Literal["str", "url", "int", "bool", "choice", "mapping", "pem"]


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the field."""


@dataclass(frozen=True, slots=True)
class SettingField:
    name: str
    label: str
    type: FieldType = "str"
    required: bool = True
    secret: bool = False
    default: Any = None
    help: str = ""
    choices: tuple[str, ...] = ()
    # an int field's ceiling: a number, or a function read at parse time (an operator's setting), and what sets it
    maximum: Any = None
    maximum_source: str = ""
    #: part of where the connection's secrets go (URL fields always are): changing it needs them again
    destination: bool = False

    def parse(self, raw: Any) -> Any:
        if raw is None or raw == "":
            if self.required and self.default is None:
                raise SettingsError(f"setting {self.name!r} ({self.label}) is required")
            return self.default
        try:
            return _PARSERS[self.type](self, raw)
        except SettingsError:
            raise
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"setting {self.name!r}: {exc}") from None


def _str(f: SettingField, raw: Any) -> str:
    return str(raw).strip()


def _url(f: SettingField, raw: Any) -> str:
    text = str(raw).strip().rstrip("/")
    if not text.startswith(("http://", "https://")):
        raise SettingsError(f"setting {f.name!r}: {text!r} is not an http(s) URL")
    return text


def _int(f: SettingField, raw: Any) -> int:
    value = int(raw)
    ceiling = f.maximum() if callable(f.maximum) else f.maximum
    if ceiling is not None and value > ceiling:
        where = f" ({f.maximum_source})" if f.maximum_source else ""
        raise SettingsError(
            f"setting {f.name!r} ({f.label}) is {value}: at most {ceiling} is allowed on this hub{where}"
        )
    return value


def _bool(f: SettingField, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on", "ja"):
        return True
    if text in ("0", "false", "no", "off", "nein"):
        return False
    raise SettingsError(f"setting {f.name!r}: {raw!r} is not yes/no")


def _choice(f: SettingField, raw: Any) -> str:
    text = str(raw).strip()
    if text not in f.choices:
        raise SettingsError(f"setting {f.name!r}: {text!r} is not one of {', '.join(f.choices)}")
    return text


def _mapping(f: SettingField, raw: Any) -> dict[str, str]:
    """A mapping given as a dict or as 'a=b,c=d' on the command line."""
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items()}
    result: dict[str, str] = {}
    for pair in str(raw).split(","):
        if not pair.strip():
            continue
        if "=" not in pair:
            raise SettingsError(f"setting {f.name!r}: {pair!r} is not key=value")
        k, v = pair.split("=", 1)
        result[k.strip()] = v.strip()
    return result


def _pem(f: SettingField, raw: Any) -> str:
    from .tls import CaBundleError, check_ca_bundle

    try:
        return check_ca_bundle(str(raw))
    except CaBundleError as exc:
        raise SettingsError(f"setting {f.name!r}: {exc}") from None


_PARSERS = {"str": _str, "url": _url, "int": _int, "bool": _bool, "choice": _choice, "mapping": _mapping, "pem": _pem}


def _destination_key(f: SettingField, value: Any) -> Any:
    text = "" if value is None else str(value).strip()
    if f.type != "url":
        return text.lower()
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text.lower()
    scheme = parts.scheme.lower()
    return (parts.hostname or "").rstrip(".").lower(), port or {"https": 443, "http": 80}.get(scheme)


#: every connector that talks HTTP(S) or IMAP over TLS offers these two (see :mod:`.tls`)
VERIFY_TLS = SettingField("verify_tls", "Verify TLS certificate", "bool", required=False, default=True)
CA_BUNDLE = SettingField(
    "ca_bundle",
    "CA certificates (PEM)",
    "pem",
    required=False,
    default="",
    help="For a shop whose certificate a private CA signed: paste that CA's certificate "
    "(-----BEGIN CERTIFICATE----- ...). It is trusted for this connection only.",
)


def concurrency_field(help: str, default: int = 4, maximum: int = 16) -> SettingField:
    """The pages an import reads at once, for platforms that serve requests side by side (the conformance
    suite runs every connector declaring it with several pages in flight). ``help`` names the platform's
    own limit, so each connector words it (and translates it) itself."""
    return SettingField(
        "concurrency", "Parallel requests", "int", required=False, default=default, maximum=maximum, help=help
    )


@dataclass(frozen=True, slots=True)
class SettingsSchema:
    fields: tuple[SettingField, ...] = field(default_factory=tuple)
    #: settings a connector no longer has, by name, with why: stored connections may still carry them, so
    #: parsing drops them instead of refusing the connection; new input naming them is refused with the why
    retired: Mapping[str, str] = field(default_factory=dict)

    def field(self, name: str) -> SettingField:
        for f in self.fields:
            if f.name == name:
                return f
        raise SettingsError(f"unknown setting {name!r}; known: {', '.join(f.name for f in self.fields)}")

    def parse(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Validate stored settings; unknown keys are an error so typos never pass silently, retired ones
        are dropped."""
        for key in raw:
            if key not in self.retired:
                self.field(key)
        return {f.name: f.parse(raw.get(f.name)) for f in self.fields}

    def check_input(self, raw: Mapping[str, Any]) -> None:
        """New input (wizard, CLI, API) may not name a retired setting with a value: say why it is gone."""
        for key, value in raw.items():
            if key in self.retired and value not in (None, ""):
                raise SettingsError(f"setting {key!r} no longer exists: {self.retired[key]}")

    @property
    def secret_names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields if f.secret)

    def destination_changed(self, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
        """Labels of the destination fields (URLs by host and port, ``destination`` fields by value) whose
        value differs between the stored ``old`` and the entered ``new`` settings."""
        changed = []
        for f in self.fields:
            if f.type != "url" and not f.destination:
                continue
            before, after = old.get(f.name, f.default), new.get(f.name, f.default)
            if _destination_key(f, before) != _destination_key(f, after):
                changed.append(f.label)
        return changed

    def redacted(self, values: dict[str, Any]) -> dict[str, Any]:
        return {k: ("••••••" if k in self.secret_names and v else v) for k, v in values.items()}
