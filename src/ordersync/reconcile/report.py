"""Collecting differences: a count per kind and the rows behind it, kept up to a limit so a report of a
badly drifted shop stays a reasonable size (the count stays exact; a mend works on the rows kept and the
next run finds the rest)."""

from __future__ import annotations

from typing import Any

from .kinds import KINDS

ROWS_KEPT = 2000


class Differences:
    def __init__(self) -> None:
        self.kinds: dict[str, dict[str, Any]] = {}

    def add(self, kind: str, row: dict[str, Any]) -> None:
        entry = self.kinds.setdefault(kind, {"count": 0, "rows": []})
        entry["count"] += 1
        if len(entry["rows"]) < ROWS_KEPT:
            entry["rows"].append(row)

    def as_json(self) -> dict[str, dict[str, Any]]:
        return self.kinds


def merged(phases: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The report of a run from its finished phases, every kind present (count 0 where nothing differed)."""
    out = {k.name: {"count": 0, "rows": []} for k in KINDS}
    for found in phases.values():
        for kind, entry in found.items():
            out[kind] = entry
    return out


def total(report: dict[str, dict[str, Any]]) -> int:
    return sum(entry["count"] for entry in report.values())
