"""split_street: a table of real-world lines, plus properties that must hold for any text at all."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ordersync.domain import street as street_module
from ordersync.domain.street import split_street

CASES = [
    # the German way: number after the street
    ("Kollmitz 1 1/3", "Kollmitz", "1 1/3"),
    ("Reitzenstein 7 1/4", "Reitzenstein", "7 1/4"),
    ("Eliasstr.12", "Eliasstr.", "12"),
    ("Hauptstraße12", "Hauptstraße", "12"),
    ("Straße des 17. Juni 4a", "Straße des 17. Juni", "4a"),
    ("Am 1. Mai 5", "Am 1. Mai", "5"),
    ("1. FC-Str. 3", "1. FC-Str.", "3"),
    ("In den 30 Morgen 34b", "In den 30 Morgen", "34b"),
    ("Am Markt 3-5", "Am Markt", "3-5"),
    ("Am Markt 3–5", "Am Markt", "3–5"),
    ("Hauptstraße 5 b", "Hauptstraße", "5 b"),
    ("Bahnhofstr. 12b", "Bahnhofstr.", "12b"),
    ("Karl-Marx-Allee 90A", "Karl-Marx-Allee", "90A"),
    ("Platz der Republik 1", "Platz der Republik", "1"),
    ("Lange Reihe 7 - 9", "Lange Reihe", "7 - 9"),
    ("An der Alster 1a-c", "An der Alster", "1a-c"),
    ("Brückenstr. 12a-13c", "Brückenstr.", "12a-13c"),
    ("Musterstraße 10/25", "Musterstraße", "10/25"),
    ("Musterstraße 10 / 25", "Musterstraße", "10 / 25"),
    ("Gartenweg 3+5", "Gartenweg", "3+5"),
    ("Hauptstr. 12.", "Hauptstr.", "12."),
    ("Auf der Vogelwiese 23 b", "Auf der Vogelwiese", "23 b"),
    ("Am Bächle 23", "Am Bächle", "23"),
    ("Winterallee 3", "Winterallee", "3"),
    ("St.-Anna-Platz 2", "St.-Anna-Platz", "2"),
    ("Unter den Linden 77", "Unter den Linden", "77"),
    ("Calle Aduana, 29", "Calle Aduana", "29"),
    ("Rue X 12bis", "Rue X", "12bis"),
    # "Nr." marks the house number when the street name itself ends in a number
    ("Str. 23 Nr. 4", "Str. 23", "Nr. 4"),
    ("Straße 101 Nr. 12", "Straße 101", "Nr. 12"),
    ("Calle 39 No 1540", "Calle 39", "No 1540"),
    ("Hauptstr. nr 5", "Hauptstr.", "nr 5"),
    # additions after the number stay with the number
    ("Müllerstraße 12 / Hinterhaus", "Müllerstraße", "12 / Hinterhaus"),
    ("Müllerstraße 12 / Hinterhaus 3", "Müllerstraße", "12 / Hinterhaus 3"),
    ("Hauptstr. 5, 2. OG", "Hauptstr.", "5, 2. OG"),
    ("Hauptstr. 5 2 OG", "Hauptstr.", "5 2 OG"),
    ("Am 1. Mai 5, Whg 3", "Am 1. Mai", "5, Whg 3"),
    ("Wohnpark 3 Haus 4", "Wohnpark", "3 Haus 4"),
    ("Lindenstr. 8 Hinterhaus", "Lindenstr.", "8 Hinterhaus"),
    ("Hauptstr. 5 (Hinterhof)", "Hauptstr.", "5 (Hinterhof)"),
    ("Hauptstr. 5 c/o Meier", "Hauptstr.", "5 c/o Meier"),
    ("Bergstr. 4 - Seitenflügel", "Bergstr.", "4 - Seitenflügel"),
    # Mannheim's squares: the square is the street
    ("Q 3, 2", "Q 3", "2"),
    ("Q3, 2", "Q3", "2"),
    ("C 3 54", "C 3", "54"),
    ("P7 16-17", "P7", "16-17"),
    ("R 5, 6-13", "R 5", "6-13"),
    ("Q3", "Q3", ""),
    # P.O. boxes and DHL lockers
    ("Packstation 123", "Packstation", "123"),
    ("Packstation Nr. 123", "Packstation", "Nr. 123"),
    ("Postfach 12 34", "Postfach", "12 34"),
    ("Postfiliale 502", "Postfiliale", "502"),
    ("PO Box 1234", "PO Box", "1234"),
    # number first: French, British, US
    ("12 rue de la Paix", "rue de la Paix", "12"),
    ("10 Downing Street", "Downing Street", "10"),
    ("4, rue de la revolution", "rue de la revolution", "4"),
    ("200 Broadway Av", "Broadway Av", "200"),
    ("221B Baker Street", "Baker Street", "221B"),
    ("123 Main St Apt 4", "Main St Apt 4", "123"),
    ("12-14 Avenue des Champs", "Avenue des Champs", "12-14"),
    # no house number
    ("Dorfstraße", "Dorfstraße", ""),
    ("Straße des 17. Juni", "Straße des 17. Juni", ""),
    ("5th Avenue", "5th Avenue", ""),
    ("Am Markt", "Am Markt", ""),
    ("", "", ""),
    # only a number: the street is elsewhere
    ("12", "", "12"),
    ("12 b", "", "12 b"),
    # whitespace
    ("  Haupt   str.  5  ", "Haupt str.", "5"),
    ("Hauptstraße\t12\n", "Hauptstraße", "12"),
    ("Hauptstraße\u00a012", "Hauptstraße", "12"),
]


@pytest.mark.parametrize(("line", "street", "number"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_real_world_lines(line: str, street: str, number: str) -> None:
    assert split_street(line) == (street, number)


def test_known_limit_street_named_by_a_number() -> None:
    """Berlin's 'Straße 101' without a house number cannot be told from street 'Straße', number 101."""
    assert split_street("Straße 101") == ("Straße", "101")


def _squash(text: str) -> str:
    return "".join(text.split())


ADDRESSY = st.text(alphabet="AaBbQrsStß.äÖ -–/,#+()0123456789NrOGo\t", max_size=30)


@given(st.one_of(st.text(max_size=60), ADDRESSY))
@example("Hauptstr. 12")
@example("Q 3, 2")
@example("4, rue X")
def test_never_raises_and_loses_nothing(line: str) -> None:
    street, number = split_street(line)
    assert street == " ".join(street.split()) and number == " ".join(number.split())
    whole = _squash(line)
    if not number:
        assert street == " ".join(line.split())
    else:
        assert any(c.isdigit() for c in number)
        s, n = _squash(street), _squash(number)
        assert whole in {s + n, s + "," + n, n + s, n + "," + s}


@given(st.one_of(st.text(max_size=60), ADDRESSY))
def test_idempotent_on_a_street_without_number(line: str) -> None:
    street, number = split_street(line)
    if not number:
        assert split_street(street) == (street, "")


def test_none_is_an_empty_line() -> None:
    assert split_street(None) == ("", "")  # type: ignore[arg-type]


def test_overlong_text_is_not_split_and_stays_fast() -> None:
    line = "Hauptstraße 1 b" * 1000
    assert split_street(line) == (line, "")


# the fast paths: each must give what the plain scan gives, for any text


def _plain_number_starts(line: str) -> list[int]:
    """Every digit run with the 'Nr.' search run before it, as the scan did before it skipped searches."""
    starts = []
    for m in street_module._DIGIT_RUN.finditer(line):
        prefix = street_module._PREFIX_BEFORE.search(line, 0, m.start())
        starts.append(prefix.start() if prefix else m.start())
    return starts


NUMBERY = st.text(alphabet="NnRrOoUuMmEeHhAaSs#. 0123456789İıſKkŔŘÓΟοℕ٣²/-", max_size=30)


@given(st.one_of(st.text(max_size=40), ADDRESSY, NUMBERY))
@example("Nr. 4")
@example("Str. 23 Nr. 4")
@example("Weg # 5")
@example("Hausnummer 12")
@example("NO.7")
def test_number_starts_skip_only_searches_that_cannot_match(line: str) -> None:
    line = " ".join(line.split())
    assert list(street_module._number_starts(line)) == _plain_number_starts(line)


@given(st.one_of(st.text(max_size=40), ADDRESSY, NUMBERY))
def test_cached_split_is_the_split(line: str) -> None:
    first = split_street(line)
    assert split_street(line) == first == street_module._split.__wrapped__(" ".join(line.split()))
