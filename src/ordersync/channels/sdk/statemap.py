"""The seller's overrides of a connector's status map, parsed once for every connector.

Import maps a channel status (as the connector normalises it) to a hub state; export maps a hub state to
what the connector writes (a status, an action), where empty, "-" or "none" means "never push". A typo is
a SettingsError naming the setting and the entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ...domain import OrderState
from .settings import SettingsError

NO_PUSH = frozenset({"", "-", "none"})


def import_map(
    defaults: Mapping[str, OrderState], overrides: Mapping[str, str] | None, *, key: Callable[[str], str]
) -> dict[str, OrderState]:
    result = dict(defaults)
    for status, state in (overrides or {}).items():
        normalised = key(status)
        try:
            result[normalised] = OrderState.parse(state)
        except ValueError as exc:
            raise SettingsError(f"setting 'status_map_import', entry {status!r}: {exc}") from None
    return result


def export_map(
    defaults: Mapping[OrderState, str | None], overrides: Mapping[str, str] | None, *, value: Callable[[str, str], str]
) -> dict[OrderState, str | None]:
    """``value(text, entry)`` checks one target written by the seller and returns it normalised."""
    result = dict(defaults)
    for entry, target in (overrides or {}).items():
        try:
            state = OrderState.parse(entry)
        except ValueError as exc:
            raise SettingsError(f"setting 'status_map_export', entry {entry!r}: {exc}") from None
        text = str(target or "").strip().lower()
        result[state] = None if text in NO_PUSH else value(text, entry)
    return result
