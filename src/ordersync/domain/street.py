"""Split a free-text street line into street and house number. (Being written; see tests/domain.)"""

from __future__ import annotations

import re

_NUMBER_AT_END = re.compile(r"^(?P<street>.*?[^\d\s])\.?\s*(?P<number>\d[\w\s/\-.]*)$")


def split_street(line: str) -> tuple[str, str]:
    line = " ".join(line.split())
    m = _NUMBER_AT_END.match(line)
    if not m:
        return line, ""
    return m.group("street").strip(), m.group("number").strip()
