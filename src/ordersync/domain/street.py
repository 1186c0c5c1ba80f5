"""Split a free-text street line into street and house number.

German carriers (DHL, DPD, GLS) and Billbee want street and house number in separate fields, but most shops
and marketplaces hand over one line the buyer typed. The split must never lose a character and never guess
wildly, so it tries a few explicit shapes in order and otherwise leaves the line whole:

1. P.O. boxes and DHL lockers: ``Postfach 12 34`` -> ("Postfach", "12 34"), ``Packstation 123``.
2. Mannheim's city squares (``Q 3, 2``, ``P7 16-17``): the square *is* the street, so ("Q 3", "2").
3. A line that is only a number (``12 b``) -> ("", "12 b"): the buyer put the street elsewhere.
4. Number first, the French/British/US way: ``12 rue de la Paix``, ``10 Downing Street``, ``4, rue X``.
   German street names practically never begin with a bare number (they use ordinals: ``17. Juni``).
5. The German way, number after the street: the first number (leftmost, so ``In den 30 Morgen 34b`` is
   not cut at 30) that either ends the line (``Kollmitz 1 1/3``, ``Eliasstr.12``, ``Am Markt 3-5``,
   ``Hauptstraße 5 b``, ``An der Alster 1a-c``, ``Str. 23 Nr. 4`` -> ("Str. 23", "Nr. 4")) or is followed by
   an addition (``12 / Hinterhaus``, ``5, 2. OG``, ``3 Whg 4``, ``1 (Hof)``). The addition stays with the
   number: the Address's ``line2`` is the buyer's, and carriers' number fields take such suffixes.
6. Otherwise no number: (line, "").

Whitespace is normalised; besides whitespace only a single comma between street and number is dropped
(``Calle Aduana, 29``), so street and number always recompose to the input. Known limit: a street whose
name ends in a number and is written without a house number (Berlin's ``Straße 101``) splits as ("Straße",
"101"); only a list of such streets could tell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

# A house number: 12, 12b, 12 b, 12bis, 3-5, 7 - 9, 1a-c, 12a-14d, 10/25, 1 1/3, Nr. 4, optionally a final dot.
_LETTER = r"(?:[A-Za-z]|bis|ter)(?![^\W_])"  # one letter (or bis/ter), not the start of a word
_PART = rf"[0-9]+(?: ?{_LETTER})?"
_TAIL = rf"(?:{_PART}|{_LETTER})"
_JOIN = r" ?[-–/+&] ?"
_PREFIX = r"(?:(?i:Nr|No|Nummer|Hausnummer)\.? ?|# ?)"
_NUMBER = rf"{_PREFIX}?{_PART}(?:{_JOIN}{_TAIL})*(?: [0-9]+/[0-9]+)?"
_ADDITION_WORDS = (
    "hinterhaus|hinterhof|vorderhaus|seitenflügel|gartenhaus|hof|hh|vh|sf|whg|wohnung|app|apt|apartment|"
    "appartement|suite|unit|zimmer|zi|og|eg|ug|dg|etage|stock|haus|gebäude|geb|aufgang|eingang|top|tür|"
    "c/o|bei|links|rechts|li|re|mitte"
)
_ADDITION = rf"(?: ?[,;/(]| [-–] | (?:[0-9]+\.? ?)?(?i:{_ADDITION_WORDS})(?![^\W_]))"

_NUMBER_END = re.compile(rf"{_NUMBER}\.?")
_NUMBER_WITH_ADDITION = re.compile(rf"{_NUMBER}(?={_ADDITION}).*")
_MAX_LINE = 200  # no real street line is longer; the candidate scan is quadratic, so bound it
_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9]")
_PREFIX_BEFORE = re.compile(rf"(?<![^\W_]){_PREFIX}$")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_PREFIX_LAST = frozenset("rRoO#")  # how 'Nr', 'No', 'Nummer', 'Hausnummer' and '#' end

_POSTBOX = re.compile(
    r"(?P<street>(?i:packstation|postfach|postfiliale|paketshop|postbox|p\.? ?o\.? box)\.?)"
    r"(?: ?[,:] ?| )?(?P<number>(?i:nr\.? ?)?[0-9].*)"
)
_MANNHEIM = re.compile(rf"(?P<street>[A-U] ?[1-7])(?:(?: ?, ?| )(?P<number>{_NUMBER}))?")
_NUMBER_FIRST = re.compile(r"(?P<number>[0-9]+[A-Za-z]?(?:[-–/][0-9]+[A-Za-z]?)*)(?:, ?| )(?P<street>[^\W\d_].*)")


def split_street(line: str) -> tuple[str, str]:
    """Return ``(street, house_number)``; the number is "" when the line has none."""
    return _split(" ".join((line or "").split()))


@lru_cache(maxsize=2048)
def _split(line: str) -> tuple[str, str]:
    """``split_street`` of a line with its whitespace normalised. Cached (a pure function of a short text):
    an order's invoice and delivery address are mostly the same line, and a re-read order brings its lines
    again."""
    if len(line) > _MAX_LINE:
        return line, ""
    for pattern in (_POSTBOX, _MANNHEIM):
        if m := pattern.fullmatch(line):
            return m["street"], m["number"] or ""
    if _NUMBER_END.fullmatch(line):
        return "", line
    if m := _NUMBER_FIRST.fullmatch(line):
        return m["street"], m["number"]
    for start in _number_starts(line):  # leftmost first: the house number is the first that fits
        street = _street_before(line[:start])
        if _HAS_LETTER.search(street) and (
            _NUMBER_END.fullmatch(line, start) or _NUMBER_WITH_ADDITION.fullmatch(line, start)
        ):
            return street, line[start:]
    return line, ""


def _number_starts(line: str) -> Iterator[int]:
    """Where a house number could begin, leftmost first: each digit run, moved back over a 'Nr.' before it."""
    for m in _DIGIT_RUN.finditer(line):
        start = end = m.start()
        # A 'Nr.'/'#' prefix ends right here: in an optional space, before it an optional dot, and before those
        # in 'r', 'o' or '#' (or a non-ASCII character that may match one ignoring case). Before any other
        # character the search cannot match, so it is skipped: mostly a street name and a space.
        if end and line[end - 1] == " ":
            end -= 1
        if end and line[end - 1] == ".":
            end -= 1
        last = line[end - 1] if end else ""
        prefix = _PREFIX_BEFORE.search(line, 0, start) if last in _PREFIX_LAST or not last.isascii() else None
        yield prefix.start() if prefix else start


def _street_before(text: str) -> str:
    """The street part left of a number: drop the separating space and at most one comma."""
    text = text.rstrip(" ")
    if text.endswith(","):
        text = text[:-1].rstrip(" ")
    return text
