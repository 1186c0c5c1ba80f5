"""Encoding, delimiter and quote detection."""

from __future__ import annotations

import pytest

from ordersync.channels.csv_import.dialect import FileFormatError, decode, detect, sniff

GERMAN = "Bestellnummer;Käufer;Straße\n1;Jürgen Weiß;Hauptstraße 5\n"


@pytest.mark.parametrize(
    "data, codec",
    [
        (GERMAN.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + GERMAN.encode("utf-8"), "utf-8-sig"),
        (GERMAN.encode("cp1252"), "cp1252"),
        ("a;b\n1;Preis 5 €\n".encode("cp1252"), "cp1252"),
    ],
)
def test_encodings_are_detected(data, codec):
    text, found = decode(data)
    assert ("Käufer" in text or "€" in text) and found == codec


def test_utf16_with_bom():
    text, codec = decode(GERMAN.encode("utf-16"))
    assert codec == "utf-16" and text.lstrip("\ufeff") == GERMAN


def test_explicit_encoding_that_does_not_fit_is_reported_with_the_byte():
    with pytest.raises(FileFormatError, match="not valid utf-8: the byte at offset 11"):
        decode("Bestellnr;Kä".encode("cp1252"), "utf-8")
    with pytest.raises(FileFormatError, match="unknown encoding"):
        decode(b"a", "klingon")


@pytest.mark.parametrize(
    "text, delimiter",
    [
        ("a;b;c\n1;2;3\n", ";"),
        ("a,b,c\n1,2,3\n", ","),
        ("a\tb\tc\n1\t2\t3\n", "\t"),
        ("a|b|c\n1|2|3\n", "|"),
        # commas inside quoted header cells do not count
        ('"Name, Vorname";"Straße, Nr";Betrag\n"Weiß, Jürgen";"Weg 1, Hof";"1.234,56"\n', ";"),
        # a tie on the header is settled by the rows: "a,b;c" has one of each
        ('a,b;c\n"1,5";2\n"3,5";4\n', ";"),
    ],
)
def test_delimiter_is_counted_outside_quotes_on_the_header(text, delimiter):
    assert sniff(text)[0] == delimiter


def test_single_quote_wrapping_is_recognised():
    assert sniff("'a';'b';'c'\n'1';'2;3';'4'\n") == (";", "'")
    assert sniff('"a";"b"\n') == (";", '"')


def test_given_delimiter_is_kept_and_empty_file_is_an_error():
    assert sniff("a;b,c\n", delimiter=",")[0] == ","
    with pytest.raises(FileFormatError, match="empty"):
        detect(b"  \r\n")
