"""Finding connectors: Python entry points in the group ``ordersync.connectors``, plus classes registered
at run time (tests, plugins loaded by hand).

Every class is validated when it is loaded, because the setup wizard and docs/channels.md are generated from
its declarations: a connector that declares nonsense would otherwise show up as a broken page for a seller.
A plugin that fails to import or validate is reported with its entry-point name and error (``problems()``,
and in the message of ``get_connector``) and never hides the connectors that did load.
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points

from .sdk.capabilities import Capability, CapabilityDecl, Mode
from .sdk.connector import Connector
from .sdk.guide import GuideStep
from .sdk.settings import SettingsSchema

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "ordersync.connectors"
GROUPS = ("marketplace", "shop", "erp", "files")
_SYSTEM_ID = re.compile(r"[a-z0-9_]+")


class InvalidConnector(ValueError):
    """A connector class declares something the SDK cannot use; the message lists every problem."""


class UnknownConnector(LookupError):
    """No connector for the requested system; the message lists the known ones and close matches."""


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A plugin that could not be loaded: its entry-point name and what went wrong."""

    name: str
    error: str


_registered: dict[str, type[Connector]] = {}


def validate(cls: object) -> None:
    """Raise InvalidConnector listing every declaration problem of ``cls``; return None when it is sound."""
    if not (isinstance(cls, type) and issubclass(cls, Connector)):
        raise InvalidConnector(f"{cls!r} is not a subclass of ordersync.channels.sdk.connector.Connector")
    errors = [*_check_identity(cls), *_check_capabilities(cls), *_check_settings_and_guide(cls), *_check_oauth(cls)]
    if errors:
        raise InvalidConnector(f"connector {cls.__module__}.{cls.__qualname__}: " + "; ".join(errors))


def _check_identity(cls: type[Connector]) -> list[str]:
    errors = []
    system = getattr(cls, "system", None)
    if not isinstance(system, str) or not _SYSTEM_ID.fullmatch(system):
        errors.append(f"system {system!r} must be lowercase letters, digits and _")
    if not isinstance(getattr(cls, "display_name", None), str) or not cls.display_name.strip():
        errors.append("display_name is missing")
    if getattr(cls, "group", None) not in GROUPS:
        errors.append(f"group {getattr(cls, 'group', None)!r} must be one of {', '.join(GROUPS)}")
    return errors


def _check_capabilities(cls: type[Connector]) -> list[str]:
    decls = getattr(cls, "capabilities", None)
    if not isinstance(decls, tuple) or not decls:
        return ["capabilities must be a non-empty tuple of declare(...) results"]
    errors, seen = [], set()
    for decl in decls:
        if not isinstance(decl, CapabilityDecl) or not isinstance(decl.capability, Capability):
            errors.append(f"capability {decl!r} is not a CapabilityDecl")
            continue
        name = decl.capability.value
        if name in seen:
            errors.append(f"capability {name} is declared twice")
        seen.add(name)
        if not decl.modes:
            errors.append(f"capability {name} declares no mode")
        errors += [f"capability {name}: {m!r} is not a Mode" for m in decl.modes if not isinstance(m, Mode)]
        if decl.item_level and decl.capability is not Capability.TRANSMIT_TRACKING:
            errors.append(f"capability {name}: item_level only applies to transmit_tracking")
        if decl.cancels_lines and decl.capability is not Capability.CHANGE_STATUS:
            errors.append(f"capability {name}: cancels_lines only applies to change_status")
    return errors


def _check_settings_and_guide(cls: type[Connector]) -> list[str]:
    schema = getattr(cls, "settings_schema", None)
    if not isinstance(schema, SettingsSchema):
        return ["settings_schema must be a SettingsSchema"]
    steps = getattr(cls, "guide", None)
    if not isinstance(steps, tuple) or not steps or not all(isinstance(s, GuideStep) for s in steps):
        return ["guide must be a non-empty tuple of GuideStep"]
    errors = [f"guide step {i} has no title or text" for i, s in enumerate(steps, 1) if not (s.title and s.text)]
    known = {f.name for f in schema.fields}
    for step in steps:
        errors += [f"guide step {step.title!r} names unknown setting {n!r}" for n in step.settings if n not in known]
    return errors


def _check_oauth(cls: type[Connector]) -> list[str]:
    from .sdk.oauth2 import OAuth2

    decl = getattr(cls, "oauth", None)
    if decl is None:
        return []
    if not isinstance(decl, OAuth2):
        return ["oauth must be an sdk.oauth2.OAuth2 declaration or None"]
    return decl.problems()


@cache
def _load() -> tuple[dict[str, type[Connector]], tuple[LoadProblem, ...]]:
    found: dict[str, type[Connector]] = {}
    problems: list[LoadProblem] = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = ep.load()
            validate(cls)
            if cls.system != ep.name:
                raise InvalidConnector(f"entry point name {ep.name!r} differs from system {cls.system!r}")
            if cls.system in found and found[cls.system] is not cls:
                raise InvalidConnector(f"system {cls.system!r} is also provided by {found[cls.system]!r}")
        except Exception as exc:  # any plugin bug must not hide the other connectors
            problems.append(LoadProblem(ep.name, f"{type(exc).__name__}: {exc}"))
            log.error("connector plugin %r (%s) failed to load: %s: %s", ep.name, ep.value, type(exc).__name__, exc)
            continue
        found[cls.system] = cls
    return found, tuple(problems)


def all_connectors() -> dict[str, type[Connector]]:
    """Every loadable connector by system id, sorted by id. Entry points are read once and cached."""
    found, _ = _load()
    merged = {**found, **_registered}
    return {system: merged[system] for system in sorted(merged)}


def problems() -> tuple[LoadProblem, ...]:
    """Plugins that failed to load (name and error), for the command line and the web UI to show."""
    return _load()[1]


def get_connector(system: str) -> type[Connector]:
    connectors = all_connectors()
    try:
        return connectors[system]
    except KeyError:
        pass
    broken = [p for p in problems() if p.name not in connectors]
    for p in broken:
        if p.name == system:
            raise UnknownConnector(f"the connector plugin {system!r} is installed but failed to load: {p.error}")
    message = f"no connector for system {system!r}"
    candidates = [*connectors, *(p.name for p in broken)]
    close = difflib.get_close_matches(str(system).lower(), candidates, n=3, cutoff=0.6)
    message += f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else "."
    message += f" Known systems: {', '.join(connectors) or 'none'}."
    if broken:
        message += " Plugins that failed to load: " + "; ".join(f"{p.name} ({p.error})" for p in broken)
    raise UnknownConnector(message)


def register(cls: type[Connector], *, replace: bool = False) -> type[Connector]:
    """Add a connector class (validated) beside the entry points; usable as a class decorator."""
    validate(cls)
    existing = all_connectors().get(cls.system)
    if existing is not None and existing is not cls and not replace:
        raise InvalidConnector(f"system {cls.system!r} is already provided by {existing!r}; pass replace=True")
    _registered[cls.system] = cls
    return cls


def unregister(system: str) -> None:
    """Remove a class added with ``register`` (entry points stay)."""
    _registered.pop(system, None)


def reload() -> None:
    """Forget the cached entry points, e.g. after installing a plugin into the running process."""
    _load.cache_clear()
