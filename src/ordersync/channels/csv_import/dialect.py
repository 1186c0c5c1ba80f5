"""How a CSV file is written: its encoding, field delimiter and quote character.

German shop exports come as UTF-8 (with or without byte-order mark) or as Windows-1252 from Excel, with
``;`` because ``,`` is the decimal mark. ``csv.Sniffer`` guesses from character frequencies and is easily
fooled by commas inside quoted addresses or amounts, so the delimiter is chosen here from the header line:
each candidate is counted outside quotes, and a tie (or a header of one column) is settled by how many of
the first rows split into as many cells as the header.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from charset_normalizer import from_bytes

DELIMITERS = (";", ",", "\t", "|", "~")
DELIMITER_NAMES = {
    "auto": "",
    "comma": ",",
    "semicolon": ";",
    "tab": "\t",
    "pipe": "|",
    "tilde": "~",
    ",": ",",
    ";": ";",
    "|": "|",
    "~": "~",
}
_SAMPLE_ROWS = 20


@dataclass(frozen=True, slots=True)
class Dialect:
    encoding: str
    delimiter: str
    quotechar: str = '"'

    def describe(self) -> str:
        name = {"\t": "tab", ";": "semicolon", ",": "comma", "|": "pipe", "~": "tilde"}[self.delimiter]
        return f"{self.encoding}, {name}-separated, quote {self.quotechar}"


class FileFormatError(ValueError):
    """The file as a whole cannot be read (encoding, empty, no header); nothing of it is imported."""


def decode(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """The text of ``data`` and the name of its encoding. ``auto``: a byte-order mark decides; otherwise
    UTF-8 if the bytes are valid UTF-8, else Windows-1252 if they decode as that, else the best guess of
    charset-normalizer, else Latin-1 (which decodes anything)."""
    if encoding and encoding != "auto":
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise FileFormatError(f"unknown encoding {encoding!r} (use e.g. utf-8 or cp1252)") from None
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError as exc:
            raise FileFormatError(
                f"the file is not valid {codec}: the byte at offset {exc.start} "
                f"({data[exc.start : exc.start + 1]!r}) cannot be decoded"
            ) from None
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise FileFormatError(
                    f"the file starts with a {codec} byte-order mark but byte {exc.start} is not valid in that encoding"
                ) from None
    for codec in ("utf-8", "cp1252"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is not None:
        return str(best), best.encoding
    return data.decode("latin-1"), "latin-1"


def _first_record(text: str, quotechar: str) -> str:
    """The header record: up to the first line break outside quotes."""
    inside = False
    for i, ch in enumerate(text):
        if ch == quotechar:
            inside = not inside
        elif ch in "\r\n" and not inside:
            return text[:i]
    return text


def _count_outside_quotes(line: str, candidate: str, quotechar: str) -> int:
    inside, count = False, 0
    for ch in line:
        if ch == quotechar:
            inside = not inside
        elif ch == candidate and not inside:
            count += 1
    return count


def _quotechar(header: str) -> str:
    """``'`` only if the header's cells are visibly wrapped in it and never in ``"``."""
    double = header.count('"')
    single_wrapped = sum(
        1
        for d in DELIMITERS
        for cell in header.split(d)
        if len(cell.strip()) > 1 and cell.strip()[0] == cell.strip()[-1] == "'"
    )
    return "'" if double == 0 and single_wrapped >= 2 else '"'


def _consistency(text: str, delimiter: str, quotechar: str, width: int) -> int:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quotechar)
    score = 0
    try:
        for i, row in enumerate(reader):
            if i >= _SAMPLE_ROWS:
                break
            if row and len(row) == width:
                score += 1
    except csv.Error:
        pass
    return score


def sniff(text: str, *, delimiter: str = "", quotechar: str = "") -> tuple[str, str]:
    """(delimiter, quotechar) of ``text``; given values are kept."""
    header = _first_record(text.lstrip("\ufeff"), quotechar or '"')
    quote = quotechar or _quotechar(header)
    if delimiter:
        return delimiter, quote
    counts = {d: _count_outside_quotes(header, d, quote) for d in DELIMITERS}
    best = max(counts.values())
    if best == 0:
        return ",", quote  # one column; the missing columns are reported by name
    leaders = [d for d in DELIMITERS if counts[d] == best]
    if len(leaders) == 1:
        return leaders[0], quote
    sample = text[:200_000]
    return max(leaders, key=lambda d: _consistency(sample, d, quote, counts[d] + 1)), quote


def detect(data: bytes, *, encoding: str = "auto", delimiter: str = "", quotechar: str = "") -> tuple[str, Dialect]:
    text, codec = decode(data, encoding)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise FileFormatError("the file is empty")
    found, quote = sniff(text, delimiter=DELIMITER_NAMES.get(delimiter, delimiter), quotechar=quotechar)
    return text, Dialect(codec, found, quote)
